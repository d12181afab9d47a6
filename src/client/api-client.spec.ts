import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.js';
import { resolveApiClientOptions } from './api-client.options-resolver.js';

describe('new ApiClient()', () => {
  it('checks its options, naming the bad one', () => {
    expect(() => new ApiClient({ retry: { retries: -1 } })).toThrow(
      "ApiClient 'default': option 'retry.retries' must be an integer >= 0, got -1",
    );
    expect(() => new ApiClient({ requestIdHeader: 'X Request Id' })).toThrow(
      "ApiClient 'default': option 'requestIdHeader' must be a header name",
    );
  });

  it('refuses options that are no object', () => {
    expect(() => new ApiClient(null as any)).toThrow(
      "ApiClient 'default': the options must be an object, got null",
    );
  });

  it('takes resolved options, keeping their name, and checks them too', async () => {
    const client = new ApiClient(resolveApiClientOptions('payments', { baseURL: 'https://pay.example.com' }));
    expect(client.settings).toMatchObject({ name: 'payments', baseURL: 'https://pay.example.com' });
    await client.close();
    const forged = { ...resolveApiClientOptions('payments'), deadlineMs: -1 };
    expect(() => new ApiClient(forged)).toThrow(
      "ApiClient 'payments': option 'deadlineMs' must be an integer",
    );
  });

  it('refills the retry budget by the clock it is given', async () => {
    let hits = 0;
    const upstream = createServer((_request, response) => {
      hits++;
      response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    let now = 0;
    const client = new ApiClient({
      baseURL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 },
      budget: { maxTokens: 1, ratio: 0, minPerSecond: 2 },
      breaker: false,
      clock: () => now,
    });
    const fail = () => client.get('/').catch((error: unknown) => error);
    try {
      await fail();
      await fail();
      expect(hits).toBe(3);
      now = 500; // 2 tokens a second: one more token after 500 ms, no sleeping
      await fail();
      expect(hits).toBe(5);
    } finally {
      await client.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  it('checks the clock is a function', () => {
    expect(() => new ApiClient({ clock: 1 as any })).toThrow("option 'clock' must be a function");
  });
});
