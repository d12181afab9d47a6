import * as fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { displayPath, jsonPointer, renderFieldErrors, type FieldIssue } from './field-errors.js';

function issue(overrides: Partial<FieldIssue> = {}): FieldIssue {
  return {
    path: ['name'],
    constraint: 'isString',
    args: [],
    text: 'name must be a string',
    custom: false,
    ...overrides,
  };
}

const LIMITS = { maxErrors: 50, maxBytes: 8192 };

describe('displayPath', () => {
  it('joins names with dots and writes indexes in brackets', () => {
    expect(displayPath(['items', 0, 'qty'])).toBe('items[0].qty');
    expect(displayPath(['matrix', 1, 2])).toBe('matrix[1][2]');
    expect(displayPath([0, 'name'])).toBe('[0].name');
    expect(displayPath(['a', 'b', 'c'])).toBe('a.b.c');
    expect(displayPath([])).toBe('');
  });
});

describe('jsonPointer', () => {
  it('writes an RFC 6901 pointer', () => {
    expect(jsonPointer(['items', 0, 'qty'])).toBe('/items/0/qty');
    expect(jsonPointer([0])).toBe('/0');
    expect(jsonPointer([])).toBe('');
    expect(jsonPointer([''])).toBe('/');
  });

  it('escapes ~ as ~0 and / as ~1, and leaves dots alone', () => {
    expect(jsonPointer(['a.b', 'c/d', 'e~f'])).toBe('/a.b/c~1d/e~0f');
    expect(jsonPointer(['~1'])).toBe('/~01');
    expect(jsonPointer(['/~/'])).toBe('/~1~0~1');
  });
});

