import { ConsoleLogger, Logger } from '@nestjs/common';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  METRIC_HTTP_CLIENT_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveApiClientOptions } from '../src/advanced.js';
import { ApiClient, type ApiClientOptions, UpstreamException } from '../src/index.js';
import { LogCapture } from './fixtures/log-capture.js';
import { pointsOf, useTelemetry } from './fixtures/telemetry.js';
import { useClients, useUpstream } from './fixtures/upstream.js';

const logs = new LogCapture();
beforeAll(() => Logger.overrideLogger(logs));
afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

const CLIENT = 'nestjs_faultline.client.name';

describe('OpenTelemetry metrics of ApiClient calls', () => {
  const telemetry = useTelemetry();
  const upstream = useUpstream();
  const keep = useClients();
  afterEach(() => logs.clear());

  const make = (options: ApiClientOptions = {}, name = 'default') =>
    keep(
      new ApiClient(
        resolveApiClientOptions(name, {
          baseURL: upstream.url,
          retry: { baseDelayMs: 1, maxDelayMs: 2 },
          ...options,
        }),
      ),
    );
  const server = () => ({
    [ATTR_SERVER_ADDRESS]: '127.0.0.1',
    [ATTR_SERVER_PORT]: Number(new URL(upstream.url).port),
  });

  it('measures each attempt in seconds with the conventions’ attributes, and counts the retries', async () => {
    upstream.script('/flaky', { status: 503 }, { status: 503 }, { status: 200, body: { ok: true } });
    const client = make();
    await client.get('/flaky');
    await client.get('/fine');
    const collected = await telemetry.collect();
    const duration = collected.find(
      (metric) => metric.descriptor.name === METRIC_HTTP_CLIENT_REQUEST_DURATION,
    )!;
    expect(duration.descriptor).toMatchObject({
      unit: 's',
      description: 'Duration of HTTP client requests.',
    });
    const base = { [ATTR_HTTP_REQUEST_METHOD]: 'GET', ...server(), [CLIENT]: 'default' };
    const failed = pointsOf(collected, METRIC_HTTP_CLIENT_REQUEST_DURATION, { [ATTR_ERROR_TYPE]: '503' });
    expect(failed.map((point) => point.attributes)).toEqual([
      { ...base, [ATTR_HTTP_RESPONSE_STATUS_CODE]: 503, [ATTR_ERROR_TYPE]: '503' },
    ]);
    expect((failed[0]!.value as Histogram).count).toBe(2);
    const ok = pointsOf(collected, METRIC_HTTP_CLIENT_REQUEST_DURATION, {
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
    });
    expect(ok.map((point) => point.attributes)).toEqual([{ ...base, [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200 }]);
    const histogram = ok[0]!.value as Histogram;
    expect(histogram.count).toBe(2);
    // seconds, not milliseconds: two loopback answers take well under a second
    expect(histogram.sum).toBeGreaterThan(0);
    expect(histogram.sum).toBeLessThan(2);
    expect(histogram.buckets.boundaries).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]);
    const retries = pointsOf(collected, 'nestjs_faultline.client.retries');
    expect(retries.map((point) => [point.attributes, point.value])).toEqual([
      [{ ...base, [ATTR_ERROR_TYPE]: '503' }, 2],
    ]);
    expect(pointsOf(collected, 'nestjs_faultline.client.give_ups')).toEqual([]);
  });

  it('counts give-ups by cause', async () => {
    upstream.script('/down', { status: 503 });
    upstream.script('/gone', { status: 404 });
    const client = make({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    await expect(client.get('/down')).rejects.toThrow(UpstreamException);
    await expect(client.get('/down')).rejects.toThrow(UpstreamException);
    await expect(client.get('/gone')).rejects.toThrow(UpstreamException);
    const collected = await telemetry.collect();
    const giveUps = pointsOf(collected, 'nestjs_faultline.client.give_ups');
    expect(
      giveUps.map((point) => [
        point.attributes['nestjs_faultline.give_up.cause'],
        point.attributes[ATTR_ERROR_TYPE],
        point.value,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['exhausted', 'UPSTREAM_ERROR', 2],
        ['not-transient', 'UPSTREAM_ERROR', 1],
      ]),
    );
    expect(giveUps).toHaveLength(2);
    expect(giveUps[0]!.attributes).toMatchObject({
      [ATTR_HTTP_REQUEST_METHOD]: 'GET',
      ...server(),
      [CLIENT]: 'default',
    });
  });

  it('reports the breaker state and the budget level of each client as gauges, calls or not', async () => {
    make({}, 'quotes');
    make({ breaker: false, budget: false }, 'plain');
    const collected = await telemetry.collect();
    const breaker = pointsOf(collected, 'nestjs_faultline.client.breaker.state');
    expect(
      breaker.map((point) => [
        point.attributes[CLIENT],
        point.attributes['nestjs_faultline.breaker.state'],
        point.value,
      ]),
    ).toEqual([
      ['quotes', 'closed', 1],
      ['quotes', 'open', 0],
      ['quotes', 'half-open', 0],
      ['quotes', 'isolated', 0],
    ]);
    const budget = pointsOf(collected, 'nestjs_faultline.client.budget.tokens');
    expect(budget.map((point) => [point.attributes, point.value])).toEqual([[{ [CLIENT]: 'quotes' }, 20]]);
    const descriptors = collected.map((metric) => [metric.descriptor.name, metric.descriptor.unit]);
    expect(descriptors).toEqual(
      expect.arrayContaining([
        ['nestjs_faultline.client.breaker.state', '1'],
        ['nestjs_faultline.client.budget.tokens', '{token}'],
      ]),
    );
  });

  it('follows the budget as retries spend it', async () => {
    upstream.script('/down', { status: 503 });
    const client = make({ budget: { maxTokens: 2, ratio: 0, minPerSecond: 0 } });
    await expect(client.get('/down')).rejects.toThrow(UpstreamException);
    const budget = pointsOf(await telemetry.collect(), 'nestjs_faultline.client.budget.tokens');
    expect(budget.map((point) => point.value)).toEqual([0]);
  });

  it('stops reporting a client once it is closed', async () => {
    const closed = new ApiClient(resolveApiClientOptions('closed', { baseURL: upstream.url }));
    await closed.close();
    make({}, 'open');
    const budget = pointsOf(await telemetry.collect(), 'nestjs_faultline.client.budget.tokens');
    expect(budget.map((point) => point.attributes[CLIENT])).toEqual(['open']);
  });

  describe('with the breaker open', () => {
    beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
    afterEach(() => vi.useRealTimers());

    it('reports it open, and counts the refused call as a give-up', async () => {
      upstream.script('/svc', { status: 503 });
      const breaker = {
        threshold: 0.5,
        samplingDurationMs: 1000,
        minimumThroughput: 4,
        breakDurationMs: 60_000,
      };
      const client = make({ breaker, retry: false });
      for (let i = 0; i < 10 && client.getStats().breaker !== 'open'; i++) {
        await expect(client.get('/svc')).rejects.toThrow(UpstreamException);
      }
      await expect(client.get('/svc')).rejects.toThrow('circuit open');
      const collected = await telemetry.collect();
      const state = pointsOf(collected, 'nestjs_faultline.client.breaker.state', { [CLIENT]: 'default' });
      expect(
        Object.fromEntries(
          state.map((point) => [point.attributes['nestjs_faultline.breaker.state'], point.value]),
        ),
      ).toEqual({
        closed: 0,
        open: 1,
        'half-open': 0,
        isolated: 0,
      });
      const refused = pointsOf(collected, 'nestjs_faultline.client.give_ups', {
        'nestjs_faultline.give_up.cause': 'breaker-open',
      });
      expect(refused.map((point) => [point.attributes[ATTR_ERROR_TYPE], point.value])).toEqual([
        ['UPSTREAM_UNAVAILABLE', 1],
      ]);
    });
  });

  it('measures nothing of a client with telemetry: false', async () => {
    const client = make({ telemetry: false });
    await client.get('/fine');
    const collected = await telemetry.collect();
    expect(collected.filter((metric) => metric.dataPoints.length > 0)).toEqual([]);
  });
});
