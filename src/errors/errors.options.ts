import type { LogLevel, ValidationPipeOptions } from '@nestjs/common';
import { ErrorCatalog, type ErrorDefinition, type ErrorEntries, type ErrorEntry } from '../core/error-catalog.js';
import {
  type ApiClientOptions,
  DEFAULT_CLIENT,
  type ResolvedApiClientOptions,
  resolveApiClientOptions,
} from '../client/api-client.options.js';
import { withoutUndefined } from '../shared/objects.js';
import { checkOptions } from '../shared/option-checks.js';
import { ERRORS_OPTIONS_RULE, isEntryLike } from './errors.option-rules.js';
import { BUILT_IN_MESSAGES, CONSTRAINT_MESSAGES, SUCCESS_MESSAGES } from '../core/i18n/messages.js';
import { DEFAULT_BODY_LIMITS } from './body-limits.js';
import { DEFAULT_LOG_RATE_LIMIT, type LogRateLimitOptions } from './log-rate-limit.js';

/** One {@link defineErrors} result, or one of its entries. */
export type ErrorGroup = ErrorEntries<Record<string, ErrorDefinition>> | ErrorEntry;

/** Envelope formats. */
export type ErrorFormat = 'envelope' | 'problem';

/** Options of `ErrorsModule.forRoot()` / the factory of `forRootAsync()`. */
export interface ErrorsModuleOptions {
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
   * Level of the one log line of a 4xx answer; `false` logs none. 5xx are
   * always logged at `error`, with stack and causes.
   * @default 'warn'
   */
  clientErrorLogLevel?: Exclude<LogLevel, 'fatal'> | false;
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
  /**
   * The default outbound client, injected as `ApiClient`. Its request id
   * header defaults to `requestIdHeader`.
   * @default {} (every client default)
   */
  client?: ApiClientOptions;
  /**
   * Named outbound clients, injected with `@InjectApiClient(name)`. With
   * `forRootAsync`, also list their names in the `clientNames` extra.
   * @default {}
   */
  clients?: Readonly<Record<string, ApiClientOptions>>;
}

/** Every option with its default applied, and the catalog built. */
export interface ResolvedErrorsOptions extends Required<
  Omit<
    ErrorsModuleOptions,
    'errors' | 'problemTypeBaseUri' | 'messages' | 'client' | 'clients' | 'logRateLimit'
  >
> {
  readonly problemTypeBaseUri: string | undefined;
  readonly logRateLimit: LogRateLimitOptions | false;
  /** Every outbound client by name, `default` included, defaults applied. */
  readonly clients: Readonly<Record<string, ResolvedApiClientOptions>>;
  readonly catalog: ErrorCatalog;
  /** Texts of catalog entries by reason, then locale, overrides applied. */
  readonly entryMessages: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Texts of the success envelope's message, by locale. */
  readonly successMessages: Readonly<Record<string, string>>;
  /** Texts of validation constraints by name, then locale, overrides applied. */
  readonly constraintMessages: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The defaults, in one place. */
export const DEFAULT_ERRORS_OPTIONS = Object.freeze({
  locales: Object.freeze(['zh-CN', 'en']),
  defaultLocale: 'zh-CN',
  format: 'envelope',
  legacyHttp200: false,
  requestIdHeader: 'X-Request-Id',
  trustRequestId: true,
  clientErrorLogLevel: 'warn',
  exposeInternalErrors: false,
  validation: Object.freeze({}),
  maxFieldErrors: 50,
  maxFieldErrorBytes: 8192,
  ...DEFAULT_BODY_LIMITS,
  maxDetailsBytes: 4096,
  logRateLimit: DEFAULT_LOG_RATE_LIMIT,
} satisfies Omit<
  ResolvedErrorsOptions,
  'catalog' | 'entryMessages' | 'constraintMessages' | 'successMessages' | 'problemTypeBaseUri' | 'clients'
>);

/**
 * Checks every option (a bad one throws, naming it), applies the defaults
 * once and builds the catalog (throws on duplicates).
 */
export function resolveErrorsOptions(options: ErrorsModuleOptions = {}): ResolvedErrorsOptions {
  checkOptions('ErrorsModule', options, ERRORS_OPTIONS_RULE);
  const {
    errors = [],
    messages = {},
    problemTypeBaseUri,
    client,
    clients = {},
    logRateLimit,
    ...rest
  } = options;
  const resolved = {
    ...DEFAULT_ERRORS_OPTIONS,
    ...withoutUndefined(rest),
    logRateLimit:
      logRateLimit === false
        ? (false as const)
        : { ...DEFAULT_LOG_RATE_LIMIT, ...withoutUndefined(logRateLimit ?? {}) },
  };
  if (!resolved.locales.includes(resolved.defaultLocale)) {
    const locales = resolved.locales.map((locale) => `'${locale}'`).join(', ');
    const given = rest.defaultLocale === undefined ? ' (the default: set defaultLocale too)' : '';
    throw new Error(
      `ErrorsModule: option 'defaultLocale' must be one of locales (${locales}), got '${resolved.defaultLocale}'${given}`,
    );
  }
  // each entry in a group of its own: the catalog then checks it as it checks every entry
  const groups = (Array.isArray(errors) ? errors : [errors]).map((group: ErrorGroup) =>
    isEntryLike(group) ? { [group.reason]: group } : group,
  );
  const catalog = new ErrorCatalog(groups);
  const entryMessages: Record<string, Readonly<Record<string, string>>> = {};
  for (const entry of catalog.entries()) {
    entryMessages[entry.reason] = { ...entry.messages, ...messages[entry.reason] };
  }
  const constraintMessages: Record<string, Readonly<Record<string, string>>> = { ...CONSTRAINT_MESSAGES };
  for (const [key, texts] of Object.entries(messages)) {
    if (key === 'SUCCESS' || key in BUILT_IN_MESSAGES || catalog.get(key)) continue;
    constraintMessages[key] = { ...constraintMessages[key], ...texts };
  }
  const successMessages = { ...SUCCESS_MESSAGES, ...messages['SUCCESS'] };
  const resolvedClients: Record<string, ResolvedApiClientOptions> = {};
  for (const [name, clientOptions] of Object.entries({ [DEFAULT_CLIENT]: client, ...clients })) {
    resolvedClients[name] = resolveApiClientOptions(name, {
      requestIdHeader: resolved.requestIdHeader,
      ...withoutUndefined(clientOptions ?? {}),
    });
  }
  return {
    ...resolved,
    problemTypeBaseUri,
    catalog,
    entryMessages,
    constraintMessages,
    successMessages,
    clients: resolvedClients,
  };
}
