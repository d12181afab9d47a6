import { ConsoleLogger, Logger } from '@nestjs/common';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, type ApiClientOptions, type ClientEvent, ErrorsModule } from '../src/index.js';
import { useClientApp } from './fixtures/client-app.js';
import { expectEnvelope } from './fixtures/envelope.js';
import { LogCapture } from './fixtures/log-capture.js';
import { ADAPTERS } from './fixtures/test-app.js';
import { gate, useClients, useUpstream, upstreamFailure } from './fixtures/upstream.js';

const logs = new LogCapture();

beforeAll(() => Logger.overrideLogger(logs));
afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

describe('overload protection against a real upstream', () => {
  const upstream = useUpstream();
  const keep = useClients();
  let events: ClientEvent[];

  afterEach(() => logs.clear());

  const make = (options: ApiClientOptions = {}) => {
    events = [];
    return keep(
      new ApiClient({
        baseURL: upstream.url,
        retry: { baseDelayMs: 1, maxDelayMs: 2 },
        breaker: false,
        onEvent: (event) => events.push(event),
        ...options,
      }),
    );
  };
  const eventsOf = (type: ClientEvent['type']) => events.filter((event) => event.type === type);

  describe('retry budget', () => {
    it('stops retrying when the budget is spent, and says why', async () => {
      upstream.script('/down', { status: 503 });
      const client = make({ budget: { maxTokens: 3, ratio: 0, minPerSecond: 0 } });
      const first = await upstreamFailure(client.get('/down'));
      expect(first).toMatchObject({ attempts: 4, kind: 'status' });
      const second = await upstreamFailure(client.get('/down'));
      // the retry is refused: the failure is returned at once, as unavailable
      expect(second).toMatchObject({
        attempts: 1,
        kind: 'unavailable',
        entry: { reason: 'UPSTREAM_UNAVAILABLE' },
      });
      expect(second.reason).toBe('status 503; retry budget exhausted');
      expect(upstream.hitsOf('/down')).toHaveLength(5);
      expect(eventsOf('budget-exhausted')).toEqual([
        expect.objectContaining({ client: 'default', method: 'GET', attempt: 1, reason: 'status 503' }),
      ]);
      const warned = logs.records.filter((record) => record.message.includes('retry budget exhausted'));
      expect(warned).toHaveLength(1);
      expect(warned[0]!.level).toBe('warn');
      expect(client.getStats()).toMatchObject({
        budgetTokens: 0,
        totals: { budgetExhausted: 1, retries: 3 },
      });
    });

    it('lets a client with little traffic retry again after a while (the floor)', async () => {
      upstream.script('/down', { status: 503 });
      let now = 0;
      const client = make({
        budget: { maxTokens: 1, ratio: 0, minPerSecond: 20 },
        retry: { retries: 1, baseDelayMs: 1 },
        clock: () => now,
      });
      await upstreamFailure(client.get('/down'));
      await upstreamFailure(client.get('/down'));
      expect(upstream.hitsOf('/down')).toHaveLength(3);
      now += 80; // 20 tokens a second: one more token after 50 ms
      await upstreamFailure(client.get('/down'));
      expect(upstream.hitsOf('/down')).toHaveLength(5);
    });

    it('is refilled by successful traffic', async () => {
      upstream.script('/down', { status: 503 });
      const client = make({
        budget: { maxTokens: 2, ratio: 0.5, minPerSecond: 0 },
        retry: { retries: 2, baseDelayMs: 1 },
      });
      await upstreamFailure(client.get('/down'));
      expect(client.getStats().budgetTokens).toBe(0);
      await client.get('/ok');
      await client.get('/ok');
      expect(client.getStats().budgetTokens).toBe(1);
      await upstreamFailure(client.get('/down'));
      expect(upstream.hitsOf('/down')).toHaveLength(3 + 2);
    });
  });

  describe('circuit breaker', () => {
    const breaker = { threshold: 0.5, samplingDurationMs: 1000, minimumThroughput: 4, breakDurationMs: 150 };
    // the breaker reads Date.now(): a Date that moves only when a case moves it makes its
    // sampling window and its break independent of how fast the machine is
    beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
    afterEach(() => vi.useRealTimers());

    it('opens on failures, fails fast without touching the network, then half-opens and closes', async () => {
      upstream.script('/svc', { status: 503 });
      const client = make({ breaker, retry: false });
      for (let i = 0; i < 5; i++) await upstreamFailure(client.get('/svc'));
      expect(eventsOf('breaker-open')).toHaveLength(1);
      expect(client.getStats().breaker).toBe('open');
      const hits = upstream.hitsOf('/svc').length;

      const fast = await upstreamFailure(client.get('/svc'));
      expect(fast).toMatchObject({ kind: 'unavailable', attempts: 0, reason: 'circuit open' });
      expect(fast.entry).toMatchObject({ reason: 'UPSTREAM_UNAVAILABLE', status: 503 });
      expect(eventsOf('give-up').at(-1)).toMatchObject({
        attempts: 0,
        reason: 'circuit open',
        cause: 'breaker-open',
      });
      expect(upstream.hitsOf('/svc')).toHaveLength(hits);
      expect(client.getStats().totals).toMatchObject({
        calls: 6,
        breakerRejections: 6 - hits,
        attempts: hits,
        failures: hits,
      });

      upstream.script('/svc', { status: 200, body: { back: true } });
      vi.setSystemTime(Date.now() + 200);
      const { data } = await client.get('/svc');
      expect(data).toEqual({ back: true });
      expect(events.map((event) => event.type).filter((type) => type.startsWith('breaker'))).toEqual([
        'breaker-open',
        'breaker-half-open',
        'breaker-close',
      ]);
      expect(client.getStats().breaker).toBe('closed');
    });

    it('opens again when the half-open probe fails', async () => {
      upstream.script('/svc', { status: 500 });
      const client = make({ breaker, retry: false });
      for (let i = 0; i < 5; i++) await upstreamFailure(client.get('/svc'));
      vi.setSystemTime(Date.now() + 200);
      await upstreamFailure(client.get('/svc'));
      expect(client.getStats().breaker).toBe('open');
      expect(eventsOf('breaker-open')).toHaveLength(2);
    });

    it('does not count 4xx answers or cancelled calls as failures', async () => {
      upstream.script('/missing', { status: 404 });
      const client = make({ breaker, retry: false });
      for (let i = 0; i < 10; i++) await upstreamFailure(client.get('/missing'));
      const controller = new AbortController();
      upstream.script('/hang', 'hang');
      const call = client.get('/hang', { signal: controller.signal });
      await upstream.reached('/hang');
      controller.abort();
      await expect(call).rejects.toMatchObject({ name: 'AbortError' });
      expect(client.getStats()).toMatchObject({ breaker: 'closed', totals: { failures: 0 } });
    });

    it('gives up instead of retrying into an open breaker', async () => {
      upstream.script('/svc', { status: 503 });
      const client = make({
        breaker: { ...breaker, minimumThroughput: 2 },
        retry: { retries: 5, baseDelayMs: 1 },
      });
      const error = await upstreamFailure(client.get('/svc'));
      expect(error.kind).toBe('unavailable');
      expect(error.attempts).toBeLessThan(6);
      expect(upstream.hitsOf('/svc')).toHaveLength(error.attempts);
    });
  });

  describe('bulkhead', () => {
    it('refuses calls past the limit at once with 503, sending nothing', async () => {
      const held = gate();
      upstream.script('/slow', { status: 200, after: held.promise });
      const client = make({ bulkhead: { maxConcurrent: 2 } });
      const running = [client.get('/slow'), client.get('/slow')];
      await upstream.reached('/slow', 2);
      expect(client.getStats()).toMatchObject({ inFlight: 2, queued: 0 });
      const refused = await upstreamFailure(client.get('/slow'));
      expect(refused).toMatchObject({
        kind: 'unavailable',
        attempts: 0,
        reason: 'concurrency limit reached',
      });
      held.open();
      await Promise.all(running);
      expect(upstream.hitsOf('/slow')).toHaveLength(2);
      expect(eventsOf('bulkhead-rejected')).toHaveLength(1);
      expect(client.getStats()).toMatchObject({ inFlight: 0, totals: { bulkheadRejections: 1, calls: 3 } });
    });

    it('queues up to maxQueued calls', async () => {
      upstream.script('/slow', { status: 200, delayMs: 30 });
      const client = make({ bulkhead: { maxConcurrent: 1, maxQueued: 1 } });
      const results = await Promise.allSettled([
        client.get('/slow'),
        client.get('/slow'),
        client.get('/slow'),
      ]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    });
  });

  describe('events and stats', () => {
    it('report every attempt, retry and give-up with the facts of the retry log', async () => {
      upstream.script('/down', { status: 503 });
      const client = make({ retry: { retries: 2, baseDelayMs: 1 } });
      await upstreamFailure(client.get('/down?token=s3cret'));
      const url = `${upstream.url}/down?token=***`;
      expect(events).toEqual([
        {
          type: 'attempt',
          client: 'default',
          method: 'GET',
          url,
          requestId: undefined,
          attempt: 1,
          maxAttempts: 3,
        },
        expect.objectContaining({ type: 'retry', url, attempt: 2, maxAttempts: 3, reason: 'status 503' }),
        expect.objectContaining({ type: 'attempt', attempt: 2 }),
        expect.objectContaining({ type: 'retry', attempt: 3 }),
        expect.objectContaining({ type: 'attempt', attempt: 3 }),
        expect.objectContaining({
          type: 'give-up',
          url,
          attempts: 3,
          reason: 'status 503',
          cause: 'exhausted',
        }),
      ]);
      const stats = client.getStats();
      expect(stats.totals).toMatchObject({ calls: 1, attempts: 3, retries: 2, failures: 3 });
      expect(stats.totals.attempts).toBe(upstream.hitsOf('/down').length);
      expect(JSON.stringify(events)).not.toContain('s3cret');
    });
  });
});

describe.each(ADAPTERS)('an open breaker inside a Nest app (%s)', (adapter) => {
  const upstream = useUpstream();
  const nest = useClientApp(adapter, () =>
    ErrorsModule.forRoot({
      client: {
        baseURL: upstream.url,
        retry: false,
        breaker: {
          threshold: 0.5,
          samplingDurationMs: 10_000,
          minimumThroughput: 3,
          breakDurationMs: 60_000,
        },
      },
      clients: { payments: { baseURL: upstream.url } },
    }),
  );

  it('answers 503 UPSTREAM_UNAVAILABLE without calling the upstream', async () => {
    upstream.script('/down', { status: 503 });
    for (let i = 0; i < 4; i++) await request(nest.app.getHttpServer()).get('/proxy/down');
    const hits = upstream.hitsOf('/down').length;
    const res = await request(nest.app.getHttpServer()).get('/proxy/down').set('Accept-Language', 'en');
    expect(res.status).toBe(503);
    expect(expectEnvelope(res.body)).toMatchObject({
      code: 50301,
      reason: 'UPSTREAM_UNAVAILABLE',
      message: 'A service this request depends on is unavailable',
    });
    expect(upstream.hitsOf('/down')).toHaveLength(hits);
  });
});
