import { STATUS_CODES } from 'node:http';
import { BUILT_IN_MESSAGES, genericStatusMessages } from './i18n/messages.js';

/** Messages of one error, per locale; `{name}` placeholders are filled from `params`. */
export type LocalizedMessages = Readonly<Record<string, string>>;

/** What an app declares for one of its errors (see {@link defineErrors}). */
export interface ErrorDefinition {
  /** Stable numeric code sent to clients; unique across the catalog. */
  readonly code: number;
  /** HTTP status the error is answered with. */
  readonly status: number;
  /** Message per locale (`zh-CN`, `en`, ...), may hold `{param}` placeholders. */
  readonly messages: LocalizedMessages;
}

/** A catalog entry: a definition with its stable name (`reason`). */
export interface ErrorEntry extends ErrorDefinition {
  /** Stable name sent to clients as `reason`, e.g. `USER_NOT_FOUND`. */
  readonly reason: string;
  /** True for the library's own entries (HTTP statuses, validation, JSON). */
  readonly builtIn: boolean;
}

/**
 * An entry made by {@link defineErrors}: its reason and its messages keep
 * their literal types, so `new DomainException(entry, { params })` is checked
 * against the messages' `{placeholders}`.
 */
export interface DefinedError<
  R extends string = string,
  M extends LocalizedMessages = LocalizedMessages,
> extends ErrorEntry {
  readonly reason: R;
  readonly messages: M;
}

/** The entries an app declared, keyed by reason, each typed by its name and messages. */
export type ErrorEntries<T extends Record<string, ErrorDefinition>> = {
  readonly [K in keyof T & string]: DefinedError<K, T[K]['messages']>;
};

/**
 * Declares an app's errors. The key becomes the `reason` sent to clients:
 *
 * ```ts
 * export const AppErrors = defineErrors({
 *   USER_NOT_FOUND: { code: 10001, status: 404, messages: { 'zh-CN': '用户不存在', en: 'User not found' } },
 * });
 * throw new DomainException(AppErrors.USER_NOT_FOUND, { details: { id } });
 * ```
 */
export function defineErrors<const T extends Record<string, ErrorDefinition>>(
  definitions: T,
): ErrorEntries<T> {
  const entries: Record<string, ErrorEntry> = {};
  for (const [reason, definition] of Object.entries(definitions)) {
    entries[reason] = Object.freeze({ ...definition, reason, builtIn: false });
  }
  return Object.freeze(entries) as ErrorEntries<T>;
}

function builtIn(reason: string, code: number, status = code): ErrorEntry {
  return Object.freeze({ reason, code, status, messages: BUILT_IN_MESSAGES[reason]!, builtIn: true });
}

/** The library's own entries. HTTP ones use their status as `code`. */
export const BuiltInErrors = Object.freeze({
  BAD_REQUEST: builtIn('BAD_REQUEST', 400),
  VALIDATION_FAILED: builtIn('VALIDATION_FAILED', 40001, 400),
  MALFORMED_JSON: builtIn('MALFORMED_JSON', 40002, 400),
  UNAUTHORIZED: builtIn('UNAUTHORIZED', 401),
  FORBIDDEN: builtIn('FORBIDDEN', 403),
  NOT_FOUND: builtIn('NOT_FOUND', 404),
  METHOD_NOT_ALLOWED: builtIn('METHOD_NOT_ALLOWED', 405),
  NOT_ACCEPTABLE: builtIn('NOT_ACCEPTABLE', 406),
  REQUEST_TIMEOUT: builtIn('REQUEST_TIMEOUT', 408),
  CONFLICT: builtIn('CONFLICT', 409),
  GONE: builtIn('GONE', 410),
  PRECONDITION_FAILED: builtIn('PRECONDITION_FAILED', 412),
  PAYLOAD_TOO_LARGE: builtIn('PAYLOAD_TOO_LARGE', 413),
  UNSUPPORTED_MEDIA_TYPE: builtIn('UNSUPPORTED_MEDIA_TYPE', 415),
  UNPROCESSABLE_ENTITY: builtIn('UNPROCESSABLE_ENTITY', 422),
  TOO_MANY_REQUESTS: builtIn('TOO_MANY_REQUESTS', 429),
  INTERNAL_ERROR: builtIn('INTERNAL_ERROR', 500),
  NOT_IMPLEMENTED: builtIn('NOT_IMPLEMENTED', 501),
  BAD_GATEWAY: builtIn('BAD_GATEWAY', 502),
  SERVICE_UNAVAILABLE: builtIn('SERVICE_UNAVAILABLE', 503),
  GATEWAY_TIMEOUT: builtIn('GATEWAY_TIMEOUT', 504),
  UPSTREAM_ERROR: builtIn('UPSTREAM_ERROR', 50201, 502),
  UPSTREAM_UNAVAILABLE: builtIn('UPSTREAM_UNAVAILABLE', 50301, 503),
  UPSTREAM_TIMEOUT: builtIn('UPSTREAM_TIMEOUT', 50401, 504),
  DEADLINE_EXCEEDED: builtIn('DEADLINE_EXCEEDED', 50402, 504),
});

