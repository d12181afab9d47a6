import { describe, it, expect } from 'vitest';
import { failureLine, loggedError, ownLine, suppressedLine } from './error-log.js';
import { failureFields, ownFields, suppressedFields } from './log-fields.js';

const FACTS = {
  method: 'GET',
  path: '/users/42',
  status: 404,
  code: 10001,
  reason: 'USER_NOT_FOUND',
  requestId: 'abc-123',
  durationMs: 3.14159,
};

describe('failureFields', () => {
  it('carries every fact as a field, and the text line as msg', () => {
    expect(failureFields(FACTS, {})).toEqual({
      msg: 'GET /users/42 404 USER_NOT_FOUND(10001) requestId=abc-123 3.1ms',
      method: 'GET',
      path: '/users/42',
      status: 404,
      code: 10001,
      reason: 'USER_NOT_FOUND',
      requestId: 'abc-123',
      durationMs: 3.1,
    });
  });

  it('rounds the duration to a tenth, as the text does', () => {
    for (const durationMs of [0, 0.04, 0.05, 1234.56, 99.95]) {
      const fields = failureFields({ ...FACTS, durationMs }, {});
      expect(fields.msg.endsWith(` ${fields.durationMs!.toFixed(1)}ms`)).toBe(true);
    }
  });

  it('has no duration field where the duration is unknown', () => {
    const fields = failureFields({ ...FACTS, durationMs: undefined }, {});
    expect(Object.keys(fields)).not.toContain('durationMs');
    expect(fields.msg).toBe(failureLine({ ...FACTS, durationMs: undefined }));
  });

  it('adds details, cause and err only when given', () => {
    const err = loggedError(new Error('boom'), 'Error: boom\n    at x');
    const fields = failureFields(FACTS, { details: '{"id":"42"}', cause: 'Error: row lock', err });
    expect(fields).toMatchObject({ details: '{"id":"42"}', cause: 'Error: row lock', err });
    expect(
      Object.keys(failureFields(FACTS, { details: undefined, cause: undefined, err: undefined })),
    ).toEqual(['msg', 'method', 'path', 'status', 'code', 'reason', 'requestId', 'durationMs']);
  });

  it('keeps the extras out of msg: they are fields of their own', () => {
    expect(failureFields(FACTS, { details: '{}', cause: 'Error: x' }).msg).toBe(failureLine(FACTS));
  });
});

describe('ownFields', () => {
  it('carries the line of an app’s own RPC or WS exception, and its facts', () => {
    expect(ownFields('RPC', 'user', 'RpcException', 'r-1')).toEqual({
      msg: 'RPC user RpcException requestId=r-1',
      method: 'RPC',
      path: 'user',
      exception: 'RpcException',
      requestId: 'r-1',
    });
    expect(ownFields('WS', 'chat', 'WsException', 'w-1').msg).toBe(
      ownLine('WS', 'chat', 'WsException', 'w-1'),
    );
  });
});

describe('suppressedFields', () => {
  it('reads status, reason and code from the kind', () => {
    expect(suppressedFields('404 USER_NOT_FOUND(10001)', 7312, 10_000)).toEqual({
      msg: '404 USER_NOT_FOUND(10001): 7312 more like it left out of the log in 10.0s',
      kind: '404 USER_NOT_FOUND(10001)',
      status: 404,
      reason: 'USER_NOT_FOUND',
      code: 10001,
      suppressed: 7312,
      windowMs: 10_000,
    });
  });

  it('reads them from the kind of a 5xx, which names the error and where it was thrown', () => {
    const kind = '500 INTERNAL_ERROR(500) Error at OrdersService.place (orders.service.ts:12:11)';
    expect(suppressedFields(kind, 3, 2345.6)).toMatchObject({
      kind,
      status: 500,
      reason: 'INTERNAL_ERROR',
      code: 500,
      suppressed: 3,
      windowMs: 2346,
    });
  });

  it('keeps a kind without status as it is', () => {
    const fields = suppressedFields('RPC RpcException', 2, 500);
    expect(fields).toEqual({
      msg: suppressedLine('RPC RpcException', 2, 500),
      kind: 'RPC RpcException',
      suppressed: 2,
      windowMs: 500,
    });
  });
});
