import { describe, it, expect } from 'vitest';
import { DomainException } from '../core/domain.exception.js';
import { BuiltInErrors } from '../core/error-catalog.js';
import { pino } from 'pino';
import {
  causeSummary,
  describeThrown,
  failureLine,
  loggedError,
  ownLine,
  stackWithCauses,
  suppressedLine,
} from './error-log.js';

const FACTS = {
  method: 'GET',
  path: '/users/42',
  status: 404,
  code: 10001,
  reason: 'USER_NOT_FOUND',
  requestId: 'abc-123',
  durationMs: 3.14159,
};

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('failureLine', () => {
  it('writes one line with method, path, status, reason, code, request id and duration', () => {
    expect(failureLine(FACTS)).toBe('GET /users/42 404 USER_NOT_FOUND(10001) requestId=abc-123 3.1ms');
  });

  it('writes the duration with one decimal', () => {
    expect(failureLine({ ...FACTS, durationMs: 0 })).toMatch(/ 0\.0ms$/);
    expect(failureLine({ ...FACTS, durationMs: 1234.56 })).toMatch(/ 1234\.6ms$/);
  });
});

describe('stackWithCauses', () => {
  it('is the stack of an error without a cause', () => {
    const error = new Error('top');
    expect(stackWithCauses(error)).toBe(error.stack);
  });

  it('follows the cause chain in order', () => {
    const root = new TypeError('root cause');
    const middle = new Error('middle', { cause: root });
    const top = new Error('top', { cause: middle });
    const text = stackWithCauses(top);
    expect(text).toBe([top.stack, `Caused by: ${middle.stack}`, `Caused by: ${root.stack}`].join('\n'));
  });

  it('describes a non-Error cause and stops there', () => {
    const text = stackWithCauses(new Error('top', { cause: { code: 'ECONNRESET' } }));
    expect(text.endsWith('\nCaused by: Non-error thrown (object): {"code":"ECONNRESET"}')).toBe(true);
    expect(stackWithCauses(new Error('x', { cause: null }))).toMatch(
      /\nCaused by: Non-error thrown \(null\): null$/,
    );
  });

  it('describes a non-Error value', () => {
    expect(stackWithCauses('boom')).toBe('Non-error thrown (string): boom');
  });

  it('stops at a cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const text = stackWithCauses(a);
    expect(count(text, 'Caused by: ')).toBe(1);
    expect(text).toContain('Error: b');

    const self = new Error('self');
    (self as { cause?: unknown }).cause = self;
    expect(stackWithCauses(self)).toBe(self.stack);
  });

  it('follows at most five causes', () => {
    let error = new Error('level-19');
    for (let level = 18; level >= 0; level--) error = new Error(`level-${level}`, { cause: error });
    const text = stackWithCauses(error);
    expect(count(text, 'Caused by: ')).toBe(5);
    expect(text).toContain('Error: level-5');
    expect(text).not.toContain('level-6');
  });
});

describe('describeThrown', () => {
  it('is the stack of an Error', () => {
    const error = new RangeError('out of range');
    expect(describeThrown(error)).toBe(error.stack);
  });

  it('is name and message of an Error without a stack', () => {
    const error = new RangeError('out of range');
    Object.defineProperty(error, 'stack', { value: undefined });
    expect(describeThrown(error)).toBe('RangeError: out of range');
  });

  it.each([
    ['boom', 'Non-error thrown (string): boom'],
    [42, 'Non-error thrown (number): 42'],
    [10n, 'Non-error thrown (bigint): 10'],
    [true, 'Non-error thrown (boolean): true'],
    [null, 'Non-error thrown (null): null'],
    [undefined, 'Non-error thrown (undefined): undefined'],
    [Symbol('s'), 'Non-error thrown (symbol): Symbol(s)'],
    [{ code: 'E1', n: 1 }, 'Non-error thrown (object): {"code":"E1","n":1}'],
    [[1, 'a'], 'Non-error thrown (object): [1,"a"]'],
  ])('describes %s', (value, text) => {
    expect(describeThrown(value)).toBe(text);
  });

  it('describes circular objects without throwing', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular['self'] = circular;
    expect(describeThrown(circular)).toBe('Non-error thrown (object): [object Object]');
    const list: unknown[] = [];
    list.push(list);
    expect(describeThrown(list)).toBe('Non-error thrown (object): [object Array]');
  });

  it('describes objects JSON cannot write without throwing', () => {
    expect(describeThrown({ big: 1n })).toBe('Non-error thrown (object): [object Object]');
    const hostile = {
      get boom(): never {
        throw new Error('getter');
      },
    };
    expect(describeThrown(hostile)).toBe('Non-error thrown (object): [object Object]');
  });

  // Bug: JSON.stringify returns undefined here, and `text.length` throws a TypeError.
  it('describes an object whose toJSON returns undefined without throwing', () => {
    expect(describeThrown({ toJSON: () => undefined })).toBe('Non-error thrown (object): [object Object]');
  });

  it('bounds the length of the description', () => {
    const prefix = 'Non-error thrown (string): ';
    expect(describeThrown('x'.repeat(10_000))).toBe(prefix + 'x'.repeat(500) + '…');
    expect(describeThrown('x'.repeat(500))).toBe(prefix + 'x'.repeat(500));
    const big = describeThrown({ data: 'y'.repeat(100_000) });
    expect(big.length).toBe('Non-error thrown (object): '.length + 501);
  });
});

