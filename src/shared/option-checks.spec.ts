import { describe, expect, it } from 'vitest';
import {
  arrayOf,
  checkOptions,
  described,
  either,
  fail,
  orFalse,
  recordOf,
  required,
  rule,
  shape,
  show,
} from './option-checks.js';
import { headerValue, integer, oneOf } from './option-values.js';

const count = integer(0);
const check =
  (value: unknown, rules = shape({ retries: count })) =>
  () =>
    checkOptions('Owner', value, rules);

describe('checkOptions', () => {
  it('names the owner, the full path, what is allowed and the value', () => {
    const rules = shape({ client: shape({ retry: shape({ retries: count }) }) });
    expect(check({ client: { retry: { retries: -1 } } }, rules)).toThrow(
      new Error("Owner: option 'client.retry.retries' must be an integer >= 0, got -1"),
    );
  });

  it('passes good options and absent (undefined) ones', () => {
    expect(check({ retries: 2 })).not.toThrow();
    expect(check({ retries: undefined })).not.toThrow();
    expect(check({})).not.toThrow();
  });

  it('says "the options" when the whole value is wrong', () => {
    expect(check(null)).toThrow('Owner: the options must be an object, got null');
    expect(check([])).toThrow('Owner: the options must be an object, got an empty array');
  });

  it('lets an error that is not an option problem through', () => {
    const broken = rule('anything', () => {
      throw new RangeError('boom');
    });
    expect(check({ retries: 1 }, shape({ retries: broken }))).toThrow(RangeError);
  });
});

describe('shape', () => {
  it('rejects an unknown key, listing the known ones', () => {
    expect(check({ retries: 1, colour: 'red' })).toThrow(
      "Owner: unknown option 'colour'; the options here are retries",
    );
  });

  it.each([
    ['retires', 'retries'],
    ['Retries', 'retries'],
    ['retriess', 'retries'],
  ])('names the key a near miss %s was meant to be', (typo, meant) => {
    expect(check({ [typo]: 1 })).toThrow(`Owner: unknown option '${typo}'; did you mean '${meant}'?`);
  });

  it('names the full path of the key meant', () => {
    const rules = shape({ retry: shape({ retries: count }) });
    expect(check({ retry: { retires: 1 } }, rules)).toThrow(
      "unknown option 'retry.retires'; did you mean 'retry.retries'?",
    );
  });

  it('points a key that belongs elsewhere to where it belongs', () => {
    const rules = shape({ retry: shape({ retries: count }) }, { meant: { maxRetries: 'retry.retries' } });
    expect(check({ maxRetries: 1 }, rules)).toThrow(
      "unknown option 'maxRetries'; did you mean 'retry.retries'?",
    );
  });

  it('explains a key that is not an option here, and names it on a near miss', () => {
    const rules = shape({ retries: count }, { notes: { isGlobal: 'it is an extra' } });
    expect(check({ isGlobal: true }, rules)).toThrow(
      "option 'isGlobal' is not an option here: it is an extra",
    );
    expect(check({ isGlobl: true }, rules)).toThrow("did you mean 'isGlobal'?");
  });

  it("with unknownKeys: 'typos', lets unknown keys pass but not near misses of known ones", () => {
    const rules = shape({ whitelist: orFalse(count) }, { unknownKeys: 'typos' });
    expect(check({ brandNewNestOption: true }, rules)).not.toThrow();
    expect(check({ whitelistt: true }, rules)).toThrow("did you mean 'whitelist'?");
  });

  it('requires a required field', () => {
    const rules = shape({ maxConcurrent: required(integer(1)) });
    expect(check({}, rules)).toThrow("option 'maxConcurrent' must be an integer >= 1, got undefined");
  });

  it('quotes a key that is not a plain name', () => {
    const rules = shape({ headers: recordOf(count) });
    expect(check({ headers: { 'a b': -1 } }, rules)).toThrow(`option 'headers["a b"]' must be`);
  });
});

