/**
 * The failure lines as objects of fields, for loggers that take an object
 * first (pino through nestjs-pino's `Logger`): `msg` is the text line, the
 * facts are fields a log search can filter on. Built only when such a
 * logger is in use (see `logFormat`).
 */
import { failureLine, ownLine, suppressedLine, type FailureFacts, type LoggedError } from './error-log.js';

/** The fields of one failed request. */
export interface FailureFields extends Omit<FailureFacts, 'durationMs'> {
  /** The text line, as a text logger would get it (without details or cause). */
  readonly msg: string;
  /** Milliseconds, to a tenth; absent for messages that are not HTTP. */
  readonly durationMs?: number;
  /** The exception's `details` as JSON, when they were too large for the answer. */
  readonly details?: string;
  /** The cause chain of a 4xx `DomainException`, as `Name: message` links. */
  readonly cause?: string;
  /** A 5xx's exception: type, message, and stack with its causes. */
  readonly err?: LoggedError;
}

/** What a failure line may add to its facts. */
export interface FailureExtras {
  readonly details?: string | undefined;
  readonly cause?: string | undefined;
  readonly err?: LoggedError | undefined;
}

/** The fields of the line of one failed request. */
export function failureFields(facts: FailureFacts, extras: FailureExtras): FailureFields {
  const fields: { -readonly [K in keyof FailureFields]: FailureFields[K] } = {
    msg: failureLine(facts),
    method: facts.method,
    path: facts.path,
    status: facts.status,
    code: facts.code,
    reason: facts.reason,
    requestId: facts.requestId,
  };
  // the text's rounding, so the field and msg never differ
  if (facts.durationMs !== undefined) fields.durationMs = Number(facts.durationMs.toFixed(1));
  if (extras.details !== undefined) fields.details = extras.details;
  if (extras.cause !== undefined) fields.cause = extras.cause;
  if (extras.err !== undefined) fields.err = extras.err;
  return fields;
}

/** The fields of an app's own `RpcException` / `WsException` line. */
export interface OwnFields {
  readonly msg: string;
  readonly method: string;
  readonly path: string;
  /** The exception's class name. */
  readonly exception: string;
  readonly requestId: string;
}

export function ownFields(method: string, path: string, exception: string, requestId: string): OwnFields {
  return { msg: ownLine(method, path, exception, requestId), method, path, exception, requestId };
}

/** The fields of a summary line of the log protection. */
export interface SuppressedFields {
  readonly msg: string;
  /** The kind of failure: status and reason (`404 USER_NOT_FOUND(10001)`), and more for a 5xx. */
  readonly kind: string;
  /** Read from `kind` when it starts with a status and `REASON(code)`. */
  readonly status?: number;
  readonly reason?: string;
  readonly code?: number;
  /** Lines of this kind left out of the log. */
  readonly suppressed: number;
  /** Over how many milliseconds. */
  readonly windowMs: number;
}

const KIND = /^(\d{3}) ([^\s(]+)\((-?\d+)\)/;

export function suppressedFields(kind: string, suppressed: number, windowMs: number): SuppressedFields {
  const msg = suppressedLine(kind, suppressed, windowMs);
  const rounded = Math.round(windowMs);
  const parts = KIND.exec(kind);
  if (!parts) return { msg, kind, suppressed, windowMs: rounded };
  return {
    msg,
    kind,
    status: Number(parts[1]),
    reason: parts[2]!,
    code: Number(parts[3]),
    suppressed,
    windowMs: rounded,
  };
}
