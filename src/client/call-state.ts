import { type AxiosError, type InternalAxiosRequestConfig, isAxiosError } from 'axios';
import { isBrokenCircuitError, isBulkheadRejectedError } from 'cockatiel';
import type { CallFacts } from './client-events.js';
import { type AttemptFailure, failureReason, type GiveUpCause, type RetryPolicy } from './retry.policy.js';
import type { UpstreamFailureKind } from './upstream.exception.js';

/** axios errors that are a mistake in the call, not a failure of the upstream. */
const USAGE_ERRORS: ReadonlySet<string> = new Set([
  'ERR_INVALID_URL',
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_NOT_SUPPORT',
]);

/** Where a call's state rides along in the axios config (a string key: axios drops symbols). */
export const CALL = 'faultlineCall';

/** The state of one logical call, shared by its attempts. */
export class CallState {
  attempts = 0;
  retries = 0;
  giveUp: GiveUpCause | undefined;
  lastReason = '';
  nextDelayMs = 0;
  private knownFacts: CallFacts | undefined;

  constructor(
    private readonly describe: () => CallFacts,
    readonly policy: RetryPolicy,
    /** The time one attempt may take. */
    readonly attemptTimeoutMs: number,
    readonly startedAt: number,
    readonly deadlineAt: number,
    readonly hasIdempotencyKey: boolean,
    readonly streamBody: boolean,
  ) {}

  /** Client, method, redacted URL and request id: worked out on first use (logs, events, failures). */
  get facts(): CallFacts {
    return (this.knownFacts ??= this.describe());
  }

  /** Attempts this call may make at most. */
  get maxAttempts(): number {
    return this.streamBody ? 1 : this.policy.retries + 1;
  }

  remainingMs(now = performance.now()): number {
    return this.deadlineAt - now;
  }
}

export type ConfigWithCall = InternalAxiosRequestConfig & { [CALL]?: CallState };

export function callOf(config: InternalAxiosRequestConfig | undefined): CallState | undefined {
  return (config as ConfigWithCall | undefined)?.[CALL];
}

/** The facts of a failed attempt that the retry policy weighs. */
export function attemptFailure(error: AxiosError): AttemptFailure {
  const status = error.response?.status;
  const code = error.code;
  return {
    status,
    code,
    timedOut: status === undefined && (code === 'ETIMEDOUT' || code === 'ECONNABORTED'),
    canceled: code === 'ERR_CANCELED',
  };
}

/** How a call finally failed, and why no other attempt was made. */
export interface FinalFailure {
  readonly kind: UpstreamFailureKind;
  readonly upstreamStatus?: number;
  readonly reason: string;
  readonly giveUp: GiveUpCause;
}

/** How a call finally failed, or `undefined` when the error is not the upstream's (a usage error). */
export function finalFailure(
  error: unknown,
  call: CallState,
  deadlinePassed: boolean,
): FinalFailure | undefined {
  const giveUp = call.giveUp ?? (deadlinePassed ? 'deadline' : 'exhausted');
  if (isBrokenCircuitError(error))
    return { kind: 'unavailable', reason: 'circuit open', giveUp: 'breaker-open' };
  if (isBulkheadRejectedError(error))
    return { kind: 'unavailable', reason: 'concurrency limit reached', giveUp };
  if (!isAxiosError(error) || (!error.response && USAGE_ERRORS.has(error.code ?? ''))) return undefined;
  const failure = attemptFailure(error);
  const reason = deadlinePassed
    ? `deadline of ${Math.round(call.deadlineAt - call.startedAt)}ms passed`
    : call.lastReason || failureReason(failure);
  let kind: UpstreamFailureKind;
  if (deadlinePassed || call.giveUp === 'deadline') kind = 'deadline';
  else if (call.giveUp === 'budget-exhausted' || call.giveUp === 'breaker-open') kind = 'unavailable';
  else if (failure.status !== undefined) kind = 'status';
  else kind = failure.timedOut ? 'timeout' : 'network';
  return { kind, upstreamStatus: failure.status, reason, giveUp };
}

/** A body that can be read once only. */
export function isStream(data: unknown): boolean {
  return typeof data === 'object' && data !== null && typeof (data as { pipe?: unknown }).pipe === 'function';
}
