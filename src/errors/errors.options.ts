import type { LogLevel, ValidationPipeOptions } from '@nestjs/common';
import type { ErrorCatalog, ErrorDefinition, ErrorEntries, ErrorEntry } from '../core/error-catalog.js';

/** Bounds on the parsed body of one request. */
export interface BodyLimits {
  /**
   * Deepest nesting of objects and arrays (the body itself is depth 1).
   * @default 32
   */
  readonly maxBodyDepth: number;
  /**
   * Most items of one array.
   * @default 1000
   */
  readonly maxArrayLength: number;
  /**
   * Most values in the whole body (every object, array, string, number, ...).
   * @default 5000
   */
  readonly maxBodyNodes: number;
}

/** The body bounds' defaults (also in `DEFAULT_ERRORS_OPTIONS`). */
export const DEFAULT_BODY_LIMITS: BodyLimits = Object.freeze({
  maxBodyDepth: 32,
  maxArrayLength: 1000,
  maxBodyNodes: 5000,
});

/** How many failure lines of one kind may be written per window. */
export interface LogRateLimitOptions {
  /**
   * Lines of one kind (status and reason; for a 5xx also the error's class
   * and where it was thrown) written per window; the rest are counted.
   * @default 10
   */
  readonly lines: number;
  /**
   * Length of a window, in milliseconds.
   * @default 10000
   */
  readonly intervalMs: number;
}

/** Log protection's defaults (also `DEFAULT_ERRORS_OPTIONS.logRateLimit`). */
export const DEFAULT_LOG_RATE_LIMIT: LogRateLimitOptions = Object.freeze({ lines: 10, intervalMs: 10_000 });

/** One {@link defineErrors} result, or one of its entries. */
export type ErrorGroup = ErrorEntries<Record<string, ErrorDefinition>> | ErrorEntry;

/** Envelope formats. */
export type ErrorFormat = 'envelope' | 'problem';

/**
 * How failure lines reach the app's logger: `text` is one string (Nest's
 * `ConsoleLogger` prints it as is); `fields` is one object with `msg` (the
 * same text) and the facts as fields, for loggers that take an object first
 * (nestjs-pino's `Logger`); `auto` picks `fields` for nestjs-pino's `Logger`
 * and `text` for any other logger.
 */
export type LogFormat = 'auto' | 'text' | 'fields';

/**
 * Options of the inbound half: catalog, envelope, locales, request id,
 * validation and logging (`ErrorsModuleOptions` adds the outbound clients).
 */
