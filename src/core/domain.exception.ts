import { brand } from './brand.js';
import type { ErrorEntry } from './error-catalog.js';
import { formatMessage, type MessageParams } from './i18n/locale.js';

/** Options of a {@link DomainException}. */
export interface DomainExceptionOptions {
  /** Values for the message's `{placeholders}`. */
  params?: MessageParams;
  /** Client-visible, safe facts about the error (sent as `details`). */
  details?: Readonly<Record<string, unknown>>;
  /** The underlying error: logged with the request, never sent to the client. */
  cause?: unknown;
}

/**
 * An error of the app's catalog. Thrown anywhere while serving a request, it
 * leaves as the envelope of its entry:
 *
 * ```ts
 * throw new DomainException(AppErrors.USER_NOT_FOUND, { params: { id }, details: { id } });
 * throw new DomainException('USER_NOT_FOUND');   // looked up in the catalog by reason
 * throw new DomainException(10001);              // ... or by code
 * ```
 */
export class DomainException extends Error {
  override readonly name: string = 'DomainException';
  /** The catalog entry, when thrown with one. */
  readonly entry: ErrorEntry | undefined;
  /** The reason or code the exception was thrown with. */
  readonly key: string | number;
  readonly params: MessageParams | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(entry: ErrorEntry | string | number, options: DomainExceptionOptions = {}) {
    const resolved = typeof entry === 'object' ? entry : undefined;
    // no message here: it is written when first read (see below), as most are never read
    super(undefined, { cause: options.cause });
    this.entry = resolved;
    this.key = resolved ? resolved.reason : (entry as string | number);
    this.params = options.params;
    this.details = options.details;
  }
}

/**
 * `message` (`USER_NOT_FOUND (10001): User 42 not found`, in English) is
 * formatted when something first reads it — a log line, the stack — not on
 * every throw: the envelope is rendered from the entry and params, in the
 * caller's language. Assigning it works as on any error.
 */
Object.defineProperty(DomainException.prototype, 'message', {
  configurable: true,
  get(this: DomainException): string {
    const text = describe(this.key, this.entry, this.params);
    ownMessage(this, text);
    return text;
  },
  set(this: DomainException, text: string) {
    ownMessage(this, text);
  },
});

function ownMessage(error: DomainException, text: string): void {
  Object.defineProperty(error, 'message', { value: text, writable: true, configurable: true });
}

/**
 * Type guard for {@link DomainException} (and its subclasses), also for one
 * made by another copy of the package.
 */
export const isDomainException = brand(DomainException, 'DomainException');

function describe(
  key: ErrorEntry | string | number,
  entry: ErrorEntry | undefined,
  params: MessageParams | undefined,
): string {
  if (!entry) return String(key);
  const text = entry.messages['en'] ?? Object.values(entry.messages)[0] ?? '';
  return `${entry.reason} (${entry.code}): ${formatMessage(text, params)}`;
}
