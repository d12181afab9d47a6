import { describe, expect, it } from 'vitest';
import { checkOptions, type Rule, shape } from './option-checks.js';
import {
  absoluteUrl,
  boolean,
  func,
  headerName,
  headerValue,
  integer,
  languageTag,
  milliseconds,
  number,
  object,
  oneOf,
  string,
} from './option-values.js';

const problem = (rules: Rule, value: unknown): string | undefined => {
  try {
    checkOptions('Owner', { x: value }, shape({ x: rules }));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

const cases: [name: string, rules: Rule, good: unknown[], bad: unknown[]][] = [
  ['boolean', boolean, [true, false], ['true', 0, 1, null]],
  ['func', func, [() => 1, Date], ['f', {}, null]],
  ['string', string, ['', 'a'], [1, null, {}]],
  ['object', object, [{}, { any: 'key' }], [[], 'a', null, 1]],
  [
    'integer(0)',
    integer(0),
    [0, 1, 2 ** 40],
    [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, '1', null],
  ],
  ['integer(400, 599)', integer(400, 599), [400, 599], [399, 600, 450.5]],
  [
    'milliseconds(1)',
    milliseconds(1),
    [1, 2_147_483_647],
    [0, -1, 0.5, 2_147_483_648, Number.POSITIVE_INFINITY],
  ],
  ['milliseconds(0)', milliseconds(0), [0, 5000], [-1, 1.5]],
  ['number >= 0', number({ atLeast: 0 }), [0, 0.2, 5], [-0.1, Number.NaN, Number.POSITIVE_INFINITY, '0.2']],
  ['number in (0, 1)', number({ above: 0, below: 1 }), [0.5, 0.01], [0, 1, -0.5, 2]],
  [
    'number >= 0 or Infinity',
    number({ atLeast: 0, infinite: true }),
    [0, Number.POSITIVE_INFINITY],
    [-1, Number.NaN],
  ],
  ['oneOf', oneOf(['log', 'warn', false]), ['log', 'warn', false], ['info', 'LOG', true, null, 0]],
  [
    'headerName',
    headerName,
    ['X-Request-Id', 'x-correlation-id', "A!#$%&'*+-.^_`|~9"],
    ['X Request Id', '', 'X-Id:', 'X-Id\r\n', 'Ümlaut', 'a(b)', 'a"b', 42],
  ],
  [
    'headerValue',
    headerValue,
    ['', 'Bearer abc', 'tab\tok', 'latin1 \u00e9'],
    ['a\r\nb', 'nul\0', '中文', 1],
  ],
  [
    'languageTag',
    languageTag,
    ['en', 'zh-CN', 'zh-Hant-TW', 'en-US', 'ja'],
    ['', 'zh_CN', 'english!', 'x', 1],
  ],
  [
    'absoluteUrl(http, https)',
    absoluteUrl(['http:', 'https:']),
    ['http://127.0.0.1:3000', 'https://api.example.com/v1/'],
    ['api.example.com', '/v1', 'ftp://x', 'https://', 'mailto:a@b', 1],
  ],
  [
    'absoluteUrl()',
    absoluteUrl(),
    ['https://errors.example.com/', 'urn:example:errors:', 'tag:example.com,2026:'],
    ['errors', '/errors/', ''],
  ],
];

describe.each(cases)('%s', (_name, rules, good, bad) => {
  it.each(good.map((value) => [value]))('takes %s', (value) => {
    expect(problem(rules, value)).toBeUndefined();
  });

  it.each(bad.map((value) => [value]))('refuses %s, saying what is allowed', (value) => {
    expect(problem(rules, value)).toMatch(
      new RegExp(`^Owner: option 'x' must be ${escape(rules.allowed)}, got `),
    );
  });
});

describe('messages of leaf rules', () => {
  it.each([
    [integer(0), -1, 'must be an integer >= 0, got -1'],
    [integer(1, 5), 9, 'must be an integer from 1 to 5, got 9'],
    [milliseconds(1), 0, 'must be an integer from 1 to 2147483647 (milliseconds), got 0'],
    [number({ above: 0, below: 1 }), 1, 'must be a number > 0 and < 1, got 1'],
    [oneOf(['envelope', 'problem']), 'xml', "must be 'envelope' or 'problem', got 'xml'"],
    [
      oneOf(['log', 'error', 'warn', false]),
      'info',
      "must be one of 'log', 'error', 'warn' or false, got 'info'",
    ],
    [oneOf(['undici', 'node']), 'Node', "got 'Node' (did you mean 'node'?)"],
    [headerName, 'X Request Id', "e.g. 'X-Request-Id'), got 'X Request Id'"],
    [
      absoluteUrl(['https:']),
      'https://user:hunter2@ bad',
      "must be an absolute https URL, got 'https://***@ bad'",
    ],
  ])('%#: %s', (rules, value, message) => {
    expect(problem(rules, value)).toContain(message);
  });

  it('shows a header value as its type only', () => {
    expect(problem(headerValue, 'token hunter2\n')).toBe(
      "Owner: option 'x' must be a string without line breaks or other control characters, got a string",
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
