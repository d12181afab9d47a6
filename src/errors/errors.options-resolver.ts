/** The inbound options resolved: defaults applied once, the catalog built, the texts merged. */
import { ErrorCatalog } from '../core/error-catalog.js';
import { BUILT_IN_MESSAGES, CONSTRAINT_MESSAGES, SUCCESS_MESSAGES } from '../core/i18n/messages.js';
import { withoutUndefined } from '../shared/objects.js';
import { isEntryLike } from './errors.option-rules.js';
import {
  DEFAULT_ERRORS_OPTIONS,
  DEFAULT_LOG_RATE_LIMIT,
  type ErrorGroup,
  type InboundErrorsOptions,
  type ResolvedInboundOptions,
} from './errors.options.js';

/**
 * Applies the inbound defaults once and builds the catalog (throws on
 * duplicates). The options are checked already (`INBOUND_OPTIONS_RULES`),
 * by whoever took them.
 */
export function resolveInboundOptions(options: InboundErrorsOptions = {}): ResolvedInboundOptions {
  const { errors = [], messages = {}, problemTypeBaseUri, logRateLimit, ...rest } = options;
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
  return {
    ...resolved,
    problemTypeBaseUri,
    catalog,
    entryMessages,
    constraintMessages,
    successMessages,
  };
}
