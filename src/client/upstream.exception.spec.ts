import { describe, it, expect } from 'vitest';
import { AxiosError } from 'axios';
import { UpstreamException, isUpstreamException, type UpstreamFailure } from './upstream.exception.js';
import { DomainException, isDomainException } from '../core/domain.exception.js';
import { BuiltInErrors } from '../core/error-catalog.js';
import { mapException } from '../errors/envelope.mapper.js';
import { renderError } from '../errors/envelope.renderer.js';
import { resolveErrorsOptions } from '../module/errors-module.options.js';

const UPSTREAM_URL = 'https://payments.internal.example/v1/charges?customer=cus_8842&token=***';
const REASON = 'status 503; waiting 9000ms would pass the deadline';
const CAUSE_MESSAGE = 'connect ECONNREFUSED 10.12.0.7:8443 (payments-db-replica)';

function failure(extra: Partial<UpstreamFailure> = {}): UpstreamFailure {
  return {
    kind: 'status',
    client: 'payments',
    method: 'POST',
    url: UPSTREAM_URL,
    upstreamStatus: 503,
    attempts: 3,
    elapsedMs: 1234.6,
    reason: REASON,
    cause: new Error(CAUSE_MESSAGE),
    ...extra,
  };
}

describe('UpstreamException', () => {
  it.each([
    ['status', BuiltInErrors.UPSTREAM_ERROR, 502, 50201],
    ['network', BuiltInErrors.UPSTREAM_ERROR, 502, 50201],
    ['timeout', BuiltInErrors.UPSTREAM_TIMEOUT, 504, 50401],
    ['deadline', BuiltInErrors.UPSTREAM_TIMEOUT, 504, 50401],
    ['unavailable', BuiltInErrors.UPSTREAM_UNAVAILABLE, 503, 50301],
  ] as const)('maps kind %s to its entry', (kind, entry, status, code) => {
    const exception = new UpstreamException(failure({ kind }));
    expect(exception.entry).toBe(entry);
    expect(exception.entry?.status).toBe(status);
    expect(exception.entry?.code).toBe(code);
    expect(exception.key).toBe(entry.reason);
    expect(exception.kind).toBe(kind);
  });

  it('tells method, URL, status, attempts, time and reason in its message', () => {
    const exception = new UpstreamException(failure());
    expect(exception.message).toBe(
      `POST ${UPSTREAM_URL} failed with status 503 after 3 attempt(s) in 1235ms: ${REASON}`,
    );
  });

  it('leaves the status out of the message when the upstream did not answer', () => {
    const exception = new UpstreamException(
      failure({
        kind: 'network',
        method: 'GET',
        upstreamStatus: undefined,
        attempts: 1,
        reason: 'ECONNRESET',
      }),
    );
    expect(exception.message).toBe(`GET ${UPSTREAM_URL} failed after 1 attempt(s) in 1235ms: ECONNRESET`);
  });

  it('tells 0 attempts when the client refused to call', () => {
    const exception = new UpstreamException(
      failure({ kind: 'unavailable', upstreamStatus: undefined, attempts: 0, elapsedMs: 0, reason: 'open' }),
    );
    expect(exception.message).toBe(`POST ${UPSTREAM_URL} failed after 0 attempt(s) in 0ms: open`);
  });

  it('keeps the facts of the failure', () => {
    const cause = new Error(CAUSE_MESSAGE);
    const exception = new UpstreamException(failure({ cause }));
    expect(exception).toMatchObject({
      kind: 'status',
      client: 'payments',
      method: 'POST',
      url: UPSTREAM_URL,
      upstreamStatus: 503,
      attempts: 3,
      elapsedMs: 1234.6,
      reason: REASON,
    });
    expect(exception.cause).toBe(cause);
  });

  it('is a DomainException and an Error named UpstreamException', () => {
    const exception = new UpstreamException(failure());
    expect(exception).toBeInstanceOf(DomainException);
    expect(exception).toBeInstanceOf(Error);
    expect(isDomainException(exception)).toBe(true);
    expect(exception.name).toBe('UpstreamException');
    expect(exception.params).toBeUndefined();
    expect(exception.details).toBeUndefined();
  });
});

describe('isUpstreamException', () => {
  it('recognises an UpstreamException', () => {
    expect(isUpstreamException(new UpstreamException(failure()))).toBe(true);
  });

  it.each([
    ['a DomainException of the same entry', new DomainException(BuiltInErrors.UPSTREAM_ERROR)],
    ['an Error', new Error('x')],
    ['an AxiosError', new AxiosError('x', 'ECONNRESET')],
    ['a look-alike object', { ...failure(), name: 'UpstreamException', entry: BuiltInErrors.UPSTREAM_ERROR }],
    ['null', null],
    ['undefined', undefined],
  ])('rejects %s', (_, value) => {
    expect(isUpstreamException(value)).toBe(false);
  });
});

describe('UpstreamException as an answer', () => {
  const context = { locale: 'en', requestId: 'req-1', path: '/checkout' };

  describe.each(['envelope', 'problem'] as const)('in the %s format', (format) => {
    const options = resolveErrorsOptions({ format });

    it.each([
      ['status', 502, 'UPSTREAM_ERROR', 50201],
      ['network', 502, 'UPSTREAM_ERROR', 50201],
      ['timeout', 504, 'UPSTREAM_TIMEOUT', 50401],
      ['deadline', 504, 'UPSTREAM_TIMEOUT', 50401],
      ['unavailable', 503, 'UPSTREAM_UNAVAILABLE', 50301],
    ] as const)('answers kind %s with %i %s', (kind, status, reason, code) => {
      const exception = new UpstreamException(failure({ kind }));
      const rendered = renderError(mapException(exception, options.catalog), context, options);
      expect(rendered.status).toBe(status);
      expect(rendered.body).toMatchObject({ reason, code });
      expect(rendered.body.details).toBeUndefined();
    });

    it.each(['status', 'network', 'timeout', 'deadline', 'unavailable'] as const)(
      'never sends the UPSTREAM_URL, the reason or the cause of kind %s',
      (kind) => {
        const cause = new AxiosError(CAUSE_MESSAGE, 'ECONNREFUSED');
        const exception = new UpstreamException(failure({ kind, cause }));
        const rendered = renderError(mapException(exception, options.catalog), context, options);
        const sent = JSON.stringify(rendered.body);
        expect(sent).not.toContain('payments.internal.example');
        expect(sent).not.toContain('/v1/charges');
        expect(sent).not.toContain('cus_8842');
        expect(sent).not.toContain('would pass the deadline');
        expect(sent).not.toContain('ECONNREFUSED');
        expect(sent).not.toContain('10.12.0.7');
        expect(sent).not.toContain('payments');
        expect(sent).not.toContain(exception.message);
      },
    );
  });

  it('answers with the catalog text in the caller locale', () => {
    const options = resolveErrorsOptions();
    const exception = new UpstreamException(failure({ kind: 'timeout' }));
    const rendered = renderError(mapException(exception, options.catalog), context, options);
    expect(rendered.body).toMatchObject({
      message: 'A service this request depends on did not answer in time',
    });
  });
});
