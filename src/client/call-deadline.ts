/**
 * How an outbound call keeps to the deadline of the inbound request it is
 * made for: its deadline is the nearer of its own and the request's, and
 * each attempt tells the upstream how long it may take.
 */
import type { AxiosHeaders } from 'axios';
import { formatDeadlineHeader } from '../core/deadline-header.js';
import type { RequestContext, RequestDeadline } from '../core/request-context.js';

/**
 * The inbound request's deadline when it is nearer than the call's own
 * (`ownAt`), else `undefined`: none, the call's own comes first, or the
 * call is not bound by it (`requestDeadline: false`).
 */
export function requestDeadlineOf(
  inbound: RequestContext | undefined,
  bound: boolean | undefined,
  ownAt: number,
): RequestDeadline | undefined {
  const deadline = bound === false ? undefined : inbound?.deadline;
  return deadline !== undefined && deadline.at < ownAt ? deadline : undefined;
}

/**
 * The header each attempt tells its time in: the client's, while serving a
 * request that has a deadline (and the call is bound by it), unless the
 * caller set that header itself.
 */
export function deadlineHeaderOf(
  inbound: RequestContext | undefined,
  bound: boolean | undefined,
  header: string | false,
  headers: AxiosHeaders,
): string | undefined {
  if (!header || bound === false || inbound?.deadline === undefined || headers.has(header)) return undefined;
  return header;
}

/** Tells the upstream how long this attempt may take (its timeout, already cut to the deadline). */
export function forwardDeadline(headers: AxiosHeaders, header: string, timeoutMs: number): void {
  headers.set(header, formatDeadlineHeader(header, timeoutMs));
}

/** Why a call ended at its deadline: `ms` is the time it had, `ofRequest` when that was the inbound request's. */
export function deadlineReason(ms: number, ofRequest: boolean): string {
  if (!ofRequest) return `deadline of ${ms}ms passed`;
  return ms > 0
    ? `deadline of the inbound request passed (${ms}ms were left of it)`
    : "no time was left of the inbound request's deadline";
}
