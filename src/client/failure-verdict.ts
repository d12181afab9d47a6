/**
 * What a failed attempt says, worked out once by one pure function (no
 * Nest, no network, no clock). Its verdict feeds the retry decision, the
 * breaker, the retry budget and the final `UpstreamException`.
 */
import { AxiosError, isAxiosError } from 'axios';
import { isBrokenCircuitError, isBulkheadRejectedError } from 'cockatiel';
import { type AttemptFailure, failureReason, type GiveUpCause } from './retry.policy.js';
import type { UpstreamFailureKind } from './upstream.exception.js';

/**
 * Who a failure speaks of:
 * - `upstream`: the upstream is unwell (network, timeout, 5xx, 408, 429, a body that broke):
 *   the breaker counts it
 * - `answer`: a healthy upstream refused the request (another 4xx): it fills the budget
 *   as a success does
 * - `canceled`: the attempt was cancelled
 * - `caller`: a mistake in the call (bad URL or option) or no HTTP failure at all: it is
 *   rethrown as it is
 * - `breaker` / `bulkhead`: the client refused to call (circuit open, concurrency limit full)
 */
export type Blame = 'upstream' | 'answer' | 'canceled' | 'caller' | 'breaker' | 'bulkhead';

/** The verdict on one failure: its facts, whom it blames, and how a call ending on it fails. */
export interface FailureVerdict extends AttemptFailure {
  readonly blame: Blame;
  /** The `UpstreamException` kind of a call that ends on it; `undefined` for the caller's mistakes. */
  readonly kind: UpstreamFailureKind | undefined;
  /** As logged and reported: `status 503`, `ECONNRESET`, `timeout`, `circuit open`. */
  readonly reason: string;
}

/** axios errors that are a mistake in the call, not a failure of the upstream. */
const USAGE_ERRORS: ReadonlySet<string> = new Set([
  'ERR_INVALID_URL',
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_NOT_SUPPORT',
]);

/** axios' message for a body cut off after its headers (the undici transport gives the same). */
const CUT_OFF = 'stream has been aborted';

const BREAKER_OPEN: FailureVerdict = Object.freeze({
  blame: 'breaker',
  kind: 'unavailable',
  reason: 'circuit open',
});
const BULKHEAD_FULL: FailureVerdict = Object.freeze({
  blame: 'bulkhead',
  kind: 'unavailable',
  reason: 'concurrency limit reached',
});

/**
 * Classifies a failure of an attempt or a call. An answer whose status
 * `validateStatus` took and whose body then failed (cut off, undecodable,
 * too large) is no status failure: its status is left out, and it blames
 * the upstream.
 */
export function classifyFailure(error: unknown): FailureVerdict {
  if (isBrokenCircuitError(error)) return BREAKER_OPEN;
  if (isBulkheadRejectedError(error)) return BULKHEAD_FULL;
  if (!isAxiosError(error)) return { blame: 'caller', kind: undefined, reason: String(error) };
  const code = error.code;
  const status = statusRejected(error) ? error.response!.status : undefined;
  const facts: AttemptFailure = {
    status,
    code,
    timedOut: status === undefined && (code === 'ETIMEDOUT' || code === 'ECONNABORTED'),
    canceled: code === 'ERR_CANCELED',
    cutOff: code === AxiosError.ERR_BAD_RESPONSE && error.message === CUT_OFF,
  };
  const reason = failureReason(facts);
  if (!error.response && USAGE_ERRORS.has(code ?? ''))
    return { ...facts, blame: 'caller', kind: undefined, reason };
  if (facts.canceled) return { ...facts, blame: 'canceled', kind: 'network', reason };
  if (status === undefined) {
    return { ...facts, blame: 'upstream', kind: facts.timedOut ? 'timeout' : 'network', reason };
  }
  const unwell = status >= 500 || status === 408 || status === 429;
  return { ...facts, blame: unwell ? 'upstream' : 'answer', kind: 'status', reason };
}

/**
 * True for a failure that says the upstream is unwell (network, timeout,
 * 5xx, 408, 429) — not for a 4xx answer, a cancelled call or a mistake in
 * the call.
 */
export function isUpstreamFault(error: unknown): boolean {
  return classifyFailure(error).blame === 'upstream';
}

/**
 * How a call whose last failure was of `kind` failed: past its deadline (or
 * giving up before a wait that would pass it), refused by the client, or as
 * the failure was.
 */
export function finalKind(
  kind: UpstreamFailureKind,
  deadlinePassed: boolean,
  giveUp: GiveUpCause | undefined,
): UpstreamFailureKind {
  if (kind === 'unavailable') return kind;
  if (deadlinePassed || giveUp === 'deadline') return 'deadline';
  if (giveUp === 'budget-exhausted' || giveUp === 'breaker-open') return 'unavailable';
  return kind;
}

function statusRejected(error: AxiosError): boolean {
  const response = error.response;
  if (!response) return false;
  const validate = error.config?.validateStatus;
  // null: axios takes every status; none known: the status is what failed
  if (validate === null) return false;
  return typeof validate !== 'function' || !validate(response.status);
}
