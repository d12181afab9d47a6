import { AxiosError, type InternalAxiosRequestConfig, isAxiosError } from 'axios';
import { isBrokenCircuitError, isBulkheadRejectedError } from 'cockatiel';
import type { CallFacts } from './client-events.js';
import type { RetryPolicy } from './api-client.options.js';
import { type AttemptFailure, failureReason, type GiveUpCause } from './retry.policy.js';
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
  /** The last attempt's timeout was cut to the deadline. */
  private deadlineBound = false;
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

  /** The whole time the call may take. */
  get deadlineMs(): number {
    return Math.round(this.deadlineAt - this.startedAt);
  }

  remainingMs(now = performance.now()): number {
    return this.deadlineAt - now;
  }

  /** An attempt's timeout (`timeout`, else the policy's), cut to what is left of the deadline. */
  boundAttemptTimeout(timeout: number | undefined): number {
    const wanted = timeout || this.attemptTimeoutMs;
    const left = Math.ceil(this.remainingMs());
    this.deadlineBound = left <= wanted;
    return this.deadlineBound ? Math.max(1, left) : wanted;
  }

  /** The deadline has passed, or the last attempt timed out at it. */
  deadlinePassed(failure: AttemptFailure): boolean {
    return this.remainingMs() <= 0 || (this.deadlineBound && failure.timedOut === true);
  }
}

export type ConfigWithCall = InternalAxiosRequestConfig & { [CALL]?: CallState };

export function callOf(config: InternalAxiosRequestConfig | undefined): CallState | undefined {
  return (config as ConfigWithCall | undefined)?.[CALL];
}

/** axios' message for a body cut off after its headers (the undici transport gives the same). */
const CUT_OFF = 'stream has been aborted';

/**
 * The facts of a failed attempt that the retry policy weighs. An answer
 * whose status `validateStatus` took and whose body then failed (cut off,
 * undecodable, too large) is no status failure: its status is left out.
 */
export function attemptFailure(error: AxiosError): AttemptFailure {
  const status = statusRejected(error) ? error.response!.status : undefined;
  const code = error.code;
  return {
    status,
    code,
    timedOut: status === undefined && (code === 'ETIMEDOUT' || code === 'ECONNABORTED'),
    canceled: code === 'ERR_CANCELED',
    cutOff: code === AxiosError.ERR_BAD_RESPONSE && error.message === CUT_OFF,
  };
}

function statusRejected(error: AxiosError): boolean {
  const response = error.response;
  if (!response) return false;
  const validate = error.config?.validateStatus;
  // null: axios takes every status; none known: the status is what failed
  if (validate === null) return false;
  return typeof validate !== 'function' || !validate(response.status);
}

/** How a call finally failed, and why no other attempt was made. */
export interface FinalFailure {
  readonly kind: UpstreamFailureKind;
  readonly upstreamStatus?: number;
  readonly reason: string;
  readonly giveUp: GiveUpCause;
}

/** How a call finally failed, or `undefined` when the error is not the upstream's (a usage error). */
export function finalFailure(error: unknown, call: CallState): FinalFailure | undefined {
  if (isBrokenCircuitError(error))
    return { kind: 'unavailable', reason: 'circuit open', giveUp: 'breaker-open' };
  if (isBulkheadRejectedError(error))
    return { kind: 'unavailable', reason: 'concurrency limit reached', giveUp: call.giveUp ?? 'exhausted' };
  if (!isAxiosError(error) || (!error.response && USAGE_ERRORS.has(error.code ?? ''))) return undefined;
  const failure = attemptFailure(error);
  const deadlinePassed = call.deadlinePassed(failure);
  const giveUp = call.giveUp ?? (deadlinePassed ? 'deadline' : 'exhausted');
  const reason = deadlinePassed
    ? `deadline of ${call.deadlineMs}ms passed`
    : call.lastReason || failureReason(failure);
  let kind: UpstreamFailureKind;
  if (deadlinePassed || call.giveUp === 'deadline') kind = 'deadline';
  else if (call.giveUp === 'budget-exhausted' || call.giveUp === 'breaker-open') kind = 'unavailable';
  else if (failure.status !== undefined) kind = 'status';
  else kind = failure.timedOut ? 'timeout' : 'network';
  return { kind, upstreamStatus: failure.status, reason, giveUp };
}

/** The failure of an attempt that would start after the call's deadline. */
export function deadlineError(config: InternalAxiosRequestConfig, call: CallState): AxiosError {
  return new AxiosError(`deadline of ${call.deadlineMs}ms passed`, AxiosError.ETIMEDOUT, config);
}
