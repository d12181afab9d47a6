/**
 * What to retry and how long to wait: pure functions, no axios instance, no
 * network, no clock of their own (`now` and `random` are passed in).
 */
import type { RetryPolicy } from './api-client.options.js';
import type { GiveUpCause } from './client-events.js';

/** Network errors of an attempt that may succeed when tried again. */
export const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** The facts of one failed attempt that the decision needs. */
export interface AttemptFailure {
  /** Upstream status, when it answered. */
  readonly status?: number;
  /** Node/axios error code when it did not (`ECONNRESET`, `ECONNABORTED`, ...). */
  readonly code?: string;
  /** True when axios gave up on the attempt's own timeout. */
  readonly timedOut?: boolean;
  /** True when the call was cancelled (caller abort or deadline). */
  readonly canceled?: boolean;
  /** True when the answer's body broke off after its headers (the upstream closed mid-body). */
  readonly cutOff?: boolean;
}

/** What went wrong, as logged and reported: `status 503`, `ECONNRESET`, `timeout`. */
export function failureReason(failure: AttemptFailure): string {
  if (failure.status !== undefined) return `status ${failure.status}`;
  if (failure.canceled) return 'canceled';
  if (failure.timedOut) return 'timeout';
  if (failure.cutOff) return 'body cut off';
  return failure.code ?? 'unknown error';
}

/** Is this failure transient (worth another attempt, method permitting)? */
export function isTransient(failure: AttemptFailure, policy: RetryPolicy): boolean {
  if (failure.canceled) return false;
  if (failure.status !== undefined) return policy.retryOnStatus.includes(failure.status);
  // a body cut off is a reset in the middle of the answer
  if (failure.timedOut || failure.cutOff) return true;
  if (failure.code === 'ENOTFOUND') return policy.retryOnDnsNotFound;
  return failure.code !== undefined && TRANSIENT_NETWORK_CODES.has(failure.code);
}

/**
 * May this request be sent again? Idempotent methods may; POST and PATCH
 * only with an idempotency key or an explicit opt-in — or when the
 * connection was refused, since then the request never left.
 */
export function isReplayable(
  method: string,
  failure: AttemptFailure,
  policy: RetryPolicy,
  hasIdempotencyKey: boolean,
): boolean {
  return (
    IDEMPOTENT_METHODS.has(method.toUpperCase()) ||
    hasIdempotencyKey ||
    policy.retryNonIdempotent ||
    failure.code === 'ECONNREFUSED'
  );
}

/**
 * Full-jitter backoff before retry `retryNumber` (1 for the first retry):
 * `random() * baseDelayMs * 2^(retryNumber-1)`, then the hard cap
 * `maxDelayMs`. A huge retry number cannot make it NaN.
 */
export function backoffDelay(
  retryNumber: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const jittered = random() * policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1);
  // 0 * Infinity: a zero draw or base past the float range waits nothing
  return Number.isNaN(jittered) ? 0 : Math.min(policy.maxDelayMs, Math.floor(jittered));
}

const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? [\w :-]+$/i;

/**
 * Milliseconds a `Retry-After` header asks to wait: delta-seconds or an
 * HTTP-date (RFC 9110). `undefined` when absent or unreadable.
 */
export function parseRetryAfter(header: unknown, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // an HTTP-date starts with its day name (IMF-fixdate, RFC 850, asctime); anything else is not one
  if (!HTTP_DATE.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The decision after a failed attempt. */
export type RetryPlan =
  | { readonly retry: true; readonly delayMs: number; readonly reason: string }
  | { readonly retry: false; readonly reason: string; readonly giveUp: GiveUpCause };

/** Why no further attempt is made (declared with the events that report it). */
export type { GiveUpCause };

/** Everything {@link planRetry} weighs. */
export interface RetryInput {
  readonly failure: AttemptFailure;
  readonly method: string;
  readonly policy: RetryPolicy;
  /** Retries already made (0 after the first attempt failed). */
  readonly retriesDone: number;
  readonly hasIdempotencyKey: boolean;
  /** A stream body cannot be sent twice. */
  readonly streamBody: boolean;
  /** `Retry-After` of the failed attempt's answer, if any. */
  readonly retryAfter?: unknown;
  /** Milliseconds left before the call's deadline. */
  readonly remainingMs: number;
  readonly now: number;
  readonly random?: () => number;
}

/**
 * Retry or give up, and how long to wait first. `Retry-After` (on 429 and
 * 503) replaces the backoff, capped at `maxRetryAfterMs`; a wait that would
 * pass the deadline gives up now instead of sleeping.
 */
export function planRetry(input: RetryInput): RetryPlan {
  const { failure, policy } = input;
  const reason = failureReason(failure);
  if (!isTransient(failure, policy)) return { retry: false, reason, giveUp: 'not-transient' };
  if (input.streamBody) return { retry: false, reason, giveUp: 'stream-body' };
  if (!isReplayable(input.method, failure, policy, input.hasIdempotencyKey)) {
    return { retry: false, reason, giveUp: 'not-replayable' };
  }
  if (input.retriesDone >= policy.retries) return { retry: false, reason, giveUp: 'exhausted' };
  const asked =
    failure.status === 429 || failure.status === 503
      ? parseRetryAfter(input.retryAfter, input.now)
      : undefined;
  const delayMs =
    asked !== undefined
      ? Math.min(asked, policy.maxRetryAfterMs)
      : backoffDelay(input.retriesDone + 1, policy, input.random);
  if (delayMs >= input.remainingMs) {
    return {
      retry: false,
      reason: `${reason}; waiting ${delayMs}ms would pass the deadline`,
      giveUp: 'deadline',
    };
  }
  return { retry: true, delayMs, reason };
}
