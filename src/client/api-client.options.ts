import type { AxiosRequestConfig, CreateAxiosDefaults } from 'axios';
import type { ClientEvent, RetryEvent } from './client-events.js';

/** The retry policy of a client, or of one call. */
export interface RetryPolicy {
  /**
   * Retries after the first attempt (0 turns retrying off).
   * @default 3
   */
  readonly retries: number;
  /**
   * Backoff base: the n-th retry waits a random time in
   * `[0, min(maxDelayMs, baseDelayMs * 2^(n-1))]` (full jitter).
   * @default 200
   */
  readonly baseDelayMs: number;
  /**
   * Hard cap on one backoff wait, applied after jitter.
   * @default 5000
   */
  readonly maxDelayMs: number;
  /**
   * Longest `Retry-After` honoured; a longer one is waited for this long.
   * @default 30000
   */
  readonly maxRetryAfterMs: number;
  /**
   * Upstream statuses worth another attempt.
   * @default [408, 429, 500, 502, 503, 504]
   */
  readonly retryOnStatus: readonly number[];
  /**
   * Retry ENOTFOUND (the host name did not resolve): usually a
   * misconfiguration, not a passing fault.
   * @default false
   */
  readonly retryOnDnsNotFound: boolean;
  /**
   * Retry POST and PATCH without an `Idempotency-Key` (an attempt the
   * upstream saw may be applied twice).
   * @default false
   */
  readonly retryNonIdempotent: boolean;
}

/** The retry policy's defaults (also `DEFAULT_API_CLIENT_OPTIONS.retry`). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 3,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  maxRetryAfterMs: 30_000,
  retryOnStatus: Object.freeze([408, 429, 500, 502, 503, 504]),
  retryOnDnsNotFound: false,
  retryNonIdempotent: false,
});

/** Options of a client's retry budget. */
export interface RetryBudgetOptions {
  /**
   * Tokens each successful attempt deposits: retries may be about this
   * share of the successful traffic (0.2: one retry per five successes).
   * @default 0.2
   */
  readonly ratio: number;
  /**
   * Most tokens the bucket holds: the largest burst of retries after a
   * healthy period. A new client starts full.
   * @default 20
   */
  readonly maxTokens: number;
  /**
   * Tokens refilled per second whatever the traffic: the floor that lets a
   * client with little traffic still retry.
   * @default 1
   */
  readonly minPerSecond: number;
}

/** The retry budget's defaults (also `DEFAULT_API_CLIENT_OPTIONS.budget`). */
export const DEFAULT_RETRY_BUDGET: RetryBudgetOptions = Object.freeze({
  ratio: 0.2,
  maxTokens: 20,
  minPerSecond: 1,
});

/** Options of a client's circuit breaker (one per client). */
export interface CircuitBreakerOptions {
  /**
   * Share of failed attempts in the sampling window that opens the breaker.
   * @default 0.5
   */
  readonly threshold: number;
  /**
   * The sampling window, in milliseconds.
   * @default 10000
   */
  readonly samplingDurationMs: number;
  /**
   * Attempts the window must hold before the breaker may open.
   * @default 20
   */
  readonly minimumThroughput: number;
  /**
   * How long the breaker stays open before a half-open probe, in milliseconds.
   * @default 5000
   */
  readonly breakDurationMs: number;
}

/** Options of a client's concurrency limit. */
export interface BulkheadOptions {
  /** Calls in flight at once. */
  readonly maxConcurrent: number;
  /**
   * Calls waiting for a slot; more are refused at once.
   * @default 0
   */
  readonly maxQueued?: number;
}

/** The circuit breaker's defaults (also `DEFAULT_API_CLIENT_OPTIONS.breaker`). */
export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = Object.freeze({
  threshold: 0.5,
  samplingDurationMs: 10_000,
  minimumThroughput: 20,
  breakDurationMs: 5000,
});

/** Connection pool settings of the undici transport. */
export interface UndiciTransportOptions {
  /**
   * Connections kept per origin.
   * @default 64
   */
  readonly connections?: number;
  /**
   * How long an idle connection is kept open, in milliseconds (below the
   * common 5 s server default, so the client closes first).
   * @default 4000
   */
  readonly keepAliveTimeoutMs?: number;
}

/** The undici pool's defaults (also `DEFAULT_API_CLIENT_OPTIONS.transport`). */
export const DEFAULT_UNDICI_TRANSPORT: Required<UndiciTransportOptions> = Object.freeze({
  connections: 64,
  keepAliveTimeoutMs: 4000,
});

