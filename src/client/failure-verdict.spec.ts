import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { BrokenCircuitError, BulkheadRejectedError } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { classifyFailure, finalKind, isUpstreamFault } from './failure-verdict.js';

const config = (extra: Partial<InternalAxiosRequestConfig> = {}) =>
  ({ headers: new AxiosHeaders(), ...extra }) as InternalAxiosRequestConfig;

function answered(status: number, extra: Partial<InternalAxiosRequestConfig> = {}): AxiosError {
  const request = config(extra);
  const response = { status, statusText: '', headers: {}, config: request, data: '' } as AxiosResponse;
  return new AxiosError(`status ${status}`, AxiosError.ERR_BAD_RESPONSE, request, undefined, response);
}

const failed = (code: string, message = code) => new AxiosError(message, code, config());

describe('classifyFailure', () => {
  it.each([
    [500, 'upstream'],
    [503, 'upstream'],
    [408, 'upstream'],
    [429, 'upstream'],
    [404, 'answer'],
    [409, 'answer'],
  ] as const)('status %i blames the %s, as a status failure', (status, blame) => {
    expect(classifyFailure(answered(status))).toMatchObject({
      blame,
      kind: 'status',
      status,
      reason: `status ${status}`,
    });
  });

  it('blames the upstream for network failures and timeouts', () => {
    expect(classifyFailure(failed('ECONNRESET'))).toMatchObject({
      blame: 'upstream',
      kind: 'network',
      reason: 'ECONNRESET',
    });
    expect(classifyFailure(failed('ECONNABORTED'))).toMatchObject({
      blame: 'upstream',
      kind: 'timeout',
      timedOut: true,
      reason: 'timeout',
    });
  });

  it('leaves out a status validateStatus took: the body failed, not the status', () => {
    const error = answered(200, { validateStatus: (status) => status < 300 });
    error.message = 'stream has been aborted';
    expect(classifyFailure(error)).toMatchObject({
      blame: 'upstream',
      kind: 'network',
      status: undefined,
      cutOff: true,
      reason: 'body cut off',
    });
  });

  it('tells a cancelled attempt, a mistake in the call and a refusal of the client apart', () => {
    expect(classifyFailure(failed('ERR_CANCELED'))).toMatchObject({ blame: 'canceled', reason: 'canceled' });
    expect(classifyFailure(failed('ERR_INVALID_URL'))).toMatchObject({ blame: 'caller', kind: undefined });
    expect(classifyFailure(new TypeError('not HTTP'))).toMatchObject({ blame: 'caller', kind: undefined });
    expect(classifyFailure(new BrokenCircuitError())).toMatchObject({
      blame: 'breaker',
      kind: 'unavailable',
      reason: 'circuit open',
    });
    expect(classifyFailure(new BulkheadRejectedError(1, 0))).toMatchObject({
      blame: 'bulkhead',
      kind: 'unavailable',
      reason: 'concurrency limit reached',
    });
  });

  it('is what isUpstreamFault answers', () => {
    expect(isUpstreamFault(answered(502))).toBe(true);
    expect(isUpstreamFault(failed('EPIPE'))).toBe(true);
    expect(isUpstreamFault(answered(400))).toBe(false);
    expect(isUpstreamFault(failed('ERR_CANCELED'))).toBe(false);
    expect(isUpstreamFault(new Error('plain'))).toBe(false);
  });
});

describe('finalKind', () => {
  it('is the deadline past it, unavailable when the client refused a retry, else the failure’s', () => {
    expect(finalKind('status', true, undefined)).toBe('deadline');
    expect(finalKind('network', false, 'deadline')).toBe('deadline');
    expect(finalKind('status', false, 'budget-exhausted')).toBe('unavailable');
    expect(finalKind('timeout', false, 'breaker-open')).toBe('unavailable');
    expect(finalKind('unavailable', true, undefined)).toBe('unavailable');
    expect(finalKind('status', false, 'exhausted')).toBe('status');
  });
});
