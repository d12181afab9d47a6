import { brand } from './brand.js';
import type { ErrorEntry, LocalizedMessages } from './error-catalog.js';
import { formatMessage, type MessageParams } from './i18n/locale.js';
import type { Placeholders } from './placeholders.js';

/**
 * The params an entry's messages ask for: exactly their `{placeholders}`,
 * those of every locale (`{ id: unknown }`); none for messages without any;
 * any params when the messages are not literal types (an entry typed as
 * `ErrorEntry`, a reason or a code).
 */
export type EntryParams<E> = E extends { readonly messages: infer M extends LocalizedMessages }
  ? ParamsNamed<Placeholders<M[keyof M]>>
  : MessageParams;

type ParamsNamed<N extends string> = string extends N
  ? MessageParams
  : [N] extends [never]
    ? { readonly [name: string]: never }
    : { readonly [K in N]: unknown };

/** Options of a {@link DomainException} thrown with `E` (an entry, a reason or a code). */
export interface DomainExceptionOptions<E = ErrorEntry> {
  /** Values for the message's `{placeholders}`: exactly those of the entry's messages. */
  params?: EntryParams<E>;
  /** Client-visible, safe facts about the error (sent as `details`). */
  details?: Readonly<Record<string, unknown>>;
  /** The underlying error: logged with the request, never sent to the client. */
  cause?: unknown;
}

/**
 * The arguments after the entry: the options are required, with `params`,
 * when the entry's messages have placeholders.
 */
export type DomainExceptionArgs<E> =
  Record<never, never> extends EntryParams<E>
    ? [options?: DomainExceptionOptions<E>]
    : [options: DomainExceptionOptions<E> & { params: EntryParams<E> }];

/**
 * An error of the app's catalog. Thrown anywhere while serving a request, it
 * leaves as the envelope of its entry:
 *
 * ```ts
 * throw new DomainException(AppErrors.USER_NOT_FOUND, { params: { id }, details: { id } });
 * throw new DomainException('USER_NOT_FOUND');   // looked up in the catalog by reason
 * throw new DomainException(10001);              // ... or by code
 * ```
 *
 * Thrown with an entry of `defineErrors`, `params` must name exactly
 * the `{placeholders}` of its messages (checked at compile time; `E` is
 * inferred from the entry and shapes nothing but the constructor).
 */
export class DomainException<E extends ErrorEntry = ErrorEntry> extends Error {
  /**
   * `DomainException: USER_NOT_FOUND (10001): User 42 not found`, with the
   * frames of the throw for a 5xx entry, or one thrown by reason or code.
   * Thrown with a 4xx entry it holds no frames: a client error is an
   * answer the app chose, its log line names the route, and capturing
   * frames was the largest cost of a 4xx answer.
   */
  declare stack?: string;

  override readonly name: string = 'DomainException';
  /** The catalog entry, when thrown with one. */
  readonly entry: ErrorEntry | undefined;
  /** The reason or code the exception was thrown with. */
  readonly key: string | number;
  readonly params: MessageParams | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(entry: E | string | number, ...options: DomainExceptionArgs<E>);
  constructor(entry: ErrorEntry | string | number, options: DomainExceptionOptions = {}) {
    const resolved = typeof entry === 'object' ? entry : undefined;
    // a client error is an expected answer, not a fault: its stack is never logged, and capturing
    // it was the largest cost of a 4xx (see `stack` above); a 5xx, or a key whose status is not known yet, keeps it
    const limit = Error.stackTraceLimit;
    const frameless = resolved !== undefined && resolved.status < 500 && limit !== 0;
    if (frameless) Error.stackTraceLimit = 0;
    // no message here: it is written when first read (see below), as most are never read; and no
    // options object unless there is a cause to give
    super(undefined, options.cause === undefined ? undefined : { cause: options.cause });
    if (frameless) Error.stackTraceLimit = limit;
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
