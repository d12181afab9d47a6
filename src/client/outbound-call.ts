import { AxiosError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { RetryPolicy } from './api-client.options.js';
import { resolveRetryPolicy } from './api-client.options-resolver.js';
import {
  type CallContext,
  type CallRequest,
  forwardRequestId,
  hasIdempotencyKey,
  setIdempotencyKey,
  uriOf,
} from './call-request.js';
import type { CallFacts } from './client-events.js';
import { deadlineHeaderOf, deadlineReason, forwardDeadline, requestDeadlineOf } from './call-deadline.js';
import { classifyFailure, type FailureVerdict, finalKind } from './failure-verdict.js';
import { redactUrl } from './redact.js';
import { type GiveUpCause, planRetry } from './retry.policy.js';
import type { CallTelemetry } from './telemetry/call-telemetry.js';
import { UpstreamException } from './upstream.exception.js';
import { currentRequestContext, type RequestDeadline } from '../core/request-context.js';
import { isPipeable } from '../shared/streams.js';

/**
 * One logical outbound call, owning its attempts, waits and verdicts:
 * `start` → `run` (bulkhead, axios) → per attempt `attempt` → on failure
 * `decide`, `delayMs`, `retrying` → `fail` (an {@link UpstreamException}).
 * The axios binding only forwards to these steps.
 */
export class OutboundCall {
  readonly #context: CallContext;
  readonly #request: CallRequest;
  readonly #policy: RetryPolicy;
  readonly #attemptTimeoutMs: number;
  readonly #startedAt: number;
  readonly #deadlineAt: number;
  /** The inbound request's deadline, when it is the call's. */
  readonly #requestDeadline: RequestDeadline | undefined;
  /** The header each attempt tells its time in, while serving a request that has a deadline. */
  readonly #deadlineHeader: string | undefined;
  readonly #hasIdempotencyKey: boolean;
  readonly #streamBody: boolean;
  readonly #requestId: string | undefined;
  #attempts = 0;
  #retries = 0;
  #giveUp: GiveUpCause | undefined = undefined;
  #lastReason = '';
  #delayMs = 0;
  /** The last attempt's timeout was cut to the deadline. */
  #deadlineBound = false;
  #facts: CallFacts | undefined = undefined;
  #failure: unknown = undefined;
  #verdict: FailureVerdict | undefined = undefined;
  readonly #telemetry: CallTelemetry | undefined;

  private constructor(context: CallContext, request: CallRequest, startedAt: number) {
    this.#context = context;
    this.#request = request;
    this.#startedAt = startedAt;
    const { settings } = context;
    const { method, headers } = request;
    const asked = request.settings;
    const key = setIdempotencyKey(method, asked?.idempotencyKey, headers, settings.idempotencyKeys);
    this.#hasIdempotencyKey =
      key !== undefined || context.defaultIdempotencyKey || hasIdempotencyKey(headers);
    const inbound = currentRequestContext();
    this.#requestId = forwardRequestId(headers, settings.requestIdHeader, inbound);
    this.#streamBody = isPipeable(request.data);
    this.#policy = resolveRetryPolicy(settings.retry, asked?.retry);
    this.#attemptTimeoutMs = asked?.timeout || settings.attemptTimeoutMs;
    const ownDeadlineAt = startedAt + (asked?.deadlineMs ?? settings.deadlineMs);
    this.#requestDeadline = requestDeadlineOf(inbound, asked?.requestDeadline, ownDeadlineAt);
    this.#deadlineAt = this.#requestDeadline?.at ?? ownDeadlineAt;
    this.#deadlineHeader = deadlineHeaderOf(
      inbound,
      asked?.requestDeadline,
      settings.deadlineHeader,
      headers,
    );
    this.#telemetry = context.telemetry?.begin(this);
  }

  /** A call from now: sets its `Idempotency-Key` and request id headers. */
  static start(context: CallContext, request: CallRequest): OutboundCall {
    return new OutboundCall(context, request, performance.now());
  }

  /** A call made on `axiosRef` or `httpService` directly: the client's policy, from its first attempt. */
  static adopt(context: CallContext, config: InternalAxiosRequestConfig): OutboundCall {
    context.resilience.countCall();
    const method = (config.method ?? 'get').toUpperCase();
    const { url, headers, data } = config;
    return OutboundCall.start(context, { method, url, target: config, headers, data, settings: config });
  }

  /** The time one attempt may take, unless the deadline is nearer. */
  get attemptTimeoutMs(): number {
    return this.#attemptTimeoutMs;
  }

  /** Runs the whole call (`send`: axios, with every attempt) within the client's bulkhead. */
  run<T>(send: () => Promise<T>): Promise<T> {
    if (this.#telemetry) return this.#telemetry.traced(() => this.#context.resilience.run(this, send));
    return this.#context.resilience.run(this, send);
  }

  /** One attempt, under the call's deadline and the client's breaker (the axios adapter's step). */
  attempt(config: InternalAxiosRequestConfig, transport: AxiosAdapter): Promise<AxiosResponse> {
    const sending = this.#telemetry ? this.#telemetry.sending(transport) : transport;
    return this.#context.resilience.attempt(this, config, sending);
  }

  /** An attempt is sent to the network: counted and reported. */
  attempted(): void {
    this.#attempts++;
    const { onEvent } = this.#context.settings;
    if (!onEvent) return;
    const attempt = this.#attempts;
    onEvent({ type: 'attempt', ...this.#described(), attempt, maxAttempts: this.#maxAttempts });
  }

  /** The verdict on `error`, classified once: the call keeps its last failure's. */
  verdictOf(error: unknown): FailureVerdict {
    if (this.#verdict === undefined || error !== this.#failure) {
      this.#failure = error;
      this.#verdict = classifyFailure(error);
    }
    return this.#verdict;
  }

  /** After a failed attempt: retry? The policy plans it, the breaker and the budget admit it. */
  decide(error: AxiosError): boolean {
    const verdict = this.verdictOf(error);
    const plan = planRetry({
      failure: verdict,
      method: (error.config?.method ?? 'GET').toUpperCase(),
      policy: this.#policy,
      retriesDone: this.#retries,
      hasIdempotencyKey: this.#hasIdempotencyKey,
      streamBody: this.#streamBody,
      retryAfter: error.response?.headers?.['retry-after'],
      remainingMs: this.remainingMs(),
      now: Date.now(),
    });
    this.#lastReason = plan.reason;
    if (!plan.retry) {
      this.#giveUp = plan.giveUp;
      return false;
    }
    const refused = this.#context.resilience.admitRetry();
    if (refused) return this.#refused(refused, plan.reason);
    this.#delayMs = plan.delayMs;
    return true;
  }

  /** The wait before the retry just decided. */
  get delayMs(): number {
    return this.#delayMs;
  }

  /** A retry is about to be made: counted, logged, reported. */
  retrying(retryNumber: number): void {
    this.#retries = retryNumber;
    const { logger, settings } = this.#context;
    const event = {
      ...this.#described(),
      attempt: retryNumber + 1,
      maxAttempts: this.#maxAttempts,
      delayMs: this.#delayMs,
      reason: this.#lastReason,
    };
    logger.warn(
      `${event.method} ${event.url} attempt ${event.attempt}/${event.maxAttempts} in ${event.delayMs}ms ` +
        `after ${event.reason} requestId=${event.requestId ?? '-'}`,
    );
    settings.onRetry?.(event);
    settings.onEvent?.({ type: 'retry', ...event });
    this.#telemetry?.retrying(event);
  }

  /** The call failed for good: an {@link UpstreamException}, or `error` as it is when not the upstream's. */
  fail(error: unknown): unknown {
    const verdict = this.verdictOf(error);
    if (verdict.kind === undefined) {
      this.#telemetry?.threw(error);
      return error;
    }
    const refused = verdict.blame === 'breaker' || verdict.blame === 'bulkhead';
    const deadlinePassed =
      !refused && (this.remainingMs() <= 0 || (this.#deadlineBound && verdict.timedOut === true));
    const giveUp: GiveUpCause =
      verdict.blame === 'breaker'
        ? 'breaker-open'
        : (this.#giveUp ?? (deadlinePassed ? 'deadline' : 'exhausted'));
    let reason = verdict.reason;
    if (deadlinePassed) reason = this.#deadlineReason;
    else if (!refused) reason = this.#lastReason || verdict.reason;
    const facts = this.#described();
    const onEvent = this.#context.settings.onEvent;
    if (verdict.blame === 'bulkhead') onEvent?.({ type: 'bulkhead-rejected', ...facts });
    onEvent?.({ type: 'give-up', ...facts, attempts: this.#attempts, reason, cause: giveUp });
    const failure = new UpstreamException({
      kind: finalKind(verdict.kind, deadlinePassed, this.#giveUp),
      client: facts.client,
      method: facts.method,
      url: facts.url,
      upstreamStatus: verdict.status,
      attempts: this.#attempts,
      elapsedMs: performance.now() - this.#startedAt,
      reason,
      cause: error,
    });
    this.#telemetry?.failed(failure, giveUp, verdict.blame);
    // the inbound request is out of time too: it is answered now, not when the handler rethrows this
    if (deadlinePassed) this.#requestDeadline?.expire(failure);
    return failure;
  }

  /** The caller aborted the call: it ends with the signal's `reason`, no upstream failure. */
  abandon(reason: unknown): unknown {
    this.#telemetry?.aborted();
    return reason;
  }

  remainingMs(now = performance.now()): number {
    return this.#deadlineAt - now;
  }

  /** An attempt's timeout (`timeout`, else the call's), cut to what is left of the deadline. */
  boundAttemptTimeout(timeout: number | undefined): number {
    const wanted = timeout || this.#attemptTimeoutMs;
    const left = Math.ceil(this.remainingMs());
    this.#deadlineBound = left <= wanted;
    return this.#deadlineBound ? Math.max(1, left) : wanted;
  }

  /** The failure of an attempt that would start, or run on, past the call's deadline. */
  deadlineError(config: InternalAxiosRequestConfig): AxiosError {
    return new AxiosError(this.#deadlineReason, AxiosError.ETIMEDOUT, config);
  }

  /** Tells the upstream how long the attempt of `config` may take, while serving a request that has a deadline. */
  forwardDeadline(config: InternalAxiosRequestConfig): void {
    if (this.#deadlineHeader) forwardDeadline(config.headers, this.#deadlineHeader, config.timeout ?? 0);
  }

  /** Client, method, redacted URL and request id of the call. */
  get facts(): CallFacts {
    return this.#described();
  }

  /** Attempts this call may make at most. */
  get #maxAttempts(): number {
    return this.#streamBody ? 1 : this.#policy.retries + 1;
  }

  /** Client, method, redacted URL and request id: worked out on first use (logs, events, failures). */
  #described(): CallFacts {
    const { method, url, target } = this.#request;
    return (this.#facts ??= {
      client: this.#context.settings.name,
      method,
      url: redactUrl(uriOf(this.#context.instance, { ...target, url, method })),
      requestId: this.#requestId,
    });
  }

  /** The whole time the call may take. */
  get #deadlineMs(): number {
    return Math.round(this.#deadlineAt - this.#startedAt);
  }

  get #deadlineReason(): string {
    return deadlineReason(this.#deadlineMs, this.#requestDeadline !== undefined);
  }

  #refused(cause: GiveUpCause, reason: string): false {
    this.#giveUp = cause;
    this.#telemetry?.refused(cause, reason);
    if (cause === 'breaker-open') {
      this.#lastReason = `${reason}; circuit open`;
      return false;
    }
    this.#lastReason = `${reason}; retry budget exhausted`;
    const facts = this.#described();
    this.#context.logger.warn(
      `${facts.method} ${facts.url} no retry after ${reason}: retry budget exhausted ` +
        `requestId=${facts.requestId ?? '-'}`,
    );
    this.#context.settings.onEvent?.({ type: 'budget-exhausted', ...facts, attempt: this.#attempts, reason });
    return false;
  }
}
