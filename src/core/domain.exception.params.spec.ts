/**
 * `params` against the entry's placeholders. The `@ts-expect-error` lines and
 * `expectTypeOf` checks are enforced by `npm run typecheck` (this file is in
 * tsconfig.json): a line that compiles where it should not fails the check.
 * The tests run the same constructions and read what they made.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DomainException, type EntryParams } from './domain.exception.js';
import { BuiltInErrors, defineErrors, type ErrorEntry } from './error-catalog.js';
import type { MessageParams } from './i18n/locale.js';
import type { Placeholders } from './placeholders.js';

const Errors = defineErrors({
  USER_NOT_FOUND: {
    code: 20001,
    status: 404,
    messages: { 'zh-CN': '用户 {id} 不存在', en: 'User {id} not found' },
  },
  MOVE_FAILED: {
    code: 20002,
    status: 409,
    // each locale names one of the two: both are required
    messages: { 'zh-CN': '无法移动到 {target}', en: 'Cannot move {item}' },
  },
  LOCKED: { code: 20003, status: 423, messages: { en: 'Locked' } },
  ODD_BRACES: { code: 20004, status: 400, messages: { en: '{ not a name } {{id}} {a-b} {} {ok_1} {' } },
});

describe('params of an entry of defineErrors', () => {
  it('takes exactly the placeholders', () => {
    const error = new DomainException(Errors.USER_NOT_FOUND, { params: { id: 42 } });
    expect(error.params).toEqual({ id: 42 });
    expect(error.message).toBe('USER_NOT_FOUND (20001): User 42 not found');

    // @ts-expect-error a missing placeholder
    void new DomainException(Errors.USER_NOT_FOUND, { params: {} });
    // @ts-expect-error an extra param
    void new DomainException(Errors.USER_NOT_FOUND, { params: { id: 1, name: 'x' } });
    // @ts-expect-error a misspelled one
    void new DomainException(Errors.USER_NOT_FOUND, { params: { ID: 1 } });
    // @ts-expect-error no params at all
    void new DomainException(Errors.USER_NOT_FOUND, { details: { id: 1 } });
    // @ts-expect-error no options at all
    void new DomainException(Errors.USER_NOT_FOUND);
  });

  it('takes the placeholders of every locale', () => {
    const error = new DomainException(Errors.MOVE_FAILED, { params: { target: 'b', item: 'a' } });
    expect(error.message).toBe('MOVE_FAILED (20002): Cannot move a');
    expectTypeOf<EntryParams<typeof Errors.MOVE_FAILED>>().toEqualTypeOf<{
      readonly target: unknown;
      readonly item: unknown;
    }>();

    // @ts-expect-error the zh-CN placeholder is missing
    void new DomainException(Errors.MOVE_FAILED, { params: { item: 'a' } });
  });

  it('takes no params, or empty ones, for messages without placeholders', () => {
    expect(new DomainException(Errors.LOCKED).params).toBeUndefined();
    expect(new DomainException(Errors.LOCKED, { details: { at: 1 } }).details).toEqual({ at: 1 });
    expect(new DomainException(Errors.LOCKED, { params: {} }).params).toEqual({});

    // @ts-expect-error nothing to fill
    void new DomainException(Errors.LOCKED, { params: { id: 1 } });
  });

  it('reads placeholders as formatMessage does', () => {
    expectTypeOf<Placeholders<(typeof Errors.ODD_BRACES.messages)['en']>>().toEqualTypeOf<'id' | 'ok_1'>();
    const error = new DomainException(Errors.ODD_BRACES, { params: { id: 'I', ok_1: 'K' } });
    expect(error.message).toBe('ODD_BRACES (20004): { not a name } {I} {a-b} {} K {');
    expectTypeOf<Placeholders<'no braces'>>().toEqualTypeOf<never>();
    expectTypeOf<Placeholders<'{a}{b}{a}'>>().toEqualTypeOf<'a' | 'b'>();
    expectTypeOf<Placeholders<string>>().toEqualTypeOf<string>();
  });
});

describe('entries and keys whose messages are not literal', () => {
  it('take any params, or none, as before', () => {
    const loose: ErrorEntry = Errors.USER_NOT_FOUND;
    expect(new DomainException(loose).params).toBeUndefined();
    expect(new DomainException(loose, { params: { anything: 1 } }).params).toEqual({ anything: 1 });
    expect(new DomainException('USER_NOT_FOUND', { params: { id: 1 } }).key).toBe('USER_NOT_FOUND');
    expect(new DomainException(20001, { params: { whatever: true } }).key).toBe(20001);
    expect(new DomainException(BuiltInErrors.CONFLICT, { params: { id: 1 } }).entry).toBe(
      BuiltInErrors.CONFLICT,
    );
    expectTypeOf<EntryParams<ErrorEntry>>().toEqualTypeOf<MessageParams>();
    expectTypeOf<EntryParams<'USER_NOT_FOUND'>>().toEqualTypeOf<MessageParams>();
  });

  it('keep subclasses, instanceof and one instance type', () => {
    class ProfileMissing extends DomainException<typeof Errors.USER_NOT_FOUND> {
      constructor(id: string) {
        super(Errors.USER_NOT_FOUND, { params: { id } });
      }
    }
    const error: DomainException = new ProfileMissing('7');
    expect(error).toBeInstanceOf(DomainException);
    expect(error.message).toBe('USER_NOT_FOUND (20001): User 7 not found');
    expectTypeOf(new DomainException(Errors.LOCKED)).toEqualTypeOf<DomainException>();

    class Typo extends DomainException<typeof Errors.USER_NOT_FOUND> {
      constructor() {
        // @ts-expect-error a subclass of a typed entry is held to its placeholders too
        super(Errors.USER_NOT_FOUND, { params: { di: 1 } });
      }
    }
    expect(new Typo()).toBeInstanceOf(DomainException);
  });
});
