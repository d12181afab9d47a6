import { describe, it, expect } from 'vitest';
import { STATUS_CODES } from 'node:http';
import { BuiltInErrors, ErrorCatalog, defineErrors, type ErrorEntry } from './error-catalog.js';
import { AppErrors } from '../../test/fixtures/app-errors.js';

function entry(overrides: Partial<ErrorEntry>): ErrorEntry {
  return {
    reason: 'SOME_ERROR',
    code: 20001,
    status: 400,
    messages: { en: 'Some error' },
    builtIn: false,
    ...overrides,
  };
}

describe('defineErrors', () => {
  it('makes entries named by their key', () => {
    expect(AppErrors.USER_NOT_FOUND).toEqual({
      code: 10001,
      status: 404,
      messages: { 'zh-CN': '用户 {id} 不存在', en: 'User {id} not found' },
      reason: 'USER_NOT_FOUND',
      builtIn: false,
    });
    expect(AppErrors.ORDER_LOCKED.reason).toBe('ORDER_LOCKED');
    expect(Object.keys(AppErrors)).toEqual([
      'USER_NOT_FOUND',
      'ORDER_LOCKED',
      'LEDGER_BROKEN',
      'UPSTREAM_DOWN',
      'ENGLISH_ONLY',
    ]);
  });

  it('freezes the entries and the group', () => {
    expect(Object.isFrozen(AppErrors)).toBe(true);
    expect(Object.isFrozen(AppErrors.USER_NOT_FOUND)).toBe(true);
  });

  it('does not keep a reference to the definitions', () => {
    const definition = { code: 30001, status: 400, messages: { en: 'x' } };
    const errors = defineErrors({ X_ERROR: definition });
    definition.code = 30002;
    expect(errors.X_ERROR.code).toBe(30001);
  });
});

