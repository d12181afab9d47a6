import { type ArgumentsHost, Logger, type LoggerService } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppErrors } from '../../test/fixtures/app-errors.js';
import { DomainException } from '../core/domain.exception.js';
import { ErrorEnvelopeFilter } from './error-envelope.filter.js';
import type { InboundErrorsOptions } from './errors.options.js';
import { resolveInboundOptions } from './errors.options-resolver.js';

/** Keeps every call as it came, arguments untouched. */
class RawCapture implements LoggerService {
  readonly calls: { level: string; args: unknown[] }[] = [];
  log = (...args: unknown[]) => this.calls.push({ level: 'log', args });
  error = (...args: unknown[]) => this.calls.push({ level: 'error', args });
  warn = (...args: unknown[]) => this.calls.push({ level: 'warn', args });
}

/** An `rpc` host for a message of `pattern` carrying `X-Request-Id: requestId`. */
function rpcHost(pattern: string, requestId: string): ArgumentsHost {
  const context = { getPattern: () => pattern, getHeaders: () => ({ 'x-request-id': requestId }) };
  return {
    getType: () => 'rpc',
    switchToRpc: () => ({ getContext: () => context, getData: () => undefined }),
  } as unknown as ArgumentsHost;
}

function filterWith(options: InboundErrorsOptions): ErrorEnvelopeFilter {
  return new ErrorEnvelopeFilter(
    resolveInboundOptions({ errors: [AppErrors], ...options }),
    new HttpAdapterHost(),
  );
}

describe('the filter’s own and summary lines', () => {
  const installed = (Logger as unknown as { staticInstanceRef?: LoggerService }).staticInstanceRef;
  let logs: RawCapture;
  beforeEach(() => {
    logs = new RawCapture();
    Logger.overrideLogger(logs);
  });
  afterEach(() => {
    Logger.overrideLogger(installed ?? false);
  });

  it('go out as fields to a logger that takes them', () => {
    const filter = filterWith({ logFormat: 'fields', logRateLimit: { lines: 1, intervalMs: 60_000 } });
    for (const id of ['r-1', 'r-2', 'r-3']) filter.catch(new RpcException('no'), rpcHost('user', id));
    filter.catch(
      new DomainException(AppErrors.USER_NOT_FOUND, { params: { id: '7' } }),
      rpcHost('user', 'r-4'),
    );
    filter.catch(
      new DomainException(AppErrors.USER_NOT_FOUND, { params: { id: '8' } }),
      rpcHost('user', 'r-5'),
    );
    filter.onModuleDestroy();

    expect(logs.calls.map((call) => call.args)).toEqual([
      [
        {
          // an RpcException's name is Error's
          msg: 'RPC user Error requestId=r-1',
          method: 'RPC',
          path: 'user',
          exception: 'Error',
          requestId: 'r-1',
        },
        'ErrorEnvelope',
      ],
      [
        {
          msg: 'RPC user 404 USER_NOT_FOUND(10001) requestId=r-4',
          method: 'RPC',
          path: 'user',
          status: 404,
          code: 10001,
          reason: 'USER_NOT_FOUND',
          requestId: 'r-4',
        },
        'ErrorEnvelope',
      ],
      [
        {
          msg: expect.stringMatching(/^RPC Error: 2 more like it left out of the log in \d+\.\ds$/),
          kind: 'RPC Error',
          suppressed: 2,
          windowMs: expect.any(Number),
        },
        'ErrorEnvelope',
      ],
      [
        expect.objectContaining({
          kind: '404 USER_NOT_FOUND(10001)',
          status: 404,
          reason: 'USER_NOT_FOUND',
          code: 10001,
          suppressed: 1,
        }),
        'ErrorEnvelope',
      ],
    ]);
    expect(logs.calls.map((call) => call.level)).toEqual(['warn', 'warn', 'warn', 'warn']);
  });

  it('stay text for a logger that does not take fields', () => {
    const filter = filterWith({ logRateLimit: { lines: 1, intervalMs: 60_000 } });
    filter.catch(new RpcException('no'), rpcHost('user', 'r-1'));
    filter.catch(new RpcException('no'), rpcHost('user', 'r-2'));
    filter.onModuleDestroy();
    expect(logs.calls.map((call) => call.args)).toEqual([
      ['RPC user Error requestId=r-1', 'ErrorEnvelope'],
      [expect.stringMatching(/^RPC Error: 1 more like it left out of the log in \d+\.\ds$/), 'ErrorEnvelope'],
    ]);
  });

  it('write a 5xx at error with its exception as err', () => {
    const filter = filterWith({ logFormat: 'fields' });
    const crash = new TypeError('ledger down', { cause: new Error('socket closed') });
    filter.catch(crash, rpcHost('ledger', 'r-9'));
    expect(logs.calls).toHaveLength(1);
    const [{ level, args }] = logs.calls as [{ level: string; args: unknown[] }];
    expect(level).toBe('error');
    // Nest's Logger passes an empty stack before the context when error() gets no second argument
    expect(args).toEqual([expect.any(Object), undefined, 'ErrorEnvelope']);
    const fields = args[0] as Record<string, unknown> & { err: Record<string, string> };
    expect(fields).toMatchObject({ status: 500, reason: 'INTERNAL_ERROR', code: 500, requestId: 'r-9' });
    expect({ ...fields.err }).toEqual({
      type: 'TypeError',
      message: 'ledger down',
      stack: expect.stringMatching(/^TypeError: ledger down\n\s+at [^]*\nCaused by: Error: socket closed\n/),
    });
  });
});
