import { describe, it, expect } from 'vitest';
import type { ValidationError } from '@nestjs/common';
import {
  collectFieldIssues,
  countFieldIssues,
  displayPath,
  jsonPointer,
  renderFieldErrors,
  type ConstraintLookup,
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