export interface InboundErrorsOptions {
  /**
   * The app's error entries: one {@link defineErrors} result, one entry, or
   * an array of them. A code or reason used twice fails at startup.
   * @default []
   */
  errors?: ErrorGroup | readonly ErrorGroup[];
  /**
   * Locales negotiated from `Accept-Language`.
   * @default ['zh-CN', 'en']
   */
  locales?: readonly string[];
  /**
   * Locale used when the caller names none of `locales`.
   * @default 'zh-CN'
   */
  defaultLocale?: string;
  /**
   * Replaces or adds texts, by reason (`NOT_FOUND`), class-validator
   * constraint (`minLength`) or `SUCCESS` (the success envelope), then by
   * locale: `{ NOT_FOUND: { en: 'Nothing here' }, minLength: { en: 'too short (min {0})' } }`.
   * @default {}
   */
  messages?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * `envelope` (`{code, reason, message, ...}`) or RFC 9457 `problem`
   * (`application/problem+json`).
   * @default 'envelope'
   */
  format?: ErrorFormat;
  /**
   * With `format: 'problem'`: `type` becomes this URI followed by the reason
   * in kebab case (`https://errors.example.com/user-not-found`).
   * @default undefined (`type` is `about:blank`)
   */
  problemTypeBaseUri?: string;
  /**
   * Legacy mode: the app's own (catalog) 4xx errors are answered with HTTP
   * 200, the envelope's `code` telling what happened. Built-in errors and
   * 5xx keep their status; ignored with `format: 'problem'`.
   * @default false
   */
  legacyHttp200?: boolean;
  /**
   * Header the request id is read from and written to.
   * @default 'X-Request-Id'
   */
  requestIdHeader?: string;
  /**
   * Reuse an inbound request id when it is a safe token (`[A-Za-z0-9._:-]`,
   * at most 128 characters); otherwise a UUID is always made.
   * @default true
   */
  trustRequestId?: boolean;
  /**
   * Time each request may take, in milliseconds, from when the module first
   * sees it. Past it, a request whose answer has not begun is answered 504
   * `DEADLINE_EXCEEDED`, what its handler does later goes nowhere, and the
   * `ApiClient` calls made for it end: each call's deadline is at most what
   * is left of the request's, and that time is forwarded in
   * `deadlineHeader`. `false`: requests have no deadline of their own.
   * @default false
   */
  requestTimeoutMs?: number | false;
  /**
   * Header the time left of a request's deadline travels in: read from
   * inbound requests with `trustDeadlineHeader`, and written by outbound
   * clients on every attempt made for a request that has a deadline.
   * `grpc-timeout` carries gRPC's format (`1500m`); any other header whole
   * milliseconds (`1500`, as `x-envoy-expected-rq-timeout-ms`).
   * @default 'grpc-timeout'
   */
  deadlineHeader?: string;
  /**
   * Give a request the deadline its caller sent in `deadlineHeader`, capped
   * by `requestTimeoutMs`; a value that does not parse is ignored. Only for
   * callers you trust: anyone can send the header.
   * @default false
   */
  trustDeadlineHeader?: boolean;
  /**
   * Serve each request inside `AsyncLocalStorage`, so that
   * `currentRequestContext()` works anywhere in its async flow and outbound
   * clients forward its id. On Node 20 and 22 an active store costs every
   * promise of every request (15–25 µs a request in a Nest app); on Node 24
   * it is free. The request id itself (header, envelope, log line) needs no
   * store.
   * @default true; under `ErrorsModule`, true while a class of the app
   * injects a client that forwards request ids (`requestIdHeader` not
   * `false`, the default) or, with `requestTimeoutMs` or
   * `trustDeadlineHeader`, any client (each keeps its calls within the
   * request's deadline), else false
   */
  asyncContext?: boolean;
  /**
   * Level of the one log line of a 4xx answer; `false` logs none. 5xx are
   * always logged at `error`, with stack and causes.
   * @default 'warn'
   */
  clientErrorLogLevel?: Exclude<LogLevel, 'fatal'> | false;
  /**
   * Failure lines as one text (`text`) or as an object of fields with the
   * text in `msg` (`fields`); `auto` writes fields to nestjs-pino's `Logger`
   * and text to any other logger (Nest's `ConsoleLogger` among them).
   * @default 'auto'
   */
  logFormat?: LogFormat;
  /**
   * Development only: 500 answers carry the exception's name, message and
   * stack in `details.exception`. Never enable in production.
   * @default false
   */
  exposeInternalErrors?: boolean;
  /**
   * Options of the validation pipe: every Nest `ValidationPipeOptions`
   * field, over the safe defaults `whitelist`, `forbidNonWhitelisted`,
   * `forbidUnknownValues` and `transform` (all `true`).
   * @default {}
   */
  validation?: ValidationPipeOptions;
  /**
   * At most this many field errors in one answer (the rest are counted in
   * `details.omittedErrors`).
   * @default 50
   */
  maxFieldErrors?: number;
  /**
   * At most about this many bytes of field errors in one answer.
   * @default 8192
   */
  maxFieldErrorBytes?: number;
  /**
   * Deepest nesting of objects and arrays in a validated body (the body
   * itself is depth 1); deeper answers 400 `VALIDATION_FAILED` before any
   * transformer or validator runs.
   * @default 32
   */
  maxBodyDepth?: number;
  /**
   * Most items of one array in a validated body; more answers 400
   * `VALIDATION_FAILED` at the array, before validation.
   * @default 1000
   */
  maxArrayLength?: number;
  /**
   * Most values (objects, arrays, strings, numbers, ...) in a validated
   * body; more answers 413 `PAYLOAD_TOO_LARGE`, before validation.
   * @default 5000
   */
  maxBodyNodes?: number;
  /**
   * At most this many bytes of an exception's `details` (as JSON) in an
   * answer; larger ones are replaced by `{ omittedDetailsBytes: n }` in the
   * body and kept whole on the log line.
   * @default 4096
   */
  maxDetailsBytes?: number;
  /**
   * Log protection: at most `lines` failure lines of one kind (status and
   * reason; for a 5xx also the error's class and where it was thrown) per
   * `intervalMs`, then one summary line with the count left out. `false`
   * writes every line.
   * @default { lines: 10, intervalMs: 10000 }
   */
  logRateLimit?: Partial<LogRateLimitOptions> | false;
}

/** Every inbound option with its default applied, and the catalog built. */
export interface ResolvedInboundOptions extends Required<
  Omit<InboundErrorsOptions, 'errors' | 'problemTypeBaseUri' | 'messages' | 'logRateLimit'>
> {
  readonly problemTypeBaseUri: string | undefined;
  readonly logRateLimit: LogRateLimitOptions | false;
  readonly catalog: ErrorCatalog;
  /** Texts of catalog entries by reason, then locale, overrides applied. */
  readonly entryMessages: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Texts of the success envelope's message, by locale. */
  readonly successMessages: Readonly<Record<string, string>>;
  /** Texts of validation constraints by name, then locale, overrides applied. */
  readonly constraintMessages: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The inbound defaults, in one place. */
export const DEFAULT_ERRORS_OPTIONS = Object.freeze({
  locales: Object.freeze(['zh-CN', 'en']),
  defaultLocale: 'zh-CN',
  format: 'envelope',
  legacyHttp200: false,
  requestIdHeader: 'X-Request-Id',
  trustRequestId: true,
  requestTimeoutMs: false,
  deadlineHeader: 'grpc-timeout',
  trustDeadlineHeader: false,
  asyncContext: true,
  clientErrorLogLevel: 'warn',
  logFormat: 'auto',
  exposeInternalErrors: false,
  validation: Object.freeze({}),
  maxFieldErrors: 50,
  maxFieldErrorBytes: 8192,
  ...DEFAULT_BODY_LIMITS,
  maxDetailsBytes: 4096,
  logRateLimit: DEFAULT_LOG_RATE_LIMIT,
} satisfies Omit<
  ResolvedInboundOptions,
  'catalog' | 'entryMessages' | 'constraintMessages' | 'successMessages' | 'problemTypeBaseUri'
>);
