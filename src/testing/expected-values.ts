/**
 * Comparing a received value with an expected one the way test runners do
 * (`toEqual`: deep, `undefined` members ignored), with regular expressions
 * for strings and the runners' asymmetric matchers (`expect.any(String)`),
 * and printing both for a failure message. No runner is imported: asymmetric
 * matchers are recognized by their `asymmetricMatch` method.
 */

interface AsymmetricMatcher {
  asymmetricMatch(other: unknown): boolean;
  /** vitest's own picture of the matcher; jest's matchers have their `sample` instead. */
  toAsymmetricMatcher?(): string;
  sample?: unknown;
}

const MAX_SHOWN = 300;

function isAsymmetric(value: unknown): value is AsymmetricMatcher {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AsymmetricMatcher>).asymmetricMatch === 'function'
  );
}

/** True when `received` is what `expected` describes. */
export function matches(received: unknown, expected: unknown): boolean {
  if (isAsymmetric(expected)) return expected.asymmetricMatch(received);
  if (expected instanceof RegExp) {
    return typeof received === 'string'
      ? expected.test(received)
      : received instanceof RegExp && String(received) === String(expected);
  }
  if (typeof expected !== 'object' || expected === null) return Object.is(received, expected);
  if (typeof received !== 'object' || received === null) return false;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(received) &&
      received.length === expected.length &&
      expected.every((item, index) => matches(received[index], item))
    );
  }
  if (Array.isArray(received)) return false;
  const wanted = expected as Record<string, unknown>;
  const seen = received as Record<string, unknown>;
  const keys = new Set([...Object.keys(wanted), ...Object.keys(seen)]);
  return [...keys].every((key) => matches(seen[key], wanted[key]));
}

/** A short, single-line picture of a value for a failure message. */
export function show(value: unknown, max = MAX_SHOWN): string {
  if (value === undefined) return 'undefined';
  if (value instanceof RegExp) return String(value);
  if (isAsymmetric(value)) return describeMatcher(value);
  // regular expressions and matchers are written as themselves, not as quoted strings
  const raw: string[] = [];
  const mark = (text: string) => `\u0001${raw.push(text) - 1}\u0001`;
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (_key, member: unknown) => {
      if (typeof member === 'bigint') return `${member}n`;
      if (member instanceof RegExp) return mark(String(member));
      if (isAsymmetric(member)) return mark(describeMatcher(member));
      return member;
    })?.replace(/"\\u0001(\d+)\\u0001"/g, (_match, index: string) => raw[Number(index)]!);
  } catch {
    json = undefined;
  }
  const shown = json ?? String(value);
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}

function describeMatcher(matcher: AsymmetricMatcher): string {
  if (typeof matcher.toAsymmetricMatcher === 'function') return matcher.toAsymmetricMatcher();
  return 'sample' in matcher ? `${String(matcher)} ${show(matcher.sample)}` : String(matcher);
}
