/** Locale negotiation and message formatting: pure functions, no Nest. */

const MAX_HEADER_LENGTH = 512;
const MAX_RANGES = 16;

/**
 * Picks the best of `locales` for an `Accept-Language` header (RFC 9110
 * q-values). A range matches a locale exactly (case-insensitive), then by its
 * primary language (`zh` and `zh-TW` pick `zh-CN`, `en-US` picks `en`).
 * Falls back to `fallback`. Long or malformed headers cannot cost more than a
 * bounded scan.
 */
export function negotiateLocale(
  header: string | string[] | undefined,
  locales: readonly string[],
  fallback: string,
): string {
  if (Array.isArray(header)) header = header.join(',');
  if (!header) return fallback;
  const ranges: { tag: string; q: number; order: number }[] = [];
  const parts = header.slice(0, MAX_HEADER_LENGTH).split(',', MAX_RANGES);
  for (let order = 0; order < parts.length; order++) {
    const [rawTag, ...params] = parts[order]!.split(';');
    const tag = rawTag!.trim().toLowerCase();
    if (!tag) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim().toLowerCase() === 'q') {
        const parsed = Number(value?.trim());
        q = Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : 0;
      }
    }
    if (q > 0) ranges.push({ tag, q, order });
  }
  ranges.sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { tag } of ranges) {
    if (tag === '*') return fallback;
    const match = matchLocale(tag, locales);
    if (match) return match;
  }
  return fallback;
}

function matchLocale(tag: string, locales: readonly string[]): string | undefined {
  for (const locale of locales) if (locale.toLowerCase() === tag) return locale;
  const primary = tag.split('-', 1)[0];
  for (const locale of locales) {
    if (locale.toLowerCase().split('-', 1)[0] === primary) return locale;
  }
  return undefined;
}

/** Values that may fill a `{name}` placeholder. */
export type MessageParams = Readonly<Record<string, unknown>>;

const PLACEHOLDER_NAME = /^[A-Za-z0-9_]+$/;

/**
 * Fills `{name}` placeholders (a name of `[A-Za-z0-9_]`); unknown ones stay
 * as written. A scan from brace to brace: it runs on every error answer.
 */
export function formatMessage(template: string, params: MessageParams | undefined): string {
  if (!params) return template;
  let open = template.indexOf('{');
  if (open === -1) return template;
  let out = '';
  let from = 0;
  while (open !== -1) {
    const close = template.indexOf('}', open + 1);
    if (close === -1) break;
    const name = template.slice(open + 1, close);
    if (PLACEHOLDER_NAME.test(name) && Object.hasOwn(params, name)) {
      out += template.slice(from, open) + paramText(params[name]);
      from = close + 1;
      open = template.indexOf('{', from);
    } else open = template.indexOf('{', open + 1);
  }
  return out + template.slice(from);
}

function paramText(value: unknown): string {
  if (Array.isArray(value)) return value.map(paramText).join(', ');
  if (value instanceof RegExp) return value.source;
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The text of `messages` in `locale`, else in `fallback`, else any. */
export function pickMessage(
  messages: Readonly<Record<string, string>>,
  locale: string,
  fallback: string,
): string | undefined {
  const picked = pickLocale(messages, locale, fallback);
  return picked === undefined ? undefined : messages[picked];
}

/** Which locale {@link pickMessage} takes the text from. */
export function pickLocale(
  messages: Readonly<Record<string, string>>,
  locale: string,
  fallback: string,
): string | undefined {
  if (messages[locale] !== undefined) return locale;
  if (messages[fallback] !== undefined) return fallback;
  for (const key in messages) return key;
  return undefined;
}
