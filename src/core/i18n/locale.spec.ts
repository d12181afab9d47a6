import * as fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { formatMessage, negotiateLocale, pickMessage } from './locale.js';

const LOCALES = ['zh-CN', 'en'] as const;

describe('negotiateLocale', () => {
  it('returns the fallback without a header', () => {
    expect(negotiateLocale(undefined, LOCALES, 'zh-CN')).toBe('zh-CN');
    expect(negotiateLocale('', LOCALES, 'en')).toBe('en');
  });

  it('matches a locale exactly', () => {
    expect(negotiateLocale('en', LOCALES, 'zh-CN')).toBe('en');
    expect(negotiateLocale('zh-CN', LOCALES, 'en')).toBe('zh-CN');
  });

  it('orders ranges by q-value, highest first', () => {
    expect(negotiateLocale('en;q=0.5, zh-CN;q=0.9', LOCALES, 'en')).toBe('zh-CN');
    expect(negotiateLocale('zh-CN;q=0.2, en;q=0.3', LOCALES, 'zh-CN')).toBe('en');
    expect(negotiateLocale('fr, en;q=0.1, zh-CN;q=0.8', LOCALES, 'en')).toBe('zh-CN');
  });

  it('keeps header order between ranges of equal q-value', () => {
    expect(negotiateLocale('en, zh-CN', LOCALES, 'zh-CN')).toBe('en');
    expect(negotiateLocale('zh-CN;q=0.5, en;q=0.5', LOCALES, 'en')).toBe('zh-CN');
  });

  it('treats a missing q as 1', () => {
    expect(negotiateLocale('zh-CN;q=0.9, en', LOCALES, 'zh-CN')).toBe('en');
  });

  it('excludes ranges with q=0', () => {
    expect(negotiateLocale('zh-CN;q=0', LOCALES, 'en')).toBe('en');
    expect(negotiateLocale('zh-CN;q=0.000, fr', LOCALES, 'en')).toBe('en');
    expect(negotiateLocale('en;q=0, zh;q=0', LOCALES, 'en')).toBe('en');
  });

  it('matches by primary language: zh and zh-TW pick zh-CN, en-US picks en', () => {
    expect(negotiateLocale('zh', LOCALES, 'en')).toBe('zh-CN');
    expect(negotiateLocale('zh-TW', LOCALES, 'en')).toBe('zh-CN');
    expect(negotiateLocale('zh-Hant-TW', LOCALES, 'en')).toBe('zh-CN');
    expect(negotiateLocale('en-US', LOCALES, 'zh-CN')).toBe('en');
    expect(negotiateLocale('en-GB;q=0.8, fr', LOCALES, 'zh-CN')).toBe('en');
  });

  it('prefers an exact match over a primary-language match', () => {
    expect(negotiateLocale('en-GB', ['en', 'en-GB'], 'en')).toBe('en-GB');
    expect(negotiateLocale('en-AU', ['en', 'en-GB'], 'en-GB')).toBe('en');
  });

  it('does not match unrelated languages', () => {
    expect(negotiateLocale('fr-FR, de;q=0.9', LOCALES, 'zh-CN')).toBe('zh-CN');
    expect(negotiateLocale('e', LOCALES, 'zh-CN')).toBe('zh-CN');
  });

  it('answers * with the fallback', () => {
    expect(negotiateLocale('*', LOCALES, 'en')).toBe('en');
    expect(negotiateLocale('fr, *;q=0.5, en;q=0.1', LOCALES, 'zh-CN')).toBe('zh-CN');
    expect(negotiateLocale('*;q=0.1, en', LOCALES, 'zh-CN')).toBe('en');
  });

  it('is case-insensitive and returns the configured spelling', () => {
    expect(negotiateLocale('ZH-cn', LOCALES, 'en')).toBe('zh-CN');
    expect(negotiateLocale('EN-us', LOCALES, 'zh-CN')).toBe('en');
    expect(negotiateLocale('En;Q=0.4, zh-CN;q=0.3', LOCALES, 'zh-CN')).toBe('en');
  });

  it('tolerates whitespace around ranges and parameters', () => {
    expect(negotiateLocale('  fr ;q=0.9 ,  en ; q = 0.8 ', LOCALES, 'zh-CN')).toBe('en');
  });

  it.each([
    [',,,'],
    [';;;'],
    ['   '],
    [';q=1'],
    ['en;q=abc'],
    ['en;q='],
    ['en;q'],
    ['en;q=2'],
    ['en;q=-1'],
    ['en;q=Infinity'],
    ['=;=;=,==='],
    ['\u0000\u0001'],
  ])('returns the fallback for the malformed header %j', (header) => {
    expect(negotiateLocale(header, LOCALES, 'zh-CN')).toBe('zh-CN');
  });

  it('skips malformed ranges and keeps valid ones', () => {
    expect(negotiateLocale(';;, en;q=oops, ,zh-CN;q=0.4', LOCALES, 'en')).toBe('zh-CN');
  });

  it('reads arrays of headers as one list', () => {
    expect(negotiateLocale(['fr', 'en;q=0.8'], LOCALES, 'zh-CN')).toBe('en');
    expect(negotiateLocale(['en;q=0.1', 'zh-TW;q=0.5'], LOCALES, 'en')).toBe('zh-CN');
    expect(negotiateLocale([], LOCALES, 'en')).toBe('en');
    expect(negotiateLocale(['', ''], LOCALES, 'en')).toBe('en');
  });

  it('handles a 100 KB header quickly and returns a valid locale', () => {
    const headers = [
      'en,' + 'x'.repeat(100_000),
      'fr;q=0.1,'.repeat(12_000),
      ';'.repeat(100_000),
      'zh-TW;q=0.5;' + 'q=0.1;'.repeat(17_000),
      ['de', 'x-'.repeat(50_000)],
    ];
    for (const header of headers) {
      const started = performance.now();
      const locale = negotiateLocale(header, LOCALES, 'zh-CN');
      // about 1 ms here; a parse that backtracks or scans the whole header takes seconds, so a loaded machine has room
      expect(performance.now() - started).toBeLessThan(1000);
      expect(LOCALES).toContain(locale);
    }
    expect(negotiateLocale(headers[0], LOCALES, 'zh-CN')).toBe('en');
  });

  it('only reads the start of a very long header', () => {
    const header = 'fr,'.repeat(50_000) + 'en';
    expect(negotiateLocale(header, LOCALES, 'zh-CN')).toBe('zh-CN');
  });
});

