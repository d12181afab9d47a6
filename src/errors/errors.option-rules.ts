/** What each inbound option allows, checked at startup (see `ErrorsModule`'s options). */
import type { ValidationPipeOptions } from '@nestjs/common';
import {
  arrayOf,
  described,
  either,
  fail,
  isObject,
  orFalse,
  recordOf,
  type Rule,
  shape,
  type Shape,
} from '../shared/option-checks.js';
import {
  absoluteUrl,
  boolean,
  func,
  headerName,
  integer,
  languageTag,
  milliseconds,
  number,
  object,
  oneOf,
  string,
} from '../shared/option-values.js';
import type { InboundErrorsOptions } from './errors.options.js';

/** A catalog entry as `defineErrors` makes it; the catalog checks the rest. */
export function isEntryLike(value: unknown): value is { readonly reason: string } {
  return isObject(value) && typeof value['reason'] === 'string';
}

const ERROR_GROUP_ALLOWED = 'a defineErrors() result or one of its entries';

/** One `defineErrors` result or one entry. */
const errorGroup: Rule = {
  allowed: ERROR_GROUP_ALLOWED,
  check: (value, path) => {
    if (isEntryLike(value)) return;
    if (!isObject(value)) fail(path, ERROR_GROUP_ALLOWED, value);
    for (const [key, entry] of Object.entries(value)) {
      if (!isEntryLike(entry)) {
        const got = `an object whose '${key}' is not an entry (pass the definitions to defineErrors())`;
        fail(path, ERROR_GROUP_ALLOWED, value, got);
      }
    }
  },
};

/** Nest's own options: only those of an obvious type are checked, and near misses of its keys. */
const VALIDATION_RULES: { readonly [K in keyof ValidationPipeOptions]-?: Rule } = {
  transform: boolean,
  disableErrorMessages: boolean,
  transformOptions: object,
  errorHttpStatusCode: described(integer(400, 599), 'an HTTP error status (400 to 599)'),
  exceptionFactory: func,
  validateCustomDecorators: boolean,
  expectedType: func,
  validatorPackage: object,
  transformerPackage: object,
  errorFormat: oneOf(['list', 'grouped']),
  maxErrorMessagesLength: number({ atLeast: 0, infinite: true }),
  enableDebugMessages: boolean,
  skipUndefinedProperties: boolean,
  skipNullProperties: boolean,
  skipMissingProperties: boolean,
  whitelist: boolean,
  forbidNonWhitelisted: boolean,
  groups: arrayOf(string),
  always: boolean,
  strictGroups: boolean,
  dismissDefaultMessages: boolean,
  validationError: shape({ target: boolean, value: boolean }, { unknownKeys: 'typos' }),
  forbidUnknownValues: boolean,
  stopAtFirstError: boolean,
};

/** The rule of each inbound option. */
export const INBOUND_OPTIONS_RULES: Shape<InboundErrorsOptions> = {
  errors: described(
    either(errorGroup, arrayOf(errorGroup)),
    'a defineErrors() result, one of its entries, or an array of them',
  ),
  locales: arrayOf(languageTag, { nonEmpty: true, unique: (tag) => String(tag).toLowerCase() }),
  defaultLocale: languageTag,
  messages: recordOf(recordOf(string, languageTag)),
  format: oneOf(['envelope', 'problem']),
  problemTypeBaseUri: absoluteUrl(),
  legacyHttp200: boolean,
  requestIdHeader: headerName,
  trustRequestId: boolean,
  requestTimeoutMs: orFalse(milliseconds(1)),
  deadlineHeader: headerName,
  trustDeadlineHeader: boolean,
  asyncContext: boolean,
  clientErrorLogLevel: oneOf(['log', 'error', 'warn', 'debug', 'verbose', false]),
  logFormat: oneOf(['auto', 'text', 'fields']),
  exposeInternalErrors: boolean,
  validation: shape(VALIDATION_RULES, { unknownKeys: 'typos' }),
  maxFieldErrors: integer(0),
  maxFieldErrorBytes: integer(0),
  maxBodyDepth: integer(1),
  maxArrayLength: integer(1),
  maxBodyNodes: integer(1),
  maxDetailsBytes: integer(0),
  logRateLimit: orFalse(shape({ lines: integer(1), intervalMs: milliseconds(1) })),
};
