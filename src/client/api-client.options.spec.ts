import { describe, it, expect } from 'vitest';
import {
  DEFAULT_API_CLIENT_OPTIONS,
  DEFAULT_CLIENT,
  resolveApiClientOptions,
  resolveRetryPolicy,
} from './api-client.options.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.policy.js';

const onRetry = (): void => undefined;

describe('DEFAULT_API_CLIENT_OPTIONS', () => {
  it('holds the documented defaults', () => {
    expect(DEFAULT_API_CLIENT_OPTIONS).toEqual({
      attemptTimeoutMs: 3000,
      deadlineMs: 10_000,
      retry: DEFAULT_RETRY_POLICY,
      idempotencyKeys: false,
      requestIdHeader: 'X-Request-Id',
      transport: 'undici',
    });
    expect(DEFAULT_API_CLIENT_OPTIONS.retry).toMatchObject({
      retries: 3,
      baseDelayMs: 200,
      maxDelayMs: 5000,
      maxRetryAfterMs: 30_000,
    });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(DEFAULT_API_CLIENT_OPTIONS)).toBe(true);
  });

  it('names the default client default', () => {
    expect(DEFAULT_CLIENT).toBe('default');
  });
});

describe('resolveRetryPolicy', () => {
  const base: RetryPolicy = { ...DEFAULT_RETRY_POLICY, retries: 5, baseDelayMs: 50 };

  it('returns the base when there is no override', () => {
    expect(resolveRetryPolicy(base, undefined)).toBe(base);
  });

  it('applies an override over the base', () => {
    const resolved = resolveRetryPolicy(base, { retries: 1, retryOnDnsNotFound: true });
    expect(resolved).toEqual({ ...base, retries: 1, retryOnDnsNotFound: true });
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('does not change the base', () => {
    resolveRetryPolicy(base, { retries: 1 });
    expect(base.retries).toBe(5);
    expect(DEFAULT_RETRY_POLICY.retries).toBe(3);
  });

  it('keeps the base for undefined members of an override', () => {
    const resolved = resolveRetryPolicy(base, { retries: undefined, maxDelayMs: 900 });
    expect(resolved).toEqual({ ...base, maxDelayMs: 900 });
  });

  it('never retries with false', () => {
    expect(resolveRetryPolicy(base, false).retries).toBe(0);
    expect(resolveRetryPolicy(DEFAULT_RETRY_POLICY, false)).toEqual({ ...DEFAULT_RETRY_POLICY, retries: 0 });
  });

  it('keeps an explicit 0 retries', () => {
    expect(resolveRetryPolicy(base, { retries: 0 }).retries).toBe(0);
  });
});

describe('resolveApiClientOptions', () => {
  it('applies every default', () => {
    // toMatchObject: the options grow (budget, breaker, ...); these are the ones specified here
    expect(resolveApiClientOptions('default')).toMatchObject({
      name: 'default',
      baseURL: undefined,
      headers: {},
      attemptTimeoutMs: 3000,
      deadlineMs: 10_000,
      retry: DEFAULT_RETRY_POLICY,
      idempotencyKeys: false,
      requestIdHeader: 'X-Request-Id',
      onRetry: undefined,
      axios: {},
    });
  });

  it('resolves the default retry policy', () => {
    expect(resolveApiClientOptions('x').retry).toMatchObject({
      retries: 3,
      baseDelayMs: 200,
      maxDelayMs: 5000,
      maxRetryAfterMs: 30_000,
    });
  });

  it('keeps the given options', () => {
    const resolved = resolveApiClientOptions('payments', {
      baseURL: 'https://pay.example.com',
      headers: { 'X-Api-Version': '2' },
      attemptTimeoutMs: 500,
      deadlineMs: 2000,
      retry: { retries: 1, retryNonIdempotent: true },
      idempotencyKeys: true,
      requestIdHeader: 'X-Correlation-Id',
      onRetry,
      axios: { maxRedirects: 0 },
    });
    expect(resolved).toMatchObject({
      name: 'payments',
      baseURL: 'https://pay.example.com',
      headers: { 'X-Api-Version': '2' },
      attemptTimeoutMs: 500,
      deadlineMs: 2000,
      retry: { ...DEFAULT_RETRY_POLICY, retries: 1, retryNonIdempotent: true },
      idempotencyKeys: true,
      requestIdHeader: 'X-Correlation-Id',
      onRetry,
      axios: { maxRedirects: 0 },
    });
  });

  it('copies headers and axios defaults', () => {
    const headers = { A: '1' };
    const axios = { maxRedirects: 2 };
    const resolved = resolveApiClientOptions('x', { headers, axios });
    expect(resolved.headers).not.toBe(headers);
    expect(resolved.axios).not.toBe(axios);
    expect(resolved.headers).toEqual(headers);
    expect(resolved.axios).toEqual(axios);
  });

  it('turns retrying off with retry: false', () => {
    const resolved = resolveApiClientOptions('x', { retry: false });
    expect(resolved.retry.retries).toBe(0);
    expect(resolved.retry).toEqual({ ...DEFAULT_RETRY_POLICY, retries: 0 });
  });

  it('keeps requestIdHeader: false', () => {
    expect(resolveApiClientOptions('x', { requestIdHeader: false }).requestIdHeader).toBe(false);
  });

  it('does not let undefined values erase the defaults', () => {
    const resolved = resolveApiClientOptions('x', {
      attemptTimeoutMs: undefined,
      deadlineMs: undefined,
      retry: { retries: undefined, baseDelayMs: undefined, maxDelayMs: 800 },
      idempotencyKeys: undefined,
      requestIdHeader: undefined,
    });
    expect(resolved.attemptTimeoutMs).toBe(3000);
    expect(resolved.deadlineMs).toBe(10_000);
    expect(resolved.retry).toEqual({ ...DEFAULT_RETRY_POLICY, maxDelayMs: 800 });
    expect(resolved.idempotencyKeys).toBe(false);
    expect(resolved.requestIdHeader).toBe('X-Request-Id');
  });

  it('rejects a fractional timeout: axios would read 0.5 as 0, no timeout at all', () => {
    expect(() => resolveApiClientOptions('x', { attemptTimeoutMs: 0.5 })).toThrow(
      "ApiClient 'x': option 'attemptTimeoutMs' must be an integer from 1 to 2147483647 (milliseconds), got 0.5",
    );
  });

  describe.each(['attemptTimeoutMs', 'deadlineMs'] as const)('%s', (option) => {
    it.each([0, -1, -0.5, 2 ** 31, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
      'rejects %s, naming the client and the option',
      (value) => {
        expect(() => resolveApiClientOptions('payments', { [option]: value })).toThrow(
          `ApiClient 'payments': option '${option}' must be an integer from 1 to 2147483647 (milliseconds), got ${value}`,
        );
      },
    );
  });
});

describe('overload options', () => {
  it('turn the budget and the breaker on, the bulkhead off, by default', () => {
    const resolved = resolveApiClientOptions('svc');
    expect(resolved.budget).toEqual({ ratio: 0.2, maxTokens: 20, minPerSecond: 1 });
    expect(resolved.breaker).toEqual({
      threshold: 0.5,
      samplingDurationMs: 10_000,
      minimumThroughput: 20,
      breakDurationMs: 5000,
    });
    expect(resolved.bulkhead).toBe(false);
  });

  it('merge partial settings over the defaults and can be switched off', () => {
    const resolved = resolveApiClientOptions('svc', {
      budget: { ratio: 0.5, maxTokens: undefined },
      breaker: { breakDurationMs: 100 },
      bulkhead: { maxConcurrent: 3 },
    });
    expect(resolved.budget).toEqual({ ratio: 0.5, maxTokens: 20, minPerSecond: 1 });
    expect(resolved.breaker).toMatchObject({ threshold: 0.5, breakDurationMs: 100 });
    expect(resolved.bulkhead).toEqual({ maxConcurrent: 3 });
    expect(resolveApiClientOptions('svc', { budget: false, breaker: false })).toMatchObject({
      budget: false,
      breaker: false,
    });
  });
});

describe('transport', () => {
  it('is undici with its pool defaults unless the node adapter is asked for', () => {
    expect(resolveApiClientOptions('svc').transport).toEqual({
      type: 'undici',
      connections: 64,
      keepAliveTimeoutMs: 4000,
    });
    expect(
      resolveApiClientOptions('svc', { transport: { type: 'undici', connections: 8 } }).transport,
    ).toEqual({
      type: 'undici',
      connections: 8,
      keepAliveTimeoutMs: 4000,
    });
    expect(resolveApiClientOptions('svc', { transport: 'node' }).transport).toEqual({ type: 'node' });
  });
});
