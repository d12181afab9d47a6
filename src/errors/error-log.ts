/**
 * The one log line of a failed request, and the stack text of a 5xx.
 * Never reads headers or bodies, so no credential or payload reaches the log.
 */
import { isDomainException } from '../core/domain.exception.js';

/** Facts of one failed request for its log line. */
export interface FailureFacts {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: number;
  readonly reason: string;
  readonly requestId: string;
  /** Milliseconds since the library first saw the request; unknown for messages that are not HTTP. */
  readonly durationMs: number | undefined;
}

const MAX_CAUSES = 5;
const MAX_VALUE_TEXT = 500;

/** `GET /users/42 404 USER_NOT_FOUND(10001) requestId=... 3.1ms` */
export function failureLine(facts: FailureFacts): string {
  const line = `${facts.method} ${facts.path} ${facts.status} ${facts.reason}(${facts.code}) requestId=${facts.requestId}`;
  return facts.durationMs === undefined ? line : `${line} ${facts.durationMs.toFixed(1)}ms`;
}

/** `RPC user RpcException requestId=...`: an app's own RPC or WS exception, answered as Nest does. */
export function ownLine(method: string, path: string, exception: string, requestId: string): string {
  return `${method} ${path} ${exception} requestId=${requestId}`;
}

/** `404 USER_NOT_FOUND(10001): 7312 more like it left out of the log in 10.0s` */
export function suppressedLine(kind: string, suppressed: number, windowMs: number): string {
  return `${kind}: ${suppressed} more like it left out of the log in ${(windowMs / 1000).toFixed(1)}s`;
}

/**
 * The `cause` chain of an app's own exception, as `Name: message` links
 * without stacks (`Error: ledger db down <- TypeError: ...`), bounded; undefined
 * when there is none. Causes of framework errors (body parsers) are never
 * read: their texts can quote the request body.
 */
export function causeSummary(error: unknown): string | undefined {
  try {
    return summarizeCauses(error);
  } catch (failure) {
    return `(the cause could not be read: ${describeFailure(failure)})`;
  }
}

function summarizeCauses(error: unknown): string | undefined {
  if (!isAppException(error)) return undefined;
  const parts: string[] = [];
  const seen = new Set<unknown>([error]);
  let current: unknown = error.cause;
  for (let depth = 0; depth < MAX_CAUSES && current !== undefined && !seen.has(current); depth++) {
    seen.add(current);
    parts.push(
      current instanceof Error ? clip(`${current.name}: ${current.message}`) : describeThrown(current),
    );
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.length > 0 ? parts.join(' <- ') : undefined;
}

/** A DomainException (by its brand of name), whose cause the app attached itself. */
function isAppException(error: unknown): error is Error {
  return error instanceof Error && error.cause !== undefined && isDomainException(error);
}

function clip(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > MAX_VALUE_TEXT ? `${oneLine.slice(0, MAX_VALUE_TEXT)}…` : oneLine;
}

/**
 * Stack of `error` followed by its `cause` chain (bounded, cycle-safe). An
 * error whose getters throw is still described by what can be read of it.
 */
export function stackWithCauses(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSES && current !== undefined && !seen.has(current); depth++) {
    seen.add(current);
    parts.push((depth === 0 ? '' : 'Caused by: ') + describeThrown(current));
    current = current instanceof Error ? readSafely(current, 'cause').value : undefined;
  }
  return parts.join('\n');
}

/** What a 5xx line tells of its exception as a field: pino's `err` shape. */
export interface LoggedError {
  /** The error's name (`TypeError`), or the type of a value that is not an Error (`string`, `null`). */
  readonly type: string;
  readonly message: string;
  /** {@link stackWithCauses} of the exception. */
  readonly stack: string;
}

/**
 * The `err` field of a 5xx line, from the exception and its `stack` as
 * {@link stackWithCauses} wrote it. Only these three texts: the exception's
 * own properties (an HTTP client's config, with its headers) never reach
 * the log. The object has no prototype, so that pino's error serializer
 * keeps `type` as given instead of naming the object's class.
 */
export function loggedError(thrown: unknown, stack: string): LoggedError {
  let type: string;
  let message: string;
  if (thrown instanceof Error) {
    type = textOf(readSafely(thrown, 'name').value, thrown.constructor?.name ?? 'Error');
    message = textOf(readSafely(thrown, 'message').value, '');
  } else {
    type = thrown === null ? 'null' : typeof thrown;
    message = describeThrown(thrown);
  }
  return Object.assign(Object.create(null) as object, { type, message, stack });
}

/** The stack of an Error, or a bounded description of any other thrown value. */
export function describeThrown(value: unknown): string {
  if (value instanceof Error) return describeError(value);
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

function describeError(error: Error): string {
  const stack = readSafely(error, 'stack');
  if (typeof stack.value === 'string') return stack.value;
  const name = readSafely(error, 'name');
  const message = readSafely(error, 'message');
  const failure = stack.failure ?? name.failure ?? message.failure;
  const text = `${textOf(name.value, error.constructor?.name ?? 'Error')}: ${textOf(message.value, '')}`;
  return failure === undefined ? text : `${text} (reading it threw ${describeFailure(failure)})`;
}

/** `object[key]`, or what reading it threw. */
function readSafely(object: object, key: string): { value: unknown; failure?: unknown } {
  try {
    return { value: (object as Record<string, unknown>)[key] };
  } catch (failure) {
    return { value: undefined, failure };
  }
}

function textOf(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** `Name: message` of what went wrong, on one bounded line, whatever was thrown. */
export function describeFailure(failure: unknown): string {
  try {
    return failure instanceof Error ? clip(`${failure.name}: ${failure.message}`) : clip(String(failure));
  } catch {
    return 'an unreadable value';
  }
}