function unreadable<T extends object>(target: T, ...keys: string[]): T {
  for (const key of keys) {
    Object.defineProperty(target, key, {
      get() {
        throw new Error(`no ${key} for you`);
      },
    });
  }
  return target;
}

describe('errors whose properties throw when read', () => {
  it('describe an error by its name and message when its stack getter throws, and say so', () => {
    expect(describeThrown(unreadable(new TypeError('the real problem'), 'stack'))).toBe(
      'TypeError: the real problem (reading it threw Error: no stack for you)',
    );
  });

  it('describe an error none of whose texts can be read by its class', () => {
    class LedgerError extends Error {}
    expect(describeThrown(unreadable(new LedgerError('x'), 'stack', 'name', 'message'))).toBe(
      'LedgerError:  (reading it threw Error: no stack for you)',
    );
  });

  it('keep the exception when its cause getter throws', () => {
    const text = stackWithCauses(unreadable(new Error('the real problem'), 'cause'));
    expect(text).toMatch(/^Error: the real problem\n\s+at /);
  });
});

describe('causeSummary', () => {
  it('links the cause chain of a DomainException as name and message, without stacks', () => {
    const cause = new RangeError('line one\nline two', { cause: 'a string cause' });
    const summary = causeSummary(new DomainException(BuiltInErrors.CONFLICT, { cause }));
    expect(summary).toBe('RangeError: line one line two <- Non-error thrown (string): a string cause');
  });

  it('is undefined without a cause, and for errors that are not the app’s own', () => {
    expect(causeSummary(new DomainException(BuiltInErrors.CONFLICT))).toBeUndefined();
    expect(causeSummary(new Error('parser', { cause: new SyntaxError('{"password": x}') }))).toBeUndefined();
    expect(causeSummary('thrown string')).toBeUndefined();
  });

  it('stops at a cycle and after five links', () => {
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    first.cause = second;
    expect(causeSummary(new DomainException(BuiltInErrors.CONFLICT, { cause: first }))).toBe(
      'Error: first <- Error: second',
    );
    let deep: Error = new Error('6');
    for (let n = 5; n >= 1; n--) deep = new Error(String(n), { cause: deep });
    expect(
      causeSummary(new DomainException(BuiltInErrors.CONFLICT, { cause: deep }))?.split(' <- '),
    ).toHaveLength(5);
  });

  it('says so when the cause cannot be read', () => {
    const exception = unreadable(new DomainException(BuiltInErrors.CONFLICT, { cause: 1 }), 'cause');
    expect(causeSummary(exception)).toBe('(the cause could not be read: Error: no cause for you)');
  });
});

describe('ownLine and suppressedLine', () => {
  it('write the line of an app’s own RPC or WS exception', () => {
    expect(ownLine('RPC', 'user', 'RpcException', 'r-1')).toBe('RPC user RpcException requestId=r-1');
  });

  it('write the summary of what the log protection left out, in seconds to a tenth', () => {
    expect(suppressedLine('404 USER_NOT_FOUND(10001)', 7312, 10_000)).toBe(
      '404 USER_NOT_FOUND(10001): 7312 more like it left out of the log in 10.0s',
    );
    expect(suppressedLine('RPC RpcException', 1, 1234)).toBe(
      'RPC RpcException: 1 more like it left out of the log in 1.2s',
    );
  });
});

describe('loggedError', () => {
  it('is the name, message and given stack of an Error, and nothing else of it', () => {
    class LedgerError extends Error {
      override name = 'LedgerError';
      readonly config = { headers: { Authorization: 'Bearer secret' } };
    }
    const logged = loggedError(new LedgerError('ledger down'), 'the stack');
    expect({ ...logged }).toEqual({ type: 'LedgerError', message: 'ledger down', stack: 'the stack' });
    expect(JSON.stringify(logged)).not.toContain('secret');
  });

  it('describes a value that is not an Error by its type', () => {
    expect({ ...loggedError('boom', 's') }).toEqual({
      type: 'string',
      message: 'Non-error thrown (string): boom',
      stack: 's',
    });
    expect(loggedError(null, 's').type).toBe('null');
    expect(loggedError({ code: 1 }, 's').message).toBe('Non-error thrown (object): {"code":1}');
  });

  it('reads an error whose getters throw without throwing', () => {
    const error = unreadable(new TypeError('x'), 'name', 'message');
    expect({ ...loggedError(error, 's') }).toEqual({ type: 'TypeError', message: '', stack: 's' });
  });

  it('comes out of pino’s error serializer as it went in', () => {
    const error = new RangeError('out of range', { cause: new Error('root') });
    const logged = loggedError(error, stackWithCauses(error));
    const serialized = pino.stdSerializers.err(logged as unknown as Error);
    expect(JSON.parse(JSON.stringify(serialized))).toEqual({
      type: 'RangeError',
      message: 'out of range',
      stack: stackWithCauses(error),
    });
  });
});
