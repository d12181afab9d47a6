/**
 * The one log line of a failed request, and the stack text of a 5xx.
 * Never reads headers or bodies, so no credential or payload reaches the log.
 */

/** Facts of one failed request for its log line. */
export interface FailureFacts {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: number;
  readonly reason: string;
  readonly requestId: string;
  /** Milliseconds since the library first saw the request. */
  readonly durationMs: number;
}

const MAX_CAUSES = 5;
const MAX_VALUE_TEXT = 500;

/** `GET /users/42 404 USER_NOT_FOUND(10001) requestId=... 3.1ms` */
export function failureLine(facts: FailureFacts): string {
  return `${facts.method} ${facts.path} ${facts.status} ${facts.reason}(${facts.code}) requestId=${facts.requestId} ${facts.durationMs.toFixed(1)}ms`;
}

/** Stack of `error` followed by its `cause` chain (bounded, cycle-safe). */
export function stackWithCauses(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSES && current !== undefined && !seen.has(current); depth++) {
    seen.add(current);
    parts.push((depth === 0 ? '' : 'Caused by: ') + describeThrown(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

/** The stack of an Error, or a bounded description of any other thrown value. */
export function describeThrown(value: unknown): string {
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  let text: string;
  try {
    // JSON.stringify gives undefined for a toJSON() that returns nothing
    text = (typeof value === 'object' && value !== null ? JSON.stringify(value) : undefined) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  if (text.length > MAX_VALUE_TEXT) text = `${text.slice(0, MAX_VALUE_TEXT)}…`;
  return `Non-error thrown (${value === null ? 'null' : typeof value}): ${text}`;
}
