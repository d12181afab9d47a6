import { describe, expect, it } from 'vitest';
import { DomainException } from './domain.exception.js';
import { BuiltInErrors, defineErrors } from './error-catalog.js';

const Errors = defineErrors({
  ORDER_NOT_FOUND: { code: 20001, status: 404, messages: { en: 'Order {id} not found' } },
  LEDGER_DOWN: { code: 20002, status: 503, messages: { en: 'Ledger unavailable' } },
});

function throwSite(make: () => Error): Error {
  return make();
}

describe('DomainException stacks', () => {
  it('holds no frames for a 4xx entry, only its header', () => {
    const error = throwSite(() => new DomainException(Errors.ORDER_NOT_FOUND, { params: { id: 7 } }));
    expect(error.stack).toBe('DomainException: ORDER_NOT_FOUND (20001): Order 7 not found');
  });

  it('keeps the frames of the throw for a 5xx entry', () => {
    const error = throwSite(() => new DomainException(Errors.LEDGER_DOWN));
    expect(error.stack).toMatch(/^DomainException: LEDGER_DOWN \(20002\): Ledger unavailable\n\s+at /);
    expect(error.stack).toContain('throwSite');
  });

  it.each([['ORDER_NOT_FOUND'], [20001]])(
    'keeps them when thrown by key (%s), whose status is looked up later',
    (key) => {
      expect(throwSite(() => new DomainException(key)).stack).toContain('throwSite');
    },
  );

  it('leaves Error.stackTraceLimit as it was, for every other error', () => {
    const before = Error.stackTraceLimit;
    const made = new DomainException(BuiltInErrors.NOT_FOUND);
    expect(made.stack).toBe('DomainException: NOT_FOUND (404): Not found');
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('x').stack).toContain('\n    at ');
  });

  it('leaves an app that turned stacks off as it was', () => {
    const before = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      const made = new DomainException(Errors.ORDER_NOT_FOUND, { params: { id: 1 } });
      expect(made.stack).toBe('DomainException: ORDER_NOT_FOUND (20001): Order 1 not found');
      expect(Error.stackTraceLimit).toBe(0);
    } finally {
      Error.stackTraceLimit = before;
    }
  });
});
