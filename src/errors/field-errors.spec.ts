import { describe, it, expect } from 'vitest';
import type { ValidationError } from '@nestjs/common';
import {
  collectFieldIssues,
  countFieldIssues,
  displayPath,
  jsonPointer,
  renderFieldErrors,
  type ConstraintLookup,
  type FieldIssue,
} from './field-errors.js';

/** A ValidationError-shaped plain object; an array `target` marks an array item. */
function ve(
  property: string,
  constraints?: Record<string, string>,
  children?: ValidationError[],
  target: object = {},
): ValidationError {
  return { property, constraints, children, target } as ValidationError;
}

/** A ValidationError without a target (`validationError: { target: false }`). */
function untargeted(property: string, constraints: Record<string, string>): ValidationError {
  return { property, constraints, children: [] } as ValidationError;
}

/** A ValidationError with children and no target. */
function untargetedParent(property: string, children: ValidationError[]): ValidationError {
  return { property, children } as ValidationError;
}

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

describe('collectFieldIssues', () => {
  it('collects a top-level constraint', () => {
    const { issues, total } = collectFieldIssues([ve('email', { isEmail: 'email must be an email' })], 10);
    expect(total).toBe(1);
    expect(issues).toEqual([
      { path: ['email'], constraint: 'isEmail', args: [], text: 'email must be an email', custom: false },
    ]);
  });

  it('walks nested objects and arrays into paths of names and indexes', () => {
    const items: unknown[] = [{ qty: 0 }];
    const error = ve('items', undefined, [
      ve('0', undefined, [ve('qty', { min: 'qty must not be less than 1' })], items),
    ]);
    const { issues } = collectFieldIssues([error], 10);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual(['items', 0, 'qty']);
    expect(displayPath(issues[0]!.path)).toBe('items[0].qty');
    expect(jsonPointer(issues[0]!.path)).toBe('/items/0/qty');
  });

  it('treats numeric keys of a plain object as names, not indexes', () => {
    const error = ve('scores', undefined, [ve('0', { isInt: '0 must be an integer' }, undefined, {})]);
    const { issues } = collectFieldIssues([error], 10);
    expect(issues[0]!.path).toEqual(['scores', '0']);
    expect(displayPath(issues[0]!.path)).toBe('scores.0');
  });

  it('without a target, reads canonical numeric properties as indexes', () => {
    const error = ve('tags', undefined, [
      untargeted('2', { isString: 'must be a string' }),
      untargeted('02', { isString: 'must be a string' }),
    ]);
    const { issues } = collectFieldIssues([error], 10);
    expect(issues.map((i) => i.path)).toEqual([
      ['tags', 2],
      ['tags', '02'],
    ]);
  });

  it('keeps the order the validator found the failures in, depth first', () => {
    const errors = [
      ve('a', { c1: 'a c1', c2: 'a c2' }, [ve('b', { c3: 'b c3' }, [ve('c', { c4: 'c c4' })])]),
      ve('d', { c5: 'd c5' }),
    ];
    const { issues } = collectFieldIssues(errors, 10);
    expect(issues.map((i) => [displayPath(i.path), i.constraint])).toEqual([
      ['a', 'c1'],
      ['a', 'c2'],
      ['a.b', 'c3'],
      ['a.b.c', 'c4'],
      ['d', 'c5'],
    ]);
  });

  it('keeps at most `limit` issues and counts them all in `total`', () => {
    const errors = Array.from({ length: 5 }, (_, i) => ve(`f${i}`, { a: 'a', b: 'b' }));
    const capped = collectFieldIssues(errors, 3);
    expect(capped.issues).toHaveLength(3);
    expect(capped.total).toBe(10);
    expect(capped.issues.map((i) => [i.path[0], i.constraint])).toEqual([
      ['f0', 'a'],
      ['f0', 'b'],
      ['f1', 'a'],
    ]);
    const none = collectFieldIssues(errors, 0);
    expect(none.issues).toEqual([]);
    expect(none.total).toBe(10);
  });

  it('returns nothing for no errors', () => {
    expect(collectFieldIssues([], 10)).toEqual({ issues: [], total: 0 });
    expect(collectFieldIssues([ve('x', undefined, [])], 10)).toEqual({ issues: [], total: 0 });
  });

  it('asks the lookup for arguments and the custom-message flag', () => {
    const target = { name: 'x' };
    const calls: unknown[][] = [];
    const lookup: ConstraintLookup = (error, constraint) => {
      calls.push([error.target, error.property, constraint]);
      return constraint === 'isLength' ? { args: [3, 20], custom: false } : { args: [], custom: true };
    };
    const { issues } = collectFieldIssues(
      [ve('name', { isLength: 'too short', matches: 'Pick letters only' }, undefined, target)],
      10,
      lookup,
    );
    expect(calls).toEqual([
      [target, 'name', 'isLength'],
      [target, 'name', 'matches'],
    ]);
    expect(issues.map((i) => [i.args, i.custom])).toEqual([
      [[3, 20], false],
      [[], true],
    ]);
  });

  it('walks the validated object to tell indexes from keys and to name each owner', () => {
    class Line {
      qty = 0;
    }
    const line = new Line();
    const scores = { '0': 'x' };
    const root = { lines: [line], scores, tags: new Set(['a', 5]), byKey: new Map([['7', { n: 1 }]]) };
    const owners: unknown[] = [];
    const lookup: ConstraintLookup = (_error, _constraint, owner) => {
      owners.push(owner);
      return undefined;
    };
    const errors = [
      untargetedParent('lines', [untargetedParent('0', [untargeted('qty', { min: 'too small' })])]),
      untargetedParent('scores', [untargeted('0', { isInt: 'not an int' })]),
      untargetedParent('tags', [untargeted('1', { isString: 'not a string' })]),
      untargetedParent('byKey', [untargetedParent('7', [untargeted('n', { isString: 'not a string' })])]),
    ];
    const { issues } = collectFieldIssues(errors, 10, lookup, root);
    expect(issues.map((i) => i.path)).toEqual([
      ['lines', 0, 'qty'],
      ['scores', '0'],
      ['tags', 1],
      ['byKey', '7', 'n'],
    ]);
    expect(owners[0]).toBe(line);
    expect(owners[1]).toBe(scores);
    expect(owners[2]).toEqual(['a', 5]);
    expect(owners[3]).toEqual({ n: 1 });
  });

  it('falls back to the targets, then the shape of the property, where the object ends', () => {
    const root = { list: 'not an object' };
    const errors = [untargetedParent('list', [untargeted('3', { isString: 'bad' })])];
    expect(collectFieldIssues(errors, 10, undefined, root).issues[0]!.path).toEqual(['list', 3]);
  });

  it('bounds the length of a path segment', () => {
    const { issues } = collectFieldIssues([ve('k'.repeat(5000), { isString: 'bad' })], 10);
    expect(issues[0]!.path[0]).toBe('k'.repeat(100));
  });

  it('does not overflow the stack on a 10 000-deep nesting', () => {
    let error = ve('leaf', { isString: 'leaf must be a string' });
    for (let depth = 0; depth < 10_000; depth++) {
      error = depth % 2 === 0 ? ve('0', undefined, [error], []) : ve('child', undefined, [error]);
    }
    const { issues, total } = collectFieldIssues([error], 50);
    expect(total).toBe(1);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toHaveLength(10_001);
    expect(issues[0]!.path.at(-1)).toBe('leaf');
    const { errors } = renderFieldErrors(issues, 'en', 'zh-CN', { maxErrors: 5, maxBytes: 1_000_000 });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.field.endsWith('[0].leaf')).toBe(true);
    expect(errors[0]!.pointer.endsWith('/0/leaf')).toBe(true);
  });

  it('counts the issues of a 10 000-deep nesting with a failure at every level', () => {
    let error = ve('leaf', { isString: 'bad' });
    for (let depth = 0; depth < 10_000; depth++) error = ve('child', { nestedValidation: 'bad' }, [error]);
    const { issues, total } = collectFieldIssues([error], 50);
    expect(total).toBe(10_001);
    expect(issues).toHaveLength(50);
    expect(issues[49]!.path).toHaveLength(50);
  });

  it('never copies the rejected value', () => {
    const secret = 'hunter2-SECRET-value';
    const error = {
      ...ve('password', {
        minLength: 'password must be longer than or equal to 12 characters',
        isStrongPassword: 'password is not strong enough',
      }),
      value: secret,
      target: { password: secret },
    } as ValidationError;
    const { issues } = collectFieldIssues([error], 10, () => ({ args: [12], custom: false }));
    const { errors } = renderFieldErrors(issues, 'en', 'zh-CN', LIMITS);
    expect(errors.map((e) => e.message)).toEqual([
      'must be at least 12 characters long',
      'password is not strong enough',
    ]);
    expect(JSON.stringify(issues)).not.toContain('SECRET');
    expect(JSON.stringify(errors)).not.toContain('SECRET');
  });
});

describe('countFieldIssues', () => {
  it('counts every failed constraint at any depth', () => {
    const errors = [
      ve('a', { x: 'x', y: 'y' }, [ve('b', undefined, [ve('c', { z: 'z' })])]),
      ve('d', { w: 'w' }),
    ];
    expect(countFieldIssues(errors)).toBe(4);
    expect(countFieldIssues([])).toBe(0);
  });
});

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

  it('renders escaped pointers for awkward keys', () => {
    const { errors } = renderFieldErrors([issue({ path: ['a.b', 'c/d', 0, 'e~f'] })], 'en', 'zh-CN', LIMITS);
    expect(errors[0]).toMatchObject({ field: 'a.b.c/d[0].e~f', pointer: '/a.b/c~1d/0/e~0f' });
  });
});
