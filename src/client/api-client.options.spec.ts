import { describe, it, expect } from 'vitest';
import {
  DEFAULT_API_CLIENT_OPTIONS,
  DEFAULT_CLIENT,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
} from './api-client.options.js';
import { resolveApiClientOptions, resolveRetryPolicy } from './api-client.options-resolver.js';

const onRetry = (): void => undefined;

describe('DEFAULT_API_CLIENT_OPTIONS', () => {
  it('holds the documented defaults', () => {
    expect(DEFAULT_API_CLIENT_OPTIONS).toEqual({
      attemptTimeoutMs: 3000,
      deadlineMs: 10_000,
      retry: DEFAULT_RETRY_POLICY,
      idempotencyKeys: false,
      requestIdHeader: 'X-Request-Id',
      deadlineHeader: 'grpc-timeout',
      budget: { ratio: 0.2, maxTokens: 20, minPerSecond: 1 },
      breaker: { threshold: 0.5, samplingDurationMs: 10_000, minimumThroughput: 20, breakDurationMs: 5000 },
      bulkhead: false,
      transport: { type: 'undici', connections: 64, keepAliveTimeoutMs: 4000 },
      telemetry: true,
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

  it('forwards deadlines in grpc-timeout unless told another header or false', () => {
    expect(resolveApiClientOptions('x').deadlineHeader).toBe('grpc-timeout');
    expect(resolveApiClientOptions('x', { deadlineHeader: 'X-Deadline-Ms' }).deadlineHeader).toBe(
      'X-Deadline-Ms',
    );
    expect(resolveApiClientOptions('x', { deadlineHeader: false }).deadlineHeader).toBe(false);
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

describe('telemetry', () => {
  it('is on unless turned off', () => {
    expect(resolveApiClientOptions('svc').telemetry).toBe(true);
    expect(resolveApiClientOptions('svc', { telemetry: false }).telemetry).toBe(false);
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

describe('bad client options', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'a relative base URL',
      { baseURL: 'api.example.com' },
      "option 'baseURL' must be an absolute http or https URL, got 'api.example.com'",
    ],
    [
      'a base URL of another scheme',
      { baseURL: 'ftp://files.example.com' },
      "option 'baseURL' must be an absolute http or https URL",
    ],
    [
      'a base URL with credentials, not shown',
      { baseURL: 'https://user:hunter2@ example.com' },
      "option 'baseURL' must be an absolute http or https URL, got 'https://***@ example.com'",
    ],
    [
      'a header name with a space',
      { headers: { 'Api Key': 'k' } },
      `option 'headers["Api Key"]' must be a header name`,
    ],
    [
      'a header value with a line break',
      { headers: { 'X-Api-Key': 'k\r\nX-Evil: 1' } },
      "option 'headers.X-Api-Key' must be a string without line breaks or other control characters, got a string",
    ],
    [
      'a header value that is a number',
      { headers: { 'X-Api-Version': 2 } },
      "option 'headers.X-Api-Version' must be a string without line breaks or other control characters, got a number",
    ],
    [
      'a request id header with a colon',
      { requestIdHeader: 'X-Request-Id:' },
      "option 'requestIdHeader' must be a header name (an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~, e.g. 'X-Request-Id') or false, got 'X-Request-Id:'",
    ],
    [
      'a deadline header with a space',
      { deadlineHeader: 'grpc timeout' },
      "option 'deadlineHeader' must be a header name (an RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~, e.g. 'X-Request-Id') or false, got 'grpc timeout'",
    ],
    [
      'true as a request id header',
      { requestIdHeader: true },
      "option 'requestIdHeader' must be a header name",
    ],
    [
      'a fractional deadline',
      { deadlineMs: 1500.5 },
      "option 'deadlineMs' must be an integer from 1 to 2147483647 (milliseconds), got 1500.5",
    ],
    [
      'a timeout past what a timer can wait',
      { attemptTimeoutMs: 3_000_000_000 },
      "option 'attemptTimeoutMs' must be an integer from 1 to 2147483647 (milliseconds), got 3000000000",
    ],
    ['retry: true', { retry: true }, "option 'retry' must be an object or false, got true"],
    [
      'negative retries',
      { retry: { retries: -1 } },
      "option 'retry.retries' must be an integer >= 0, got -1",
    ],
    [
      'fractional retries',
      { retry: { retries: 1.5 } },
      "option 'retry.retries' must be an integer >= 0, got 1.5",
    ],
    [
      'a negative base delay',
      { retry: { baseDelayMs: -5 } },
      "option 'retry.baseDelayMs' must be an integer from 0 to 2147483647 (milliseconds), got -5",
    ],
    [
      'an infinite delay cap',
      { retry: { maxDelayMs: Infinity } },
      "option 'retry.maxDelayMs' must be an integer from 0 to 2147483647 (milliseconds), got Infinity",
    ],
    [
      'a NaN Retry-After cap',
      { retry: { maxRetryAfterMs: NaN } },
      "option 'retry.maxRetryAfterMs' must be an integer from 0 to 2147483647 (milliseconds), got NaN",
    ],
    [
      'a status that is no status',
      { retry: { retryOnStatus: [503, 1000] } },
      "option 'retry.retryOnStatus[1]' must be an HTTP status (100 to 599), got 1000",
    ],
    [
      'one status, not a list',
      { retry: { retryOnStatus: 503 } },
      "option 'retry.retryOnStatus' must be an array, got 503",
    ],
    [
      'a retry flag as a string',
      { retry: { retryNonIdempotent: 'yes' } },
      "option 'retry.retryNonIdempotent' must be true or false, got 'yes'",
    ],
    [
      'idempotencyKeys as a string',
      { idempotencyKeys: 'true' },
      "option 'idempotencyKeys' must be true or false, got 'true'",
    ],
    ['onRetry that is no function', { onRetry: 'log' }, "option 'onRetry' must be a function, got 'log'"],
    ['onEvent that is no function', { onEvent: {} }, "option 'onEvent' must be a function, got an object"],
    [
      'a negative budget ratio',
      { budget: { ratio: -0.1 } },
      "option 'budget.ratio' must be a number >= 0, got -0.1",
    ],
    [
      'an empty budget',
      { budget: { maxTokens: 0 } },
      "option 'budget.maxTokens' must be an integer >= 1, got 0",
    ],
    [
      'a NaN refill',
      { budget: { minPerSecond: NaN } },
      "option 'budget.minPerSecond' must be a number >= 0, got NaN",
    ],
    [
      'a breaker threshold of 1',
      { breaker: { threshold: 1 } },
      "option 'breaker.threshold' must be a number > 0 and < 1, got 1",
    ],
    [
      'a breaker threshold in percent',
      { breaker: { threshold: 50 } },
      "option 'breaker.threshold' must be a number > 0 and < 1, got 50",
    ],
    [
      'an empty sampling window',
      { breaker: { samplingDurationMs: 0 } },
      "option 'breaker.samplingDurationMs' must be an integer from 1 to 2147483647 (milliseconds), got 0",
    ],
    [
      'no minimum throughput',
      { breaker: { minimumThroughput: 0 } },
      "option 'breaker.minimumThroughput' must be an integer >= 1, got 0",
    ],
    [
      'a negative break',
      { breaker: { breakDurationMs: -1 } },
      "option 'breaker.breakDurationMs' must be an integer from 0 to 2147483647 (milliseconds), got -1",
    ],
    [
      'a bulkhead without its size',
      { bulkhead: { maxQueued: 2 } },
      "option 'bulkhead.maxConcurrent' must be an integer >= 1, got undefined",
    ],
    [
      'a bulkhead of 0',
      { bulkhead: { maxConcurrent: 0 } },
      "option 'bulkhead.maxConcurrent' must be an integer >= 1, got 0",
    ],
    [
      'a negative queue',
      { bulkhead: { maxConcurrent: 2, maxQueued: -1 } },
      "option 'bulkhead.maxQueued' must be an integer >= 0, got -1",
    ],
    ['bulkhead: true', { bulkhead: true }, "option 'bulkhead' must be an object or false, got true"],
    [
      'an unknown transport',
      { transport: 'fetch' },
      "option 'transport' must be 'undici', 'node' or { type: 'undici', connections?, keepAliveTimeoutMs? }, got 'fetch'",
    ],
    [
      'a transport of another case',
      { transport: 'Undici' },
      "option 'transport' must be 'undici', 'node' or { type: 'undici', connections?, keepAliveTimeoutMs? }, got 'Undici' (did you mean 'undici'?)",
    ],
    [
      'a pool without its type',
      { transport: { connections: 8 } },
      "option 'transport.type' must be 'undici' or 'node', got undefined",
    ],
    [
      'a pool of 0 connections',
      { transport: { type: 'undici', connections: 0 } },
      "option 'transport.connections' must be an integer >= 1, got 0",
    ],
    [
      'a fractional keep-alive',
      { transport: { type: 'undici', keepAliveTimeoutMs: 0.5 } },
      "option 'transport.keepAliveTimeoutMs' must be an integer from 1 to 2147483647 (milliseconds), got 0.5",
    ],
    [
      'axios defaults that are no object',
      { axios: 'defaults' },
      "option 'axios' must be an object, got 'defaults'",
    ],
    ['telemetry that is no boolean', { telemetry: 'off' }, "option 'telemetry' must be true or false"],
  ])('refuses %s', (_what, options, message) => {
    expect(() => resolveApiClientOptions('payments', options as any)).toThrow(
      `ApiClient 'payments': ${message}`,
    );
  });

  it.each([
    ['timeout', "did you mean 'attemptTimeoutMs'?"],
    ['retries', "did you mean 'retry.retries'?"],
    ['baseUrl', "did you mean 'baseURL'?"],
    ['deadline', "did you mean 'deadlineMs'?"],
    ['idempotencyKey', "did you mean 'idempotencyKeys'?"],
    ['maxRedirects', "did you mean 'axios.maxRedirects'?"],
    ['httpsAgent', "did you mean 'axios.httpsAgent'?"],
  ])('names the option a misplaced or misspelt %s was meant to be', (key, hint) => {
    expect(() => resolveApiClientOptions('x', { [key]: 1 } as any)).toThrow(
      `ApiClient 'x': unknown option '${key}'; ${hint}`,
    );
  });

  it('names the nested option a misspelt key was meant to be', () => {
    expect(() => resolveApiClientOptions('x', { breaker: { treshold: 0.5 } } as any)).toThrow(
      "ApiClient 'x': unknown option 'breaker.treshold'; did you mean 'breaker.threshold'?",
    );
    expect(() => resolveApiClientOptions('x', { retry: { maxRetries: 2 } } as any)).toThrow(
      "ApiClient 'x': unknown option 'retry.maxRetries'; did you mean 'retry.retries'?",
    );
  });

  it('refuses an unknown key, listing the options', () => {
    expect(() => resolveApiClientOptions('x', { colour: 'red' } as any)).toThrow(
      "ApiClient 'x': unknown option 'colour'; the options here are baseURL, headers,",
    );
  });

  it("leaves axios' own keys alone", () => {
    const axios = { maxRedirects: 0, someAdapterOption: true } as any;
    expect(resolveApiClientOptions('x', { axios }).axios).toEqual(axios);
  });

  it('takes its own resolved options again (less their name), to the same result', () => {
    const { name, ...resolved } = resolveApiClientOptions('svc', {
      baseURL: 'https://api.example.com',
      transport: 'node',
      bulkhead: { maxConcurrent: 2 },
      onRetry,
    });
    expect(resolveApiClientOptions(name, resolved as any)).toEqual({ name, ...resolved });
    const { name: pooled, ...undici } = resolveApiClientOptions('svc');
    expect(resolveApiClientOptions(pooled, undici as any)).toEqual({ name: pooled, ...undici });
  });
});
