import { describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.js';
import { resolveApiClientOptions } from './api-client.options.js';

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
});
