import { ConsoleLogger, Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, isUpstreamException, type RetryEvent, UpstreamException } from '../src/index.js';
import { firstValueFrom } from 'rxjs';
import { runInRequestContext } from '../src/core/request-context.js';
import { LogCapture } from './fixtures/log-capture.js';
import { refusedUrl, TRANSPORTS, until, useClients, useUpstream, rejectionOf } from './fixtures/upstream.js';

const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

const logs = new LogCapture();

beforeAll(() => Logger.overrideLogger(logs));
afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

describe.each(TRANSPORTS)('ApiClient against a real upstream (%s transport)', (transport) => {
  const upstream = useUpstream();
  const keep = useClients();
  let events: RetryEvent[];
  let client: ApiClient;

  afterEach(() => logs.clear());

  const make = (options: ConstructorParameters<typeof ApiClient>[0] = {}) => {
    events = [];
    client = keep(
      new ApiClient({
        transport,
        baseURL: upstream.url,
        retry: FAST,
        attemptTimeoutMs: 2000,
        deadlineMs: 5000,
        onRetry: (event) => events.push(event),
        ...options,
      }),
    );
    return client;
  };

  it('returns typed data on success in one attempt', async () => {
    upstream.script('/users/1', { status: 200, body: { id: 1, name: 'Ada' } });
    const { data, status } = await make().get<{ id: number; name: string }>('/users/1');
    expect(status).toBe(200);
    expect(data.name).toBe('Ada');
    expect(upstream.hitsOf('/users/1')).toHaveLength(1);
  });

  it.each([408, 429, 500, 502, 503, 504])('retries status %i and succeeds', async (status) => {
    upstream.script('/flaky', { status }, { status: 200, body: { ok: 1 } });
    const { data } = await make().get('/flaky');
    expect(data).toEqual({ ok: 1 });
    expect(upstream.hitsOf('/flaky')).toHaveLength(2);
    expect(events).toMatchObject([{ attempt: 2, maxAttempts: 4, reason: `status ${status}`, method: 'GET' }]);
  });

  it.each([400, 401, 403, 404, 409, 422, 501])('never retries status %i', async (status) => {
    upstream.script('/no', { status, body: { secret: 'upstream body' } });
    const error = await rejectionOf(make().get('/no'));
    expect(error).toBeInstanceOf(UpstreamException);
    expect(error).toMatchObject({ kind: 'status', upstreamStatus: status, attempts: 1 });
    expect(upstream.hitsOf('/no')).toHaveLength(1);
  });

  it('gives up after the configured retries with the facts of the failure', async () => {
    upstream.script('/down', { status: 503 });
    const error = (await rejectionOf(make().get('/down?token=abc&page=2'))) as UpstreamException;
    expect(isUpstreamException(error)).toBe(true);
    expect(error).toMatchObject({
      kind: 'status',
      upstreamStatus: 503,
      attempts: 4,
      method: 'GET',
      url: `${upstream.url}/down?token=***&page=2`,
      entry: { reason: 'UPSTREAM_ERROR', status: 502 },
    });
    expect(error.elapsedMs).toBeGreaterThan(0);
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/down\?token=\*\*\*&page=2 failed with status 503 after 4 attempt/,
    );
    expect(upstream.hitsOf('/down')).toHaveLength(4);
    expect(events.map((event) => event.attempt)).toEqual([2, 3, 4]);
  });

  it('retries a connection reset, and reports it', async () => {
    upstream.script('/reset', 'reset', { status: 200, body: { ok: 1 } });
    await make().get('/reset');
    expect(upstream.hitsOf('/reset')).toHaveLength(2);
    expect(events[0]!.reason).toMatch(/ECONNRESET/);
  });

  it('retries a per-attempt timeout, then fails with 504 UPSTREAM_TIMEOUT', async () => {
    upstream.script('/slow', 'hang');
    const error = await rejectionOf(
      make({ attemptTimeoutMs: 1000, deadlineMs: 20_000, retry: { ...FAST, retries: 2 } }).get('/slow'),
    );
    expect(error).toMatchObject({
      kind: 'timeout',
      attempts: 3,
      entry: { reason: 'UPSTREAM_TIMEOUT', status: 504 },
    });
    expect(events.map((event) => event.reason)).toEqual(['timeout', 'timeout']);
  });

  it('retries a refused connection for any method, POST included', async () => {
    const refused = keep(
      new ApiClient({ transport, baseURL: await refusedUrl(), retry: { ...FAST, retries: 2 } }),
    );
    const error = await rejectionOf(refused.post('/orders', { a: 1 }));
    expect(error).toMatchObject({ kind: 'network', attempts: 3, entry: { reason: 'UPSTREAM_ERROR' } });
    expect((error as UpstreamException).reason).toBe('ECONNREFUSED');
  });

  it('does not retry a POST without an idempotency key', async () => {
    upstream.script('/orders', { status: 503 });
    await rejectionOf(make().post('/orders', { a: 1 }));
    expect(upstream.hitsOf('/orders')).toHaveLength(1);
  });

  it('retries a POST with a generated Idempotency-Key, the same on every attempt', async () => {
    upstream.script('/orders', { status: 503 }, { status: 503 }, { status: 201, body: { id: 7 } });
    const { status } = await make().post('/orders', { a: 1 }, { idempotencyKey: true });
    expect(status).toBe(201);
    const keys = upstream.hitsOf('/orders').map((hit) => hit.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries a PATCH with an own Idempotency-Key header, or when opted in', async () => {
    upstream.script('/p', { status: 500 }, { status: 200 });
    await make().patch('/p', { a: 1 }, { headers: { 'Idempotency-Key': 'k-1' } });
    expect(upstream.hitsOf('/p').map((hit) => hit.headers['idempotency-key'])).toEqual(['k-1', 'k-1']);
    upstream.reset();
    upstream.script('/p', { status: 500 }, { status: 200 });
    await make().patch('/p', { a: 1 }, { retry: { ...FAST, retryNonIdempotent: true } });
    expect(upstream.hitsOf('/p')).toHaveLength(2);
  });

  it('replays buffered bodies byte-identical', async () => {
    const bodies: [string, unknown, Record<string, string>?][] = [
      ['json', { name: 'Ada', nested: { list: [1, 2, 3] }, text: ' spaced ' }],
      ['string', '  raw text with spaces  ', { 'Content-Type': 'text/plain' }],
      ['buffer', Buffer.from([0, 1, 2, 250, 255])],
      ['params', new URLSearchParams({ a: '1', b: 'x y' })],
    ];
    for (const [name, data, headers] of bodies) {
      upstream.script(`/put/${name}`, { status: 503 }, { status: 502 }, { status: 200 });
      await make().put(`/put/${name}`, data, { headers });
      const sent = upstream.hitsOf(`/put/${name}`).map((hit) => hit.body.toString('base64'));
      expect(sent).toHaveLength(3);
      expect(new Set(sent).size).toBe(1);
      expect(sent[0]!.length).toBeGreaterThan(0);
    }
  });

  it('honours Retry-After in seconds', async () => {
    upstream.script('/busy', { status: 429, headers: { 'Retry-After': '0' } }, { status: 200 });
    await make({ retry: { ...FAST, baseDelayMs: 60_000, maxDelayMs: 60_000 } }).get('/busy');
    const [first, second] = upstream.hitsOf('/busy');
    // Retry-After: 0 replaces a backoff of up to a minute
    expect(second!.at - first!.at).toBeLessThan(10_000);
    expect(events[0]!.delayMs).toBe(0);
  });

  it('honours Retry-After as an HTTP date, capped by maxRetryAfterMs', async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    upstream.script('/busy', { status: 503, headers: { 'Retry-After': inAMinute } }, { status: 200 });
    await make({ retry: { ...FAST, maxRetryAfterMs: 60 } }).get('/busy');
    const [first, second] = upstream.hitsOf('/busy');
    expect(events[0]!.delayMs).toBe(60);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(55);
    expect(second!.at - first!.at).toBeLessThan(10_000);
  });

  it('fails at once when Retry-After would pass the deadline', async () => {
    upstream.script('/busy', { status: 503, headers: { 'Retry-After': '30' } });
    const started = performance.now();
    const error = (await rejectionOf(make({ deadlineMs: 20_000 }).get('/busy'))) as UpstreamException;
    // neither the 30 s wait nor the 20 s deadline
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(error).toMatchObject({ kind: 'deadline', attempts: 1, entry: { reason: 'UPSTREAM_TIMEOUT' } });
    expect(error.reason).toContain('would pass the deadline');
    expect(upstream.hitsOf('/busy')).toHaveLength(1);
  });

  it('keeps one deadline over all attempts and waits', async () => {
    upstream.script('/slow', 'hang');
    const started = performance.now();
    const error = await rejectionOf(make({ attemptTimeoutMs: 20_000, deadlineMs: 1000 }).get('/slow'));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ kind: 'deadline', attempts: 1, entry: { reason: 'UPSTREAM_TIMEOUT' } });
    // the deadline ended it: not before it, and long before the attempt timeout or the upstream
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('cuts a retry to what is left of the deadline after the wait', async () => {
    upstream.script('/then-slow', { status: 503 }, 'hang');
    const started = performance.now();
    const error = await rejectionOf(make({ attemptTimeoutMs: 20_000, deadlineMs: 1000 }).get('/then-slow'));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ kind: 'deadline', attempts: 2, entry: { reason: 'UPSTREAM_TIMEOUT' } });
    expect((error as UpstreamException).reason).toBe('deadline of 1000ms passed');
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('starts no attempt once the deadline has passed, however the time went', async () => {
    upstream.script('/late', { status: 200 });
    const api = make({ deadlineMs: 40 });
    api.interceptors.request.use(async (config) => {
      await new Promise((resolve) => setTimeout(resolve, 60));
      return config;
    });
    const error = await rejectionOf(api.get('/late'));
    expect(error).toMatchObject({ kind: 'deadline', attempts: 0, entry: { reason: 'UPSTREAM_TIMEOUT' } });
    expect(api.getStats().totals).toMatchObject({ attempts: 0, failures: 0 });
    expect(upstream.hitsOf('/late')).toHaveLength(0);
  });

  describe('calls made on httpService or axiosRef directly', () => {
    it('retry under the client policy through the HttpService', async () => {
      upstream.script('/flaky', { status: 503 }, { status: 200, body: { ok: 1 } });
      const api = make();
      const { data } = await firstValueFrom(api.httpService.get('/flaky'));
      expect(data).toEqual({ ok: 1 });
      expect(upstream.hitsOf('/flaky')).toHaveLength(2);
      expect(events).toMatchObject([{ attempt: 2, maxAttempts: 4, reason: 'status 503', method: 'GET' }]);
      expect(api.getStats().totals).toMatchObject({ calls: 1, attempts: 2, retries: 1 });
    });

    it("give up after the policy's attempts with axios' own error", async () => {
      upstream.script('/down', { status: 503 });
      const error = await rejectionOf(make().axiosRef.get('/down'));
      expect(error).toMatchObject({ isAxiosError: true, response: { status: 503 } });
      expect(upstream.hitsOf('/down')).toHaveLength(4);
    });

    it('carry the request id, and one generated Idempotency-Key over every attempt', async () => {
      upstream.script('/pay', { status: 503 }, { status: 201 });
      const api = make({ idempotencyKeys: true });
      const context = { requestId: 'req-direct-1', startedAt: performance.now() };
      await runInRequestContext(context, () => api.axiosRef.post('/pay', { a: 1 }));
      const hits = upstream.hitsOf('/pay');
      expect(hits.map((hit) => hit.headers['x-request-id'])).toEqual(['req-direct-1', 'req-direct-1']);
      expect(hits[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
      expect(hits[1]!.headers['idempotency-key']).toBe(hits[0]!.headers['idempotency-key']);
    });

    it("keep axios-retry's per-call options: validateResponse judges even a 200", async () => {
      upstream.script('/judged', { status: 200, body: { ok: 1 } });
      const api = make({ retry: false });
      const judged: number[] = [];
      const error = await rejectionOf(
        api.axiosRef.get('/judged', {
          'axios-retry': { validateResponse: (response) => (judged.push(response.status), false) },
        }),
      );
      expect(judged).toEqual([200]);
      expect(error).toMatchObject({ isAxiosError: true, response: { status: 200 } });
      // without its options a call on the instance is not judged so
      expect((await api.axiosRef.get('/judged')).data).toEqual({ ok: 1 });
    });

    it('count the attempts of a retried call in the retry events, attempt after attempt', async () => {
      upstream.script('/twice', { status: 503 }, { status: 503 }, { status: 200, body: { ok: 1 } });
      const { data } = await make().axiosRef.get('/twice');
      expect(data).toEqual({ ok: 1 });
      expect(events.map((event) => event.attempt)).toEqual([2, 3]);
    });
  });

  it('aborts the attempt in flight at once and sends nothing more', async () => {
    upstream.script('/hang', 'hang');
    const controller = new AbortController();
    const reason = new Error('caller went away');
    const call = make({ attemptTimeoutMs: 30_000, deadlineMs: 60_000 }).get('/hang', {
      signal: controller.signal,
    });
    await upstream.reached('/hang');
    const started = performance.now();
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    // the abort ended it, not the 30 s attempt timeout
    expect(performance.now() - started).toBeLessThan(10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(upstream.hitsOf('/hang')).toHaveLength(1);
  });

  it('aborts a pending wait at once, with no further request', async () => {
    upstream.script('/down', { status: 503, headers: { 'Retry-After': '25' } });
    const controller = new AbortController();
    const call = make().get('/down', { signal: controller.signal, deadlineMs: 60_000 });
    // the first attempt fails fast; the client then waits 25 seconds
    await until(() => events.length === 1);
    const started = performance.now();
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(upstream.hitsOf('/down')).toHaveLength(1);
  });

  it('rejects at once with an already aborted signal, sending nothing', async () => {
    const reason = new Error('already');
    await expect(make().get('/x', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(upstream.hits).toHaveLength(0);
  });

  it('turns retries off per call', async () => {
    upstream.script('/down', { status: 503 });
    await rejectionOf(make().get('/down', { retry: false }));
    expect(upstream.hitsOf('/down')).toHaveLength(1);
  });

  it('sends a stream body once and does not retry it', async () => {
    const { Readable } = await import('node:stream');
    upstream.script('/upload', { status: 503 });
    const error = await rejectionOf(
      make().put('/upload', Readable.from([Buffer.from('chunk-1 '), Buffer.from('chunk-2')]), {
        headers: { 'Content-Type': 'application/octet-stream' },
      }),
    );
    expect(error).toMatchObject({ kind: 'status', attempts: 1 });
    const hits = upstream.hitsOf('/upload');
    expect(hits).toHaveLength(1);
    expect(hits[0]!.body.toString()).toBe('chunk-1 chunk-2');
  });

  it('runs request interceptors per attempt and response interceptors once', async () => {
    upstream.script('/auth', { status: 503 }, { status: 503 }, { status: 200, body: { ok: true } });
    make();
    let token = 0;
    client.interceptors.request.use((config) => {
      config.headers.set('Authorization', `Bearer t${++token}`);
      return config;
    });
    const seen: number[] = [];
    client.interceptors.response.use((response) => {
      seen.push(response.status);
      return response;
    });
    await client.get('/auth');
    expect(upstream.hitsOf('/auth').map((hit) => hit.headers.authorization)).toEqual([
      'Bearer t1',
      'Bearer t2',
      'Bearer t3',
    ]);
    expect(seen).toEqual([200]);
  });

  it('logs each retry once at warn, with a redacted URL', async () => {
    upstream.script('/down', { status: 503 }, { status: 502 }, { status: 200 });
    await make({ baseURL: upstream.url.replace('http://', 'http://user:pw@') }).get('/down?api_key=k1&q=ok');
    expect(events[0]!.url).toBe(`${upstream.url}/down?api_key=***&q=ok`);
    const lines = logs.records.filter((record) => record.rest.includes('ApiClient:default'));
    expect(lines.map((line) => line.level)).toEqual(['warn', 'warn']);
    expect(lines[0]!.message).toMatch(
      new RegExp(
        `^GET ${upstream.url}/down\\?api_key=\\*\\*\\*&q=ok attempt 2/4 in \\d+ms after status 503 requestId=-$`,
      ),
    );
    expect(lines[1]!.message).toContain('attempt 3/4');
    expect(JSON.stringify(logs.records)).not.toMatch(/k1|user:pw/);
  });
});

describe.each(TRANSPORTS)('ApiClient over TLS (%s transport)', (transport) => {
  const upstream = useUpstream({ tls: true });
  const keep = useClients();

  it('never retries a certificate error', async () => {
    const client = keep(new ApiClient({ transport, baseURL: upstream.url, retry: FAST }));
    const error = await rejectionOf(client.get('/secure'));
    expect(error).toMatchObject({ kind: 'network', attempts: 1 });
    expect((error as UpstreamException).reason).toMatch(/SELF_SIGNED|CERT/);
    expect(upstream.hits).toHaveLength(0);
  });

  it('works with the certificate trusted', async () => {
    const { readFileSync } = await import('node:fs');
    const { Agent } = await import('node:https');
    const ca = readFileSync(new URL('./fixtures/tls/cert.pem', import.meta.url));
    const client = keep(
      new ApiClient({
        transport,
        baseURL: upstream.url,
        axios: { httpsAgent: new Agent({ ca }) },
      }),
    );
    upstream.script('/secure', { status: 503 }, { status: 200, body: { tls: true } });
    const { data } = await client.get('/secure');
    expect(data).toEqual({ tls: true });
    expect(upstream.hitsOf('/secure')).toHaveLength(2);
  });
});