/**
 * The built-in entries and an app's, indexed by reason, code and status.
 * Built once at startup; a duplicate code or reason throws there.
 */
export class ErrorCatalog {
  private readonly byReason = new Map<string, ErrorEntry>();
  private readonly byCode = new Map<number, ErrorEntry>();
  private readonly byStatus = new Map<number, ErrorEntry>();

  constructor(appEntries: Iterable<ErrorEntry | ErrorEntries<Record<string, ErrorDefinition>>> = []) {
    for (const entry of Object.values(BuiltInErrors)) this.add(entry);
    for (const group of appEntries) {
      const entries = isEntry(group) ? [group] : Object.values(group);
      for (const entry of entries) this.add(validated(entry));
    }
  }

  /** The entry of a reason or code, if the catalog holds it. */
  get(reasonOrCode: string | number): ErrorEntry | undefined {
    return typeof reasonOrCode === 'number' ? this.byCode.get(reasonOrCode) : this.byReason.get(reasonOrCode);
  }

  /** All entries, built-in first. */
  entries(): ErrorEntry[] {
    return [...this.byReason.values()];
  }

  /**
   * The built-in entry answering an HTTP status. A status without one
   * (418, 451, ...) gets an entry made from its status text, cached.
   */
  forStatus(status: number): ErrorEntry {
    let entry = this.byStatus.get(status);
    if (!entry) {
      const valid = Number.isInteger(status) && status >= 400 && status <= 599;
      const safe = valid ? status : 500;
      entry = this.byStatus.get(safe) ?? statusEntry(safe);
      if (valid) this.byStatus.set(status, entry);
    }
    return entry;
  }

  private add(entry: ErrorEntry): void {
    const sameReason = this.byReason.get(entry.reason);
    if (sameReason) {
      throw new Error(
        `Error catalog: reason ${entry.reason} is declared twice (codes ${sameReason.code} and ${entry.code}).`,
      );
    }
    const sameCode = this.byCode.get(entry.code);
    if (sameCode) {
      throw new Error(
        `Error catalog: code ${entry.code} is used by both ${sameCode.reason} and ${entry.reason}.`,
      );
    }
    this.byReason.set(entry.reason, entry);
    this.byCode.set(entry.code, entry);
    if (entry.builtIn && entry.code === entry.status) this.byStatus.set(entry.status, entry);
  }
}

function isEntry(value: object): value is ErrorEntry {
  return typeof (value as ErrorEntry).reason === 'string' && typeof (value as ErrorEntry).code === 'number';
}

function validated(entry: ErrorEntry): ErrorEntry {
  const problems: string[] = [];
  if (!/^[A-Z][A-Z0-9_]*$/.test(entry.reason)) problems.push('reason must be UPPER_SNAKE_CASE');
  if (!Number.isSafeInteger(entry.code) || entry.code <= 0) problems.push('code must be a positive integer');
  else if (entry.code >= 100 && entry.code <= 599) {
    problems.push('codes 100-599 are the HTTP statuses of the built-in entries');
  }
  if (!Number.isInteger(entry.status) || entry.status < 100 || entry.status > 599) {
    problems.push('status must be an HTTP status');
  }
  const texts = entry.messages ? Object.values(entry.messages) : [];
  if (texts.length === 0) problems.push('messages are missing');
  else if (texts.some((text) => typeof text !== 'string')) problems.push('messages must be strings');
  if (problems.length > 0) {
    throw new Error(`Error catalog: ${entry.reason} (code ${entry.code}): ${problems.join('; ')}.`);
  }
  return entry;
}

function statusEntry(status: number): ErrorEntry {
  const text = STATUS_CODES[status] ?? 'Error';
  const reason = text
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  return Object.freeze({
    reason,
    code: status,
    status,
    messages: genericStatusMessages(status, text),
    builtIn: true,
  });
}