describe('ErrorCatalog', () => {
  it('holds every built-in entry, then the app entries', () => {
    const catalog = new ErrorCatalog([AppErrors]);
    const builtIns = Object.values(BuiltInErrors);
    expect(catalog.entries()).toEqual([
      ...builtIns,
      AppErrors.USER_NOT_FOUND,
      AppErrors.ORDER_LOCKED,
      AppErrors.LEDGER_BROKEN,
      AppErrors.UPSTREAM_DOWN,
      AppErrors.ENGLISH_ONLY,
    ]);
    expect(new ErrorCatalog().entries()).toEqual(builtIns);
  });

  it('gets an entry by reason and by code', () => {
    const catalog = new ErrorCatalog([AppErrors]);
    expect(catalog.get('USER_NOT_FOUND')).toBe(AppErrors.USER_NOT_FOUND);
    expect(catalog.get(10001)).toBe(AppErrors.USER_NOT_FOUND);
    expect(catalog.get(10002)).toBe(AppErrors.ORDER_LOCKED);
    expect(catalog.get('NOT_FOUND')).toBe(BuiltInErrors.NOT_FOUND);
    expect(catalog.get(40001)).toBe(BuiltInErrors.VALIDATION_FAILED);
  });

  it('answers undefined for unknown reasons and codes', () => {
    const catalog = new ErrorCatalog([AppErrors]);
    expect(catalog.get('NOPE')).toBeUndefined();
    expect(catalog.get(99999)).toBeUndefined();
    expect(catalog.get('10001')).toBeUndefined();
    expect(catalog.get('user_not_found')).toBeUndefined();
  });

  it('accepts single entries', () => {
    const catalog = new ErrorCatalog([AppErrors.ORDER_LOCKED]);
    expect(catalog.get('ORDER_LOCKED')).toBe(AppErrors.ORDER_LOCKED);
    expect(catalog.get('USER_NOT_FOUND')).toBeUndefined();
  });

  it('throws on a duplicate code, naming both entries', () => {
    const other = defineErrors({ ACCOUNT_CLOSED: { code: 10001, status: 410, messages: { en: 'Closed' } } });
    expect(() => new ErrorCatalog([AppErrors, other])).toThrow(
      'Error catalog: code 10001 is used by both USER_NOT_FOUND and ACCOUNT_CLOSED.',
    );
  });

  it('throws on a code already used by a built-in entry, and keeps 100-599 for HTTP statuses', () => {
    const other = defineErrors({ MISSING_THING: { code: 404, status: 404, messages: { en: 'Missing' } } });
    expect(() => new ErrorCatalog([other])).toThrow(
      'Error catalog: MISSING_THING (code 404): codes 100-599 are the HTTP statuses of the built-in entries.',
    );
    const validation = defineErrors({ MY_VALIDATION: { code: 40001, status: 400, messages: { en: 'x' } } });
    expect(() => new ErrorCatalog([validation])).toThrow(
      'code 40001 is used by both VALIDATION_FAILED and MY_VALIDATION',
    );
  });

  it('throws on a duplicate reason, naming both entries', () => {
    const other = defineErrors({ USER_NOT_FOUND: { code: 10009, status: 404, messages: { en: 'Gone' } } });
    expect(() => new ErrorCatalog([AppErrors, other])).toThrow(
      'Error catalog: reason USER_NOT_FOUND is declared twice (codes 10001 and 10009).',
    );
  });

  it('throws on a reason already used by a built-in entry', () => {
    const other = defineErrors({ NOT_FOUND: { code: 10404, status: 404, messages: { en: 'x' } } });
    expect(() => new ErrorCatalog([other])).toThrow(
      'reason NOT_FOUND is declared twice (codes 404 and 10404)',
    );
  });

  it('throws when the same group is registered twice', () => {
    expect(() => new ErrorCatalog([AppErrors, AppErrors])).toThrow('reason USER_NOT_FOUND is declared twice');
  });

  it.each(['userNotFound', 'USER-NOT-FOUND', '1_ERROR', '_ERROR', 'USER NOT FOUND', ''])(
    'rejects the reason %j',
    (reason) => {
      expect(() => new ErrorCatalog([entry({ reason })])).toThrow(/reason must be UPPER_SNAKE_CASE/);
    },
  );

  it.each([0, -1, 1.5, Number.NaN, 2 ** 53, Infinity])('rejects the code %s', (code) => {
    expect(() => new ErrorCatalog([{ X: entry({ reason: 'X', code }) }])).toThrow(
      /code must be a positive integer/,
    );
  });

  it('rejects a code that is not a number', () => {
    expect(() => new ErrorCatalog([{ X: entry({ reason: 'X', code: '20001' as any }) }])).toThrow(
      /code must be a positive integer/,
    );
  });

  it.each([0, 99, 600, 404.5, Number.NaN])('rejects the status %s', (status) => {
    expect(() => new ErrorCatalog([entry({ status })])).toThrow(/status must be an HTTP status/);
  });

  it.each([{}, undefined, null])('rejects the messages %j', (messages) => {
    expect(() => new ErrorCatalog([entry({ messages: messages as any })])).toThrow(/messages are missing/);
  });

  // Bug: validated() only checks that messages has keys; `{ en: 42 }` is accepted and later crashes
  // formatMessage (template.includes is not a function) when the exception carries params.
  it('rejects messages that are not strings', () => {
    expect(() => new ErrorCatalog([entry({ messages: { en: 42 } as any })])).toThrow(/messages/);
  });

  it('names the entry and lists every problem', () => {
    expect(() => new ErrorCatalog([entry({ reason: 'bad', code: -5, status: 700, messages: {} })])).toThrow(
      'Error catalog: bad (code -5): reason must be UPPER_SNAKE_CASE; code must be a positive integer; ' +
        'status must be an HTTP status; messages are missing.',
    );
  });

  it('accepts boundary values', () => {
    const catalog = new ErrorCatalog([
      entry({ reason: 'A', code: 1, status: 100 }),
      entry({ reason: 'B_2', code: Number.MAX_SAFE_INTEGER, status: 599 }),
    ]);
    expect(catalog.get('A')?.code).toBe(1);
    expect(catalog.get(Number.MAX_SAFE_INTEGER)?.reason).toBe('B_2');
  });

  describe('forStatus', () => {
    const catalog = new ErrorCatalog([AppErrors]);

    it('answers every listed status with its built-in entry', () => {
      const http = Object.values(BuiltInErrors).filter((e) => e.code === e.status);
      expect(http.length).toBeGreaterThan(15);
      for (const builtIn of http) expect(catalog.forStatus(builtIn.status)).toBe(builtIn);
    });

    it('answers 400 with BAD_REQUEST, not the other 400 entries', () => {
      expect(catalog.forStatus(400)).toBe(BuiltInErrors.BAD_REQUEST);
    });

    it('never answers with an app entry', () => {
      const app = new ErrorCatalog([
        defineErrors({ MY_TEAPOT: { code: 41800, status: 418, messages: { en: 'x' } } }),
      ]);
      expect(app.forStatus(418).reason).toBe('I_M_A_TEAPOT');
      expect(app.forStatus(404)).toBe(BuiltInErrors.NOT_FOUND);
      // an app code cannot collide with the code of a made entry
      expect(
        () =>
          new ErrorCatalog([defineErrors({ MY_TEAPOT: { code: 418, status: 418, messages: { en: 'x' } } })]),
      ).toThrow('codes 100-599');
    });

    it('makes an entry for 418 from its status text', () => {
      const teapot = catalog.forStatus(418);
      expect(teapot).toEqual({
        reason: 'I_M_A_TEAPOT',
        code: 418,
        status: 418,
        messages: { 'zh-CN': '请求错误', en: "I'm a Teapot" },
        builtIn: true,
      });
      expect(catalog.forStatus(418)).toBe(teapot);
      expect(Object.isFrozen(teapot)).toBe(true);
    });

    it('makes an entry for 451 from its status text', () => {
      expect(catalog.forStatus(451)).toEqual({
        reason: 'UNAVAILABLE_FOR_LEGAL_REASONS',
        code: 451,
        status: 451,
        messages: { 'zh-CN': '请求错误', en: 'Unavailable For Legal Reasons' },
        builtIn: true,
      });
    });

    it('makes a server-error entry for an unlisted 5xx', () => {
      expect(catalog.forStatus(507)).toMatchObject({
        reason: 'INSUFFICIENT_STORAGE',
        code: 507,
        status: 507,
        messages: { 'zh-CN': '服务器内部错误', en: STATUS_CODES[507] },
      });
    });

    it('makes an entry for a status without a name', () => {
      const unnamed = catalog.forStatus(499);
      expect(unnamed).toMatchObject({ code: 499, status: 499, builtIn: true });
      expect(unnamed.reason).toMatch(/^[A-Z][A-Z0-9_]*$/);
    });

    it('does not add made entries to the lookup by code', () => {
      const fresh = new ErrorCatalog();
      fresh.forStatus(418);
      expect(fresh.get(418)).toBeUndefined();
    });

    it.each([0, 200, 302, 399, 600, 404.5, Number.NaN, -404])(
      'answers the invalid status %s with INTERNAL_ERROR',
      (status) => {
        expect(catalog.forStatus(status)).toBe(BuiltInErrors.INTERNAL_ERROR);
      },
    );
  });
});