describe('either', () => {
  const transport = either(oneOf(['undici', 'node']), shape({ connections: count }));

  it('takes a value any of its rules takes', () => {
    expect(check({ t: 'node' }, shape({ t: transport }))).not.toThrow();
    expect(check({ t: { connections: 2 } }, shape({ t: transport }))).not.toThrow();
  });

  it('lists every rule when none takes the value', () => {
    expect(check({ t: 3 }, shape({ t: transport }))).toThrow(
      "option 't' must be 'undici' or 'node' or an object, got 3",
    );
  });

  it('reports a problem deeper inside the value instead', () => {
    expect(check({ t: { connections: -1 } }, shape({ t: transport }))).toThrow(
      "option 't.connections' must be an integer >= 0, got -1",
    );
  });

  it('keeps a near-miss hint', () => {
    expect(check({ t: 'Undici' }, shape({ t: transport }))).toThrow("got 'Undici' (did you mean 'undici'?)");
  });

  it('orFalse also takes false, and nothing else falsy', () => {
    const rules = shape({ retries: orFalse(count) });
    expect(check({ retries: false })).toThrow("option 'retries' must be an integer >= 0, got false");
    expect(check({ retries: false }, rules)).not.toThrow();
    expect(check({ retries: 0 }, rules)).not.toThrow();
    expect(check({ retries: null }, rules)).toThrow('must be an integer >= 0 or false, got null');
  });
});

describe('described', () => {
  it('says what is allowed in its own words, keeping the shown value', () => {
    const rules = shape({ status: described(integer(100, 599), 'an HTTP status') });
    expect(check({ status: 7 }, rules)).toThrow("option 'status' must be an HTTP status, got 7");
  });
});

describe('arrayOf', () => {
  it('names the index of a bad item', () => {
    expect(check({ list: [1, -2] }, shape({ list: arrayOf(count) }))).toThrow(
      "option 'list[1]' must be an integer >= 0, got -2",
    );
  });

  it('refuses an empty array when nonEmpty', () => {
    expect(check({ list: [] }, shape({ list: arrayOf(count, { nonEmpty: true }) }))).toThrow(
      "option 'list' must be a non-empty array, got an empty array",
    );
  });

  it('refuses a duplicate when unique', () => {
    const rules = shape({
      list: arrayOf(
        rule('a string', (v) => typeof v === 'string'),
        { unique: String },
      ),
    });
    expect(check({ list: ['a', 'b', 'a'] }, rules)).toThrow(
      "option 'list[2]' must be a value not listed before, got 'a'",
    );
  });
});

describe('fail', () => {
  it('shows the value it is given instead, for secrets and hints', () => {
    expect(() =>
      checkOptions(
        'Owner',
        1,
        rule('x', () => fail('a', 'b', 'secret', 'a string')),
      ),
    ).toThrow("Owner: option 'a' must be b, got a string");
  });

  it('never shows a header value', () => {
    const rules = shape({ headers: recordOf(headerValue) });
    const attempt = check({ headers: { Authorization: 'Bearer hunter2\r\nX-Evil: 1' } }, rules);
    expect(attempt).toThrow("option 'headers.Authorization' must be a string without line breaks");
    expect(attempt).not.toThrow(/hunter2/);
  });
});

describe('show', () => {
  it.each([
    ['text', "'text'"],
    ["it's", "'it\\'s'"],
    ['a\r\nb', "'a\\r\\nb'"],
    ['x'.repeat(50), `'${'x'.repeat(40)}…'`],
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [true, 'true'],
    [null, 'null'],
    [undefined, 'undefined'],
    [[], 'an empty array'],
    [[1, 2], 'an array of 2'],
    [{ secret: 'hunter2' }, 'an object'],
    [() => 1, 'a function'],
    [Symbol('s'), 'a symbol'],
    [10n, 'a bigint'],
  ])('shows %s as %s: short, one line, no object contents', (value, shown) => {
    expect(show(value)).toBe(shown);
  });
});
