import { ConsoleLogger, Logger } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, type ApiClientOptions } from '../src/index.js';
import { runInRequestContext } from '../src/core/request-context.js';
import { LogCapture } from './fixtures/log-capture.js';
import { traceparentOf, useTelemetry } from './fixtures/telemetry.js';
import { refusedUrl, TRANSPORTS, useClients, useUpstream, upstreamFailure } from './fixtures/upstream.js';

const logs = new LogCapture();
beforeAll(() => Logger.overrideLogger(logs));
afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

function childOf(span: ReadableSpan, parent: ReadableSpan): void {
  expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
}

describe('OpenTelemetry spans of ApiClient calls', () => {
  const telemetry = useTelemetry();
  const upstream = useUpstream();
  const keep = useClients();
  afterEach(() => logs.clear());

  const make = (options: ApiClientOptions = {}) =>
    keep(new ApiClient({ baseURL: upstream.url, retry: { baseDelayMs: 1, maxDelayMs: 2 }, ...options }));
  const port = () => Number(new URL(upstream.url).port);
  /** The call's span and its attempts' spans, in the order they started. */
  const recorded = () => {
    const spans = telemetry.spans();
    const call = spans.filter((span) => span.name.startsWith('ApiClient:'));
    expect(call).toHaveLength(1);
    const attempts = spans
      .filter((span) => span.kind === SpanKind.CLIENT)
      .toSorted((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    return { call: call[0]!, attempts };
  };

  describe.each(TRANSPORTS)('on the %s transport', (transport) => {
    it('a success: the call INTERNAL, its attempt a CLIENT span per the HTTP conventions, traceparent sent', async () => {
      const client = make({ transport });
      const { data } = await runInRequestContext({ requestId: 'req-42', startedAt: 0 }, () =>
        client.get('/quotes/X', { params: { token: 'secret', page: 2 } }),
      );
      expect(data).toEqual({ ok: true });
      const { call, attempts } = recorded();
      const url = `${upstream.url}/quotes/X?token=***&page=2`;
      expect(call.name).toBe('ApiClient:default GET');
      expect(call.kind).toBe(SpanKind.INTERNAL);
      expect(call.status.code).toBe(SpanStatusCode.UNSET);
      expect(call.attributes).toEqual({
        [ATTR_HTTP_REQUEST_METHOD]: 'GET',
        [ATTR_URL_FULL]: url,
        [ATTR_SERVER_ADDRESS]: '127.0.0.1',
        [ATTR_SERVER_PORT]: port(),
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
        'nestjs_faultline.client.name': 'default',
        'nestjs_faultline.request_id': 'req-42',
        'nestjs_faultline.attempts': 1,
      });
      expect(call.events).toEqual([]);
      expect(attempts).toHaveLength(1);
      const [attempt] = attempts;
      expect(attempt!.name).toBe('GET');
      childOf(attempt!, call);
      expect(attempt!.status.code).toBe(SpanStatusCode.UNSET);
      expect(attempt!.attributes).toEqual({
        [ATTR_HTTP_REQUEST_METHOD]: 'GET',
        [ATTR_URL_FULL]: url,
        [ATTR_SERVER_ADDRESS]: '127.0.0.1',
        [ATTR_SERVER_PORT]: port(),
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
        'nestjs_faultline.client.name': 'default',
        'nestjs_faultline.request_id': 'req-42',
      });
      const [hit] = upstream.hitsOf('/quotes/X');
      expect(hit!.headers.traceparent).toBe(traceparentOf(attempt!));
      expect(hit!.headers['x-request-id']).toBe('req-42');
    });

    it('a retry then a success: one span per attempt, the resend counted, each attempt its own traceparent', async () => {
      upstream.script('/flaky', { status: 503 }, { status: 200, body: { ok: 'second' } });
      const client = make({ transport });
      await client.get('/flaky');
      const { call, attempts } = recorded();
      expect(attempts).toHaveLength(2);
      for (const attempt of attempts) childOf(attempt, call);
      const [first, second] = attempts;
      expect(first!.attributes).toMatchObject({
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: 503,
        [ATTR_ERROR_TYPE]: '503',
      });
      expect(first!.attributes).not.toHaveProperty(ATTR_HTTP_REQUEST_RESEND_COUNT);
      expect(first!.status.code).toBe(SpanStatusCode.ERROR);
      expect(second!.attributes).toMatchObject({
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
        [ATTR_HTTP_REQUEST_RESEND_COUNT]: 1,
      });
      expect(second!.attributes).not.toHaveProperty(ATTR_ERROR_TYPE);
      expect(second!.status.code).toBe(SpanStatusCode.UNSET);
      expect(call.attributes).toMatchObject({
        'nestjs_faultline.attempts': 2,
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
      });
      expect(call.status.code).toBe(SpanStatusCode.UNSET);
      expect(call.events.map((event) => [event.name, event.attributes])).toEqual([
        [
          'nestjs_faultline.retry',
          expect.objectContaining({ 'nestjs_faultline.attempt': 2, 'nestjs_faultline.reason': 'status 503' }),
        ],
      ]);
      expect(upstream.hitsOf('/flaky').map((hit) => hit.headers.traceparent)).toEqual(
        attempts.map(traceparentOf),
      );
    });
  });

  it('a give-up: the call span fails with the envelope reason and the cause', async () => {
    upstream.script('/down', { status: 503 });
    const client = make({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = await upstreamFailure(client.get('/down'));
    const { call, attempts } = recorded();
    expect(attempts).toHaveLength(2);
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
    expect(call.attributes).toMatchObject({
      [ATTR_ERROR_TYPE]: 'UPSTREAM_ERROR',
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 503,
      'nestjs_faultline.give_up.cause': 'exhausted',
      'nestjs_faultline.failure.kind': 'status',
      'nestjs_faultline.attempts': 2,
    });
  });

  it('a network failure: error.type is the error code, no status', async () => {
    const client = keep(new ApiClient({ baseURL: await refusedUrl(), retry: false }));
    await upstreamFailure(client.get('/nobody'));
    const { call, attempts } = recorded();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.attributes).toMatchObject({ [ATTR_ERROR_TYPE]: 'ECONNREFUSED' });
    expect(attempts[0]!.attributes).not.toHaveProperty(ATTR_HTTP_RESPONSE_STATUS_CODE);
    expect(attempts[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(call.attributes).toMatchObject({
      [ATTR_ERROR_TYPE]: 'UPSTREAM_ERROR',
      'nestjs_faultline.failure.kind': 'network',
    });
  });

  it('a budget refusal: an event on the call span, which fails as unavailable', async () => {
    upstream.script('/down', { status: 503 });
    const client = make({ budget: { maxTokens: 1, ratio: 0, minPerSecond: 0 } });
    await upstreamFailure(client.get('/down'));
    const { call, attempts } = recorded();
    expect(attempts).toHaveLength(2);
    expect(call.events.map((event) => event.name)).toEqual([
      'nestjs_faultline.retry',
      'nestjs_faultline.budget_exhausted',
    ]);
    expect(call.events[1]!.attributes).toEqual({
      'nestjs_faultline.attempt': 2,
      'nestjs_faultline.reason': 'status 503',
    });
    expect(call.attributes).toMatchObject({
      [ATTR_ERROR_TYPE]: 'UPSTREAM_UNAVAILABLE',
      'nestjs_faultline.give_up.cause': 'budget-exhausted',
    });
  });

  it('a bulkhead refusal: an event on the refused call span', async () => {
    upstream.script('/slow', 'hang');
    const client = make({ bulkhead: { maxConcurrent: 1 } });
    const controller = new AbortController();
    const slow = client.get('/slow', { signal: controller.signal });
    await upstream.reached('/slow');
    await upstreamFailure(client.get('/other'));
    controller.abort();
    await expect(slow).rejects.toThrow('aborted');
    const refused = telemetry
      .spans()
      .find((span) => String(span.attributes[ATTR_URL_FULL]).endsWith('/other'))!;
    expect(refused.events.map((event) => event.name)).toEqual(['nestjs_faultline.bulkhead_rejected']);
    expect(refused.attributes).toMatchObject({
      [ATTR_ERROR_TYPE]: 'UPSTREAM_UNAVAILABLE',
      'nestjs_faultline.attempts': 0,
    });
  });

  describe('with the breaker open', () => {
    // the breaker reads Date.now(): a still Date keeps its window independent of the machine's speed
    beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
    afterEach(() => vi.useRealTimers());

    it('a rejection is an event on the call span, and no attempt span is made', async () => {
      upstream.script('/svc', { status: 503 });
      const breaker = {
        threshold: 0.5,
        samplingDurationMs: 1000,
        minimumThroughput: 4,
        breakDurationMs: 60_000,
      };
      const client = make({ breaker, retry: false });
      for (let i = 0; i < 10 && client.getStats().breaker !== 'open'; i++)
        await upstreamFailure(client.get('/svc'));
      expect(client.getStats().breaker).toBe('open');
      const before = telemetry.spans().length;
      await upstreamFailure(client.get('/svc'));
      const spans = telemetry.spans().slice(before);
      expect(spans.map((span) => span.kind)).toEqual([SpanKind.INTERNAL]);
      const [call] = spans;
      expect(call!.events.map((event) => [event.name, event.attributes])).toEqual([
        [
          'nestjs_faultline.breaker_rejected',
          { 'nestjs_faultline.attempt': 0, 'nestjs_faultline.reason': 'circuit open' },
        ],
      ]);
      expect(call!.attributes).toMatchObject({
        [ATTR_ERROR_TYPE]: 'UPSTREAM_UNAVAILABLE',
        'nestjs_faultline.give_up.cause': 'breaker-open',
        'nestjs_faultline.attempts': 0,
      });
    });
  });

  it('nests the call under the active span, and keeps a traceparent the caller set', async () => {
    const client = make();
    const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await telemetry.tracer.startActiveSpan('handler', async (handler) => {
      await client.get('/mine', { headers: { traceparent: own } });
      handler.end();
    });
    const parent = telemetry.spans().find((span) => span.name === 'handler')!;
    const { call } = recorded();
    childOf(call, parent);
    expect(upstream.hitsOf('/mine')[0]!.headers.traceparent).toBe(own);
  });

  it('ends the call span when the caller aborts', async () => {
    upstream.script('/slow', 'hang');
    const client = make();
    const controller = new AbortController();
    const call = client.get('/slow', { signal: controller.signal });
    await upstream.reached('/slow');
    controller.abort(new Error('no longer needed'));
    await expect(call).rejects.toThrow('no longer needed');
    const recordedCall = recorded().call;
    expect(recordedCall.attributes).toMatchObject({ [ATTR_ERROR_TYPE]: 'aborted' });
    expect(recordedCall.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("ends the call span with the class of the app's own failure, not its message", async () => {
    const client = make();
    client.interceptors.response.use(() => {
      throw new TypeError('cannot read token=secret');
    });
    await expect(client.get('/fine')).rejects.toThrow(TypeError);
    const { call, attempts } = recorded();
    expect(attempts).toHaveLength(1);
    expect(call.attributes).toMatchObject({ [ATTR_ERROR_TYPE]: 'TypeError' });
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR, message: 'TypeError' });
  });

  it('gives calls made on axiosRef directly their attempt spans, under the active span', async () => {
    const client = make();
    await telemetry.tracer.startActiveSpan('handler', async (handler) => {
      await client.axiosRef.get('/direct');
      handler.end();
    });
    const spans = telemetry.spans();
    const parent = spans.find((span) => span.name === 'handler')!;
    const attempts = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(attempts).toHaveLength(1);
    expect(spans.filter((span) => span.kind === SpanKind.INTERNAL && span !== parent)).toEqual([]);
    childOf(attempts[0]!, parent);
    expect(upstream.hitsOf('/direct')[0]!.headers.traceparent).toBe(traceparentOf(attempts[0]!));
  });

  it('with telemetry: false, makes no span and sends no traceparent', async () => {
    const client = make({ telemetry: false });
    await telemetry.tracer.startActiveSpan('handler', async (handler) => {
      await client.get('/quiet');
      handler.end();
    });
    expect(telemetry.spans().map((span) => span.name)).toEqual(['handler']);
    expect(upstream.hitsOf('/quiet')[0]!.headers).not.toHaveProperty('traceparent');
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