describe('BuiltInErrors', () => {
  const entries = Object.entries(BuiltInErrors);

  it('has zh-CN and en messages for every entry', () => {
    for (const [key, builtIn] of entries) {
      expect({ key, zhCN: builtIn.messages['zh-CN'], en: builtIn.messages['en'] }).toEqual({
        key,
        zhCN: expect.stringMatching(/\S/),
        en: expect.stringMatching(/\S/),
      });
    }
  });

  it('names every entry by its key and marks it built-in', () => {
    for (const [key, builtIn] of entries) {
      expect(builtIn.reason).toBe(key);
      expect(builtIn.builtIn).toBe(true);
      expect(Object.isFrozen(builtIn)).toBe(true);
    }
    expect(Object.isFrozen(BuiltInErrors)).toBe(true);
  });

  it('uses the status as code for HTTP entries', () => {
    const own = new Set([
      'VALIDATION_FAILED',
      'MALFORMED_JSON',
      'UPSTREAM_ERROR',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_TIMEOUT',
      'DEADLINE_EXCEEDED',
    ]);
    const http = entries.filter(([key]) => !own.has(key));
    for (const [key, builtIn] of http) {
      expect({ key, code: builtIn.code, statusText: STATUS_CODES[builtIn.status] }).toEqual({
        key,
        code: builtIn.status,
        statusText: expect.any(String),
      });
    }
  });

  it('gives validation and JSON errors their own codes with status 400', () => {
    expect(BuiltInErrors.VALIDATION_FAILED).toMatchObject({ code: 40001, status: 400 });
    expect(BuiltInErrors.MALFORMED_JSON).toMatchObject({ code: 40002, status: 400 });
  });

  it('has unique codes', () => {
    const codes = entries.map(([, e]) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
