import * as fc from 'fast-check';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkBody } from './body-limits.js';
import { DomainException } from '../core/domain.exception.js';
import { isJsonContentType, JsonShapeGuard } from './json-shape-guard.js';
import { ValidationFailedException } from './validation-failed.exception.js';

const limits = { maxBodyDepth: 3, maxArrayLength: 4, maxBodyNodes: 50 };

/** Streams `text` through a guard in chunks of `size` bytes; the bytes out, or what it failed with. */
async function through(text: string, size = 7, bounds = limits): Promise<string | Error> {
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
    bytes.subarray(i * size, (i + 1) * size),
  );
  const guard = new JsonShapeGuard(bounds, 400);
  const out: Buffer[] = [];
  try {
    for await (const chunk of Readable.from(chunks).pipe(guard)) out.push(chunk as Buffer);
  } catch (error) {
    return error as Error;
  }
  expect(guard.receivedEncodedLength).toBe(bytes.length);
  return Buffer.concat(out).toString();
}

function constraintOf(result: string | Error): string | undefined {
  if (result instanceof ValidationFailedException) return result.issues[0]!.constraint;
  if (result instanceof DomainException) return String(result.key);
  return undefined;
}

describe('JsonShapeGuard', () => {
  it('passes a body within the bounds through byte for byte', async () => {
    const text = '{"a":[1,2,3,4],"b":{"c":"x"},"d":"é😀"}';
    expect(await through(text, 3)).toBe(text);
  });

  it('refuses nesting deeper than maxBodyDepth', async () => {
    expect(await through('[[[1]]]')).toBe('[[[1]]]');
    expect(constraintOf(await through('[[[[1]]]]'))).toBe('maxDepth');
  });

  it('refuses an array with more items than maxArrayLength, however split into chunks', async () => {
    expect(await through('[1,2,3,4]', 1)).toBe('[1,2,3,4]');
    expect(constraintOf(await through('[1,2,3,4,5]', 1))).toBe('arrayMaxSize');
    // commas of objects inside the array are not items of it
    expect(await through('[{"a":1,"b":2,"c":3,"d":4,"e":5}]')).toBe('[{"a":1,"b":2,"c":3,"d":4,"e":5}]');
  });

  it('refuses more values than maxBodyNodes with 413 PAYLOAD_TOO_LARGE', async () => {
    const wide = `{${Array.from({ length: 60 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    expect(constraintOf(await through(wide))).toBe('PAYLOAD_TOO_LARGE');
  });

  it('ignores brackets, commas and escaped quotes inside strings', async () => {
    const text = '{"a":"[[[[[,,,,,]]]]]","b":"\\"[[[[\\\\","c":["\\\\\\"",",,,,,,"]}';
    expect(JSON.parse(text)).toBeTruthy();
    expect(await through(text, 2)).toBe(text);
  });

  it('never refuses what the check of the parsed body would accept', async () => {
    expect.hasAssertions();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), fc.integer({ min: 1, max: 9 }), async (value, size) => {
        const text = JSON.stringify(value);
        const parsedOk = checkBody(value, limits) === undefined;
        const streamed = await through(text, size);
        return !parsedOk || streamed === text;
      }),
      { numRuns: 300 },
    );
  });
});

function pathOf(result: string | Error): readonly (string | number)[] | undefined {
  return result instanceof ValidationFailedException ? result.issues[0]!.path : undefined;
}

describe('the path of a refused value', () => {
  it('is the keys and indexes down to a value nested too deep', async () => {
    expect(pathOf(await through('{"a":{"b":{"c":[1]}}}'))).toEqual(['a', 'b', 'c']);
    expect(pathOf(await through('{"x":1,"list":[0,[1,[2,[3]]]]}'))).toEqual(['list', 1, 1]);
    // an empty object before a string value: the string is no key
    expect(pathOf(await through('[{},"",[[[[1]]]]]'))).toEqual([2, 0, 0]);
    const text = String.raw`{"we,ird\\":{"k\"":[{}]}}`;
    expect(Object.keys(JSON.parse(text))).toEqual(['we,ird\\']);
    expect(pathOf(await through(text, 2))).toEqual(['we,ird\\', 'k"', 0]);
  });

  it('is the path of an array with too many items', async () => {
    expect(pathOf(await through('{"a":1,"items":[1,2,3,4,5]}'))).toEqual(['items']);
    expect(pathOf(await through('[[1],[1,2,3,4,5]]'))).toEqual([1]);
  });

  it('is what the check of the parsed body finds, for a body too deep', async () => {
    const bounds = { maxBodyDepth: 3, maxArrayLength: 1000, maxBodyNodes: 100_000 };
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
        const parsed = checkBody(value, bounds);
        const streamed = await through(JSON.stringify(value), 5, bounds);
        expect(pathOf(streamed)).toEqual(parsed?.path);
      }),
      { numRuns: 300 },
    );
  });
});

describe('isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['Application/JSON; charset=utf-8', true],
    ['application/problem+json', true],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    [undefined, false],
  ])('%j is JSON: %j', (type, json) => {
    expect(isJsonContentType(type)).toBe(json);
  });
});
