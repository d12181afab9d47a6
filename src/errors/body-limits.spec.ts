import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBody } from './body-limits.js';
import { DEFAULT_BODY_LIMITS, type BodyLimits } from './errors.options.js';

const limits: BodyLimits = { maxBodyDepth: 4, maxArrayLength: 3, maxBodyNodes: 20 };

function nestedArrays(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** The value at `path` of `body`. */
function valueAt(body: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce((value: unknown, key) => (value as Record<string | number, unknown>)[key], body);
}

describe('checkBody', () => {
  it('passes primitives, empty containers and bodies within every bound', () => {
    for (const body of [undefined, null, 1, 'text', true, {}, [], { a: [1, 2, 3], b: { c: { d: 'x' } } }]) {
      expect(checkBody(body, limits)).toBeUndefined();
    }
  });

  it('finds the first value nested deeper than maxBodyDepth, with its path', () => {
    expect(checkBody({ a: { b: { c: 1 } } }, limits)).toBeUndefined();
    expect(checkBody({ a: { b: { c: { d: {} } } } }, limits)).toEqual({
      limit: 'maxBodyDepth',
      max: 4,
      path: ['a', 'b', 'c', 'd'],
    });
    expect(checkBody({ items: [[[[]]]] }, limits)).toEqual({
      limit: 'maxBodyDepth',
      max: 4,
      path: ['items', 0, 0, 0],
    });
  });

  it('finds an array longer than maxArrayLength, with its path', () => {
    expect(checkBody({ list: [1, 2, 3] }, limits)).toBeUndefined();
    expect(checkBody({ ok: [1], list: [{}, {}, {}, {}] }, limits)).toEqual({
      limit: 'maxArrayLength',
      max: 3,
      path: ['list'],
    });
  });

  it('counts every value against maxBodyNodes', () => {
    const wide = Object.fromEntries(Array.from({ length: 19 }, (_, i) => [`k${i}`, i]));
    expect(checkBody(wide, limits)).toBeUndefined();
    expect(checkBody({ ...wide, one: 'more' }, limits)).toEqual({ limit: 'maxBodyNodes', max: 20, path: [] });
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(checkBody(nestedArrays(100_000), DEFAULT_BODY_LIMITS)).toMatchObject({
      limit: 'maxBodyDepth',
      max: 32,
    });
  });

  it('ends on a cyclic value (not from JSON) at the node bound', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(checkBody(cyclic, { ...limits, maxBodyDepth: 1000 })).toEqual({
      limit: 'maxBodyNodes',
      max: 20,
      path: [],
    });
  });

  it('points at a value that passes the bound it reports, on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (body) => {
        const loose = { maxBodyDepth: 100, maxArrayLength: 1000, maxBodyNodes: 100_000 };
        const deep = checkBody(body, { ...loose, maxBodyDepth: 3 });
        const wide = checkBody(body, { ...loose, maxArrayLength: 2 });
        // no violation, or one at a value that is too deep / an array that is too long
        expect(
          deep === undefined || (deep.path.length === 3 && typeof valueAt(body, deep.path) === 'object'),
        ).toBe(true);
        expect(wide === undefined || (valueAt(body, wide.path) as unknown[]).length > 2).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('throws the RangeError of a call stack run out when the bound allows a deeper body', () => {
    const unbounded = { maxBodyDepth: 10_000_000, maxArrayLength: 10, maxBodyNodes: 10_000_000 };
    expect(() => checkBody(nestedArrays(1_000_000), unbounded)).toThrow(RangeError);
  });

  it('agrees with a recursive definition on random JSON', () => {
    const depthOf = (value: unknown): number =>
      value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;
    const longest = (value: unknown): number =>
      value !== null && typeof value === 'object'
        ? Math.max(Array.isArray(value) ? value.length : 0, ...Object.values(value).map(longest))
        : 0;
    const count = (value: unknown): number =>
      value !== null && typeof value === 'object'
        ? 1 + Object.values(value).reduce((sum: number, item) => sum + count(item), 0)
        : 1;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (body) => {
        const loose = { maxBodyDepth: 100, maxArrayLength: 1000, maxBodyNodes: 100_000 };
        expect(checkBody(body, { ...loose, maxBodyDepth: 4 }) === undefined).toBe(depthOf(body) <= 4);
        expect(checkBody(body, { ...loose, maxArrayLength: 2 }) === undefined).toBe(longest(body) <= 2);
        expect(checkBody(body, { ...loose, maxBodyNodes: 15 }) === undefined).toBe(count(body) <= 15);
      }),
      { numRuns: 300 },
    );
  });
});