/** Options of one client (`client` or an entry of `clients` in the module options). */
export interface ApiClientOptions {
  /**
   * Prefix of relative request URLs.
   * @default undefined
   */
  baseURL?: string;
  /**
   * Headers sent on every call.
   * @default {}
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * Time one attempt may take, in milliseconds.
   * @default 3000
   */
  attemptTimeoutMs?: number;
  /**
   * Time the whole call may take — every attempt and every wait — in milliseconds.
   * @default 10000
   */
  deadlineMs?: number;
  /**
   * The retry policy, over {@link DEFAULT_RETRY_POLICY}; `false` never retries.
   * @default DEFAULT_RETRY_POLICY
   */
  retry?: Partial<RetryPolicy> | false;
  /**
   * Give every POST and PATCH an `Idempotency-Key` (a UUID, the same on
   * every attempt), which also makes them retryable.
   * @default false
   */
  idempotencyKeys?: boolean;
  /**
   * Header the inbound request id is forwarded in (`false`: not forwarded).
   * @default 'X-Request-Id'
   */
  requestIdHeader?: string | false;
  /**
   * Header each attempt made for an inbound request that has a deadline
   * tells the upstream the time it may take in (what is left of the
   * request's deadline, or the attempt's timeout when that is shorter);
   * `false`: not sent, the calls still end by the request's deadline.
   * `grpc-timeout` carries gRPC's format (`1500m`); any other header whole
   * milliseconds (`1500`).
   * @default 'grpc-timeout' (under ErrorsModule, its `deadlineHeader`)
   */
  deadlineHeader?: string | false;
  /**
   * Called before every retry, with the facts of the retry log line (for metrics).
   * @default undefined
   */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Called with every event of the client: attempts, retries, give-ups,
   * budget and bulkhead refusals, breaker state changes.
   * @default undefined
   */
  onEvent?: (event: ClientEvent) => void;
  /**
   * The retry budget over {@link DEFAULT_RETRY_BUDGET}; `false` turns it off.
   * @default DEFAULT_RETRY_BUDGET
   */
  budget?: Partial<RetryBudgetOptions> | false;
  /**
   * The circuit breaker over {@link DEFAULT_CIRCUIT_BREAKER}; `false` turns it off.
   * @default DEFAULT_CIRCUIT_BREAKER
   */
  breaker?: Partial<CircuitBreakerOptions> | false;
  /**
   * A limit on calls in flight; past it (and its queue) calls fail at once
   * with 503. Off by default.
   * @default false
   */
  bulkhead?: BulkheadOptions | false;
  /**
   * The HTTP transport under axios: `'undici'` (Node's own client, with a
   * connection pool per origin) or `'node'` (axios' http adapter). Pool
   * settings: `{ type: 'undici', connections: 64, keepAliveTimeoutMs: 4000 }`.
   * @default 'undici'
   */
  transport?: 'node' | 'undici' | ({ readonly type: 'undici' } & UndiciTransportOptions);
  /**
   * More axios defaults for the client's own instance (`httpsAgent`,
   * `maxRedirects`, `validateStatus`, ...).
   * @default {}
   */
  axios?: CreateAxiosDefaults;
  /**
   * For tests: the clock the retry budget refills by, in milliseconds like
   * `performance.now()`, so a test can move time on instead of sleeping.
   * Deadlines, backoff waits and the breaker keep real time.
   * @default performance.now
   */
  clock?: () => number;
  /**
   * OpenTelemetry spans, trace context and metrics of the client's calls,
   * when the app has `@opentelemetry/api` and registers an SDK; `false` turns
   * them off (nothing is looked up per call).
   * @default true
   */
  telemetry?: boolean;
}

/** The options of a client with every default applied. */
export interface ResolvedApiClientOptions {
  readonly name: string;
  readonly baseURL: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly attemptTimeoutMs: number;
  readonly deadlineMs: number;
  readonly retry: RetryPolicy;
  readonly idempotencyKeys: boolean;
  readonly requestIdHeader: string | false;
  readonly deadlineHeader: string | false;
  readonly onRetry: ((event: RetryEvent) => void) | undefined;
  readonly onEvent: ((event: ClientEvent) => void) | undefined;
  readonly budget: RetryBudgetOptions | false;
  readonly breaker: CircuitBreakerOptions | false;
  readonly bulkhead: BulkheadOptions | false;
  readonly transport:
    { readonly type: 'node' } | ({ readonly type: 'undici' } & Required<UndiciTransportOptions>);
  readonly axios: CreateAxiosDefaults;
  /** For tests: the retry budget's clock (`undefined`: `performance.now`). */
  readonly clock: (() => number) | undefined;
  readonly telemetry: boolean;
}

/** Every client default, in one place: the policies' own defaults nested under their option. */
export const DEFAULT_API_CLIENT_OPTIONS = Object.freeze({
  attemptTimeoutMs: 3000,
  deadlineMs: 10_000,
  retry: DEFAULT_RETRY_POLICY,
  idempotencyKeys: false,
  requestIdHeader: 'X-Request-Id',
  deadlineHeader: 'grpc-timeout',
  budget: DEFAULT_RETRY_BUDGET,
  breaker: DEFAULT_CIRCUIT_BREAKER,
  bulkhead: false,
  transport: Object.freeze({ type: 'undici', ...DEFAULT_UNDICI_TRANSPORT }),
  telemetry: true,
} as const);

/** The name of the client `ErrorsModule` registers from its `client` option. */
export const DEFAULT_CLIENT = 'default';

/** Per-call options: every axios option, plus the client's own. */
export interface ApiRequestConfig<D = unknown> extends Omit<AxiosRequestConfig<D>, 'signal'> {
  /** Aborts the attempt in flight and any wait at once; the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** This call's retry policy over the client's; `false` never retries. */
  retry?: Partial<RetryPolicy> | false;
  /**
   * This call's deadline in milliseconds, over the client's `deadlineMs`.
   * While serving a request that has a deadline, the call ends by that one
   * if it is nearer.
   */
  deadlineMs?: number;
  /**
   * `false`: this call is not bound by the deadline of the inbound request
   * it is made for (work that is to outlive the request's answer), and does
   * not forward it.
   * @default true
   */
  requestDeadline?: boolean;
  /**
   * `Idempotency-Key` of this call: a string, or `true` for a generated
   * UUID. Sent on every attempt, it makes POST and PATCH retryable.
   */
  idempotencyKey?: string | true;
}