/** The reading of `{name}` formatMessage's scan must keep: the innermost braces around a name of [A-Za-z0-9_]. */
function byPattern(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

describe('formatMessage', () => {
  it('fills placeholders as a regular expression over the template would, for any template', () => {
    const piece = fc.constantFrom('{', '}', 'id', 'a b', '{id}', '{x}', '{{id}}', '用户', '', '_', '}{');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }),
        fc.dictionary(fc.constantFrom('id', 'a', '_'), fc.string()),
        (pieces, params) => {
          const template = pieces.join('');
          expect(formatMessage(template, params)).toBe(byPattern(template, params));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('fills placeholders', () => {
    expect(formatMessage('User {id} of {team} not found', { id: 42, team: 'core' })).toBe(
      'User 42 of core not found',
    );
  });

  it('fills a placeholder used more than once', () => {
    expect(formatMessage('{a}-{a}', { a: 'x' })).toBe('x-x');
  });

  it('fills positional placeholders from spread arguments', () => {
    expect(formatMessage('between {0} and {1}', { ...[3, 20] })).toBe('between 3 and 20');
  });

  it('leaves unknown placeholders as written', () => {
    expect(formatMessage('Hello {name}, {missing}!', { name: 'Ann' })).toBe('Hello Ann, {missing}!');
  });

  it('returns the template unchanged without params', () => {
    expect(formatMessage('Hello {name}', undefined)).toBe('Hello {name}');
    expect(formatMessage('Hello {name}', {})).toBe('Hello {name}');
  });

  it('ignores inherited properties of params', () => {
    const params = Object.create({ name: 'inherited' }) as Record<string, unknown>;
    expect(formatMessage('Hello {name}', params)).toBe('Hello {name}');
    expect(formatMessage('{toString}', { a: 1 })).toBe('{toString}');
  });

  it('does not treat braces with other characters as placeholders', () => {
    expect(formatMessage('{ name } {na-me} {}', { name: 'x', 'na-me': 'y' })).toBe('{ name } {na-me} {}');
  });

  it('does not expand placeholders inside filled values', () => {
    expect(formatMessage('{a}{b}', { a: '{b}', b: 'B' })).toBe('{b}B');
  });

  it('joins arrays with ", "', () => {
    expect(formatMessage('one of: {0}', { 0: ['red', 'green', 'blue'] })).toBe('one of: red, green, blue');
    expect(formatMessage('{list}', { list: [1, [2, 3]] })).toBe('1, 2, 3');
    expect(formatMessage('[{list}]', { list: [] })).toBe('[]');
  });

  it('writes a RegExp as its source', () => {
    expect(formatMessage('must match {0}', { 0: /^[a-z]+$/i })).toBe('must match ^[a-z]+$');
    expect(formatMessage('{0}', { 0: [/a/, /b+/] })).toBe('a, b+');
  });

  it('writes null and undefined as empty text, objects as JSON', () => {
    expect(formatMessage('[{a}][{b}]', { a: null, b: undefined })).toBe('[][]');
    expect(formatMessage('{o}', { o: { min: 1 } })).toBe('{"min":1}');
    expect(formatMessage('{t} {n}', { t: true, n: 0 })).toBe('true 0');
  });
});

describe('pickMessage', () => {
  const messages = { 'zh-CN': '未找到', en: 'Not found' };

  it('picks the requested locale', () => {
    expect(pickMessage(messages, 'en', 'zh-CN')).toBe('Not found');
    expect(pickMessage(messages, 'zh-CN', 'en')).toBe('未找到');
  });

  it('falls back to the fallback locale', () => {
    expect(pickMessage(messages, 'fr', 'en')).toBe('Not found');
    expect(pickMessage(messages, 'fr', 'zh-CN')).toBe('未找到');
  });

  it('falls back to any text when neither locale has one', () => {
    expect(pickMessage({ ja: '見つかりません' }, 'en', 'zh-CN')).toBe('見つかりません');
  });

  it('returns undefined for an empty table', () => {
    expect(pickMessage({}, 'en', 'zh-CN')).toBeUndefined();
  });
});
