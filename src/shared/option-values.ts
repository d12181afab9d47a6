/** The leaf rules of option checks: booleans, counts, durations, literals, header names, URLs, locales. */
import { closest } from './closest-word.js';
import { described, fail, isObject, type Rule, rule, show } from './option-checks.js';

export const boolean = rule('true or false', (value) => typeof value === 'boolean');
export const func = rule('a function', (value) => typeof value === 'function');
export const string = rule('a string', (value) => typeof value === 'string');
/** Any object; its keys are someone else's (axios defaults, class-transformer options). */
export const object = rule('an object', isObject);

/** An integer from `min` to `max` (a count). */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Rule {
  const allowed =
    max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return rule(
    allowed,
    (value) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max,
  );
}

/** Longest delay Node's timers keep (a longer one fires after 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/** Whole milliseconds, at least `min`, that a timer can wait. */
export function milliseconds(min: 0 | 1): Rule {
  return described(integer(min, MAX_TIMER_MS), `an integer from ${min} to ${MAX_TIMER_MS} (milliseconds)`);
}

/** A finite number within bounds (`above`/`below` exclusive); `infinite` also allows `Infinity`. */
export function number(bounds: {
  atLeast?: number;
  above?: number;
  below?: number;
  infinite?: boolean;
}): Rule {
  const { atLeast, above, below, infinite = false } = bounds;
  const limits = [
    atLeast !== undefined ? `>= ${atLeast}` : undefined,
    above !== undefined ? `> ${above}` : undefined,
    below !== undefined ? `< ${below}` : undefined,
  ].filter(Boolean);
  const allowed = `a number ${limits.join(' and ')}${infinite ? ' (or Infinity)' : ''}`;
  return rule(
    allowed,
    (value) =>
      typeof value === 'number' &&
      (Number.isFinite(value) || (infinite && value === Number.POSITIVE_INFINITY)) &&
      (atLeast === undefined || value >= atLeast) &&
      (above === undefined || value > above) &&
      (below === undefined || value < below),
  );
}

/** One of a few literals; a near miss of a string is named (`'Undici'`: did you mean 'undici'?). */
export function oneOf(values: readonly (string | boolean)[]): Rule {
  const shown = values.map((value) => show(value));
  const allowed =
    shown.length < 3 ? shown.join(' or ') : `one of ${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
  return {
    allowed,
    check: (value, path) => {
      if (values.includes(value as string | boolean)) return;
      const near =
        typeof value === 'string'
          ? closest(
              value,
              values.filter((v) => typeof v === 'string'),
            )
          : undefined;
      fail(path, allowed, value, near ? `${show(value)} (did you mean '${near}'?)` : undefined);
    },
  };
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Characters Node refuses in a header value (`ERR_INVALID_CHAR`). */
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** A header name: an RFC 9110 token. */
export const headerName = rule(
  "a header name (an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~, e.g. 'X-Request-Id')",
  (value) => typeof value === 'string' && TOKEN.test(value),
);

/** A header value Node sends; the message never shows it. */
export const headerValue = rule(
  'a string without line breaks or other control characters',
  (value) => typeof value === 'string' && !BAD_HEADER_VALUE.test(value),
  true,
);

/** A BCP 47 language tag (`en`, `zh-CN`). */
export const languageTag = rule("a BCP 47 language tag (e.g. 'en', 'zh-CN')", (value) => {
  if (typeof value !== 'string' || value === '') return false;
  try {
    Intl.getCanonicalLocales(value);
    return true;
  } catch {
    return false;
  }
});

/** An absolute URL, of one of `protocols` when given (`['http:', 'https:']`). */
export function absoluteUrl(protocols?: readonly string[]): Rule {
  const allowed = protocols
    ? `an absolute ${protocols.map((p) => p.slice(0, -1)).join(' or ')} URL`
    : 'an absolute URI';
  return {
    allowed,
    check: (value, path) => {
      const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
      if (!url || (protocols && !protocols.includes(url.protocol))) {
        fail(path, allowed, value, typeof value === 'string' ? show(withoutCredentials(value)) : undefined);
      }
    },
  };
}

function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@');
}
