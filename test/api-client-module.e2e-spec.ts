import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorsModule } from '../src/index.js';
import { envelopeMatchers } from '../src/testing/index.js';
import { createClientApp, useClientApp } from './fixtures/client-app.js';
import { ADAPTERS } from './fixtures/test-app.js';
import { Upstream, useUpstream } from './fixtures/upstream.js';

expect.extend(envelopeMatchers);

describe.each(ADAPTERS)('ApiClient inside a Nest app (%s)', (adapter) => {
  const upstream = useUpstream();
  const nest = useClientApp(adapter, () =>
    ErrorsModule.forRoot({
      // attempts get time to spare on a busy machine: only the slow upstream below ever times out
      client: {
        baseURL: upstream.url,
        attemptTimeoutMs: 1000,
        deadlineMs: 2500,
        retry: { baseDelayMs: 5 },
      },
      clients: { payments: { baseURL: `${upstream.url}/pay`, retry: false } },
    }),
  );

  it('injects the default client by class and named clients by name', async () => {
    const res = await request(nest.app.getHttpServer()).get('/clients');
    expect(res.body).toEqual({ default: upstream.url, payments: `${upstream.url}/pay` });
    upstream.script('/pay/charge', { status: 503 });
    const charged = await request(nest.app.getHttpServer()).get('/payments/charge');
    expect(charged.status).toBe(502);
    // the payments client does not retry
    expect(upstream.hitsOf('/pay/charge')).toHaveLength(1);
  });

  it('forwards the inbound request id on every attempt, without passing it by hand', async () => {
    upstream.script('/quote', { status: 503 }, { status: 200, body: { price: 1 } });
    const res = await request(nest.app.getHttpServer()).get('/proxy/quote').set('X-Request-Id', 'trace-42');
    expect(res.status).toBe(200);
    expect(upstream.hitsOf('/quote').map((hit) => hit.headers['x-request-id'])).toEqual([
      'trace-42',
      'trace-42',
    ]);
  });

  it('forwards a generated request id, also after the body was parsed', async () => {
    const res = await request(nest.app.getHttpServer()).post('/proxy-after-body').send({ a: 1 });
    expect(res.status).toBe(201);
    const [hit] = upstream.hitsOf('/echo');
    expect(hit!.headers['x-request-id']).toBe(res.headers['x-request-id']);
  });

  it('renders a failed upstream as 502 UPSTREAM_ERROR, without its body or URL', async () => {
    upstream.script('/down', { status: 500, body: { error: 'pool exhausted at 10.1.2.3' } });
    const res = await request(nest.app.getHttpServer()).get('/proxy/down').set('Accept-Language', 'en');
    expect(res).toBeEnvelope({
      status: 502,
      code: 50201,
      reason: 'UPSTREAM_ERROR',
      message: 'A service this request depends on failed',
      path: '/proxy/down',
      details: undefined,
    });
    expect(res.text).not.toMatch(/10\.1\.2\.3|pool exhausted|127\.0\.0\.1|attempt/);
    expect(upstream.hitsOf('/down')).toHaveLength(4);
  });

  it('renders an upstream 4xx as 502 too', async () => {
    upstream.script('/missing', { status: 404, body: { error: 'no such thing' } });
    const res = await request(nest.app.getHttpServer()).get('/proxy/missing');
    expect(res).toBeEnvelope({ status: 502, reason: 'UPSTREAM_ERROR' });
  });

  it('renders a timeout as 504 UPSTREAM_TIMEOUT within the deadline', async () => {
    upstream.script('/slow', { status: 200, delayMs: 30_000 });
    const started = performance.now();
    const res = await request(nest.app.getHttpServer()).get('/proxy/slow');
    expect(res).toBeEnvelope({ status: 504, code: 50401, reason: 'UPSTREAM_TIMEOUT' });
    // the 2.5 s deadline, not the upstream's 30 s, ended it
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('ApiClient registration', () => {
  it.each(ADAPTERS)(
    'takes client options from forRootAsync, with names declared up front (%s)',
    async (adapter) => {
      const upstream = await Upstream.start();
      const app = await createClientApp(
        adapter,
        ErrorsModule.forRootAsync({
          useFactory: async () => ({
            client: { baseURL: upstream.url },
            clients: { payments: { baseURL: `${upstream.url}/pay` } },
          }),
          clientNames: ['payments'],
        }),
      );
      try {
        const res = await request(app.getHttpServer()).get('/payments/ok');
        expect(res.status).toBe(200);
        expect(upstream.hitsOf('/pay/ok')).toHaveLength(1);
      } finally {
        await app.close();
        await upstream.close();
      }
    },
  );

  it('fails at startup when a declared client has no options', async () => {
    await expect(
      createClientApp(
        'express',
        ErrorsModule.forRootAsync({ useFactory: () => ({}), clientNames: ['payments'] }),
      ),
    ).rejects.toThrow(
      "ErrorsModule: client 'payments' is named in clientNames but has no options in clients.",
    );
  });

  it('fails at startup on an impossible deadline', async () => {
    await expect(
      createClientApp(
        'express',
        ErrorsModule.forRoot({ client: { deadlineMs: -1 }, clients: { payments: {} } }),
      ),
    ).rejects.toThrow(
      "ErrorsModule: option 'client.deadlineMs' must be an integer from 1 to 2147483647 (milliseconds), got -1",
    );
  });
});