describe('renderFieldErrors', () => {
  it('localizes known constraints', () => {
    const issues = [issue({ path: ['email'], constraint: 'isEmail', text: 'email must be an email' })];
    expect(renderFieldErrors(issues, 'en', 'zh-CN', LIMITS)).toEqual({
      errors: [
        {
          field: 'email',
          pointer: '/email',
          constraint: 'isEmail',
          message: 'must be a valid email address',
        },
      ],
      omitted: 0,
    });
    expect(renderFieldErrors(issues, 'zh-CN', 'en', LIMITS).errors[0]!.message).toBe('必须是合法的邮箱地址');
  });

  it('falls back to the fallback locale', () => {
    const issues = [issue({ constraint: 'isEmail' })];
    expect(renderFieldErrors(issues, 'fr', 'en', LIMITS).errors[0]!.message).toBe(
      'must be a valid email address',
    );
  });

  it('fills {0} and {1} from the constraint arguments', () => {
    const issues = [
      issue({ constraint: 'isLength', args: [3, 20] }),
      issue({ constraint: 'min', args: [1] }),
      issue({ constraint: 'isIn', args: [['draft', 'published']] }),
      issue({ constraint: 'isEnum', args: [{ A: 'a', B: 'b' }, ['a', 'b']] }),
    ];
    expect(renderFieldErrors(issues, 'en', 'zh-CN', LIMITS).errors.map((e) => e.message)).toEqual([
      'must be between 3 and 20 characters long',
      'must not be less than 1',
      'must be one of: draft, published',
      'must be one of: a, b',
    ]);
    expect(renderFieldErrors(issues, 'zh-CN', 'en', LIMITS).errors[0]!.message).toBe(
      '长度必须在 3 到 20 之间',
    );
  });

  // Bug: without known arguments (lookup found no declaration) the client sees the raw "{0}" placeholder.
  it('does not leave unfilled placeholders when the arguments are unknown', () => {
    const issues = [
      issue({ constraint: 'minLength', args: [], text: 'name must be longer than or equal to 3 characters' }),
    ];
    expect(renderFieldErrors(issues, 'en', 'zh-CN', LIMITS).errors[0]!.message).not.toContain('{0}');
  });

  it('lets a custom message win over the tables', () => {
    const issues = [issue({ constraint: 'minLength', args: [8], text: 'Pick a longer name', custom: true })];
    expect(renderFieldErrors(issues, 'en', 'zh-CN', LIMITS).errors[0]!.message).toBe('Pick a longer name');
    expect(renderFieldErrors(issues, 'zh-CN', 'en', LIMITS).errors[0]!.message).toBe('Pick a longer name');
  });

  it("falls back to the validator's text for unknown constraints", () => {
    const issues = [issue({ constraint: 'isStrongPassword', text: 'password is not strong enough' })];
    expect(renderFieldErrors(issues, 'zh-CN', 'en', LIMITS).errors[0]!.message).toBe(
      'password is not strong enough',
    );
  });

  it("falls back to the validator's text for constraints named like Object.prototype members", () => {
    const issues = [
      issue({ constraint: 'constructor', text: 'custom constructor check' }),
      issue({ constraint: 'toString', text: 'custom toString check' }),
    ];
    expect(renderFieldErrors(issues, 'en', 'zh-CN', LIMITS).errors.map((e) => e.message)).toEqual([
      'custom constructor check',
      'custom toString check',
    ]);
  });

  it('uses the given tables', () => {
    const tables = { minLength: { en: 'too short (min {0})' } };
    const issues = [
      issue({ constraint: 'minLength', args: [3] }),
      issue({ constraint: 'isEmail', text: 'raw' }),
    ];
    expect(renderFieldErrors(issues, 'en', 'zh-CN', LIMITS, tables).errors.map((e) => e.message)).toEqual([
      'too short (min 3)',
      'raw',
    ]);
  });

  it('keeps at most maxErrors and reports the rest as omitted', () => {
    const issues = Array.from({ length: 10 }, (_, i) => issue({ path: [`f${i}`] }));
    const { errors, omitted } = renderFieldErrors(issues, 'en', 'zh-CN', { maxErrors: 3, maxBytes: 8192 });
    expect(errors.map((e) => e.field)).toEqual(['f0', 'f1', 'f2']);
    expect(omitted).toBe(7);
  });

  it('keeps about maxBytes of field errors', () => {
    const issues = Array.from({ length: 200 }, (_, i) =>
      issue({ path: ['items', i, 'description'], constraint: 'isString' }),
    );
    const maxBytes = 2000;
    const { errors, omitted } = renderFieldErrors(issues, 'en', 'zh-CN', { maxErrors: 1000, maxBytes });
    expect(errors.length).toBeGreaterThan(1);
    expect(errors.length).toBeLessThan(200);
    expect(omitted).toBe(200 - errors.length);
    expect(Buffer.byteLength(JSON.stringify(errors))).toBeLessThanOrEqual(maxBytes * 1.1);
    expect(errors.map((e) => e.field)).toEqual(
      issues.slice(0, errors.length).map((i) => displayPath(i.path)),
    );
  });

  it('counts bytes, not characters', () => {
    const ascii = Array.from({ length: 50 }, () => issue({ text: 'a'.repeat(100), custom: true }));
    const wide = Array.from({ length: 50 }, () => issue({ text: '错'.repeat(100), custom: true }));
    const limits = { maxErrors: 1000, maxBytes: 3000 };
    const asciiKept = renderFieldErrors(ascii, 'en', 'zh-CN', limits).errors.length;
    const wideKept = renderFieldErrors(wide, 'en', 'zh-CN', limits).errors.length;
    expect(wideKept).toBeLessThan(asciiKept);
    expect(wideKept).toBeLessThanOrEqual(Math.ceil(3000 / 300));
  });

  it('holds the byte limit even against the first error', () => {
    const issues = [issue({ text: 'x'.repeat(500), custom: true }), issue()];
    const { errors, omitted } = renderFieldErrors(issues, 'en', 'zh-CN', { maxErrors: 10, maxBytes: 100 });
    expect(errors).toEqual([]);
    expect(omitted).toBe(2);
  });

  it('counts the bytes of the JSON it sends', () => {
    const issues = Array.from({ length: 20 }, () => issue());
    const { errors } = renderFieldErrors(issues, 'en', 'zh-CN', { maxErrors: 20, maxBytes: 400 });
    expect(errors.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(errors))).toBeLessThanOrEqual(400);
    const one = Buffer.byteLength(JSON.stringify(errors[0])) + 1;
    expect(Buffer.byteLength(JSON.stringify(errors)) + one).toBeGreaterThan(400);
  });

  it('keeps the longest run of errors whose JSON fits maxBytes, whatever their texts', () => {
    const text = fc.string({ unit: 'binary', maxLength: 80 });
    const issues = fc.array(
      fc
        .record({ name: text, message: text })
        .map(({ name, message }) => issue({ path: [name], text: message, custom: true })),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(issues, fc.integer({ min: 0, max: 6000 }), (list, maxBytes) => {
        const { errors, omitted } = renderFieldErrors(list, 'en', 'zh-CN', { maxErrors: 1000, maxBytes });
        // the exact reading: each error as sent (its JSON and a comma), in order, until one does not fit
        const sizes = errors.map((each) => Buffer.byteLength(JSON.stringify(each)) + 1);
        expect(sizes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(maxBytes);
        expect(errors.length + omitted).toBe(list.length);
        // and the next one would not have fitted (none left: nothing more to fit)
        const next = list[errors.length];
        const nextError = next && renderFieldErrors([next], 'en', 'zh-CN', LIMITS).errors[0]!;
        const nextSize = nextError ? Buffer.byteLength(JSON.stringify(nextError)) + 1 : Infinity;
        expect(sizes.reduce((sum, size) => sum + size, 0) + nextSize).toBeGreaterThan(maxBytes);
      }),
      { numRuns: 300 },
    );
  });

  it('renders escaped pointers for awkward keys', () => {
    const { errors } = renderFieldErrors([issue({ path: ['a.b', 'c/d', 0, 'e~f'] })], 'en', 'zh-CN', LIMITS);
    expect(errors[0]).toMatchObject({ field: 'a.b.c/d[0].e~f', pointer: '/a.b/c~1d/0/e~0f' });
  });
});
