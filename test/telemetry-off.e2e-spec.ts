import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/index.js';
import { ADAPTERS, createTestApp } from './fixtures/test-app.js';
import { useClients, useUpstream } from './fixtures/upstream.js';

describe('OpenTelemetry installed, no SDK registered', () => {
  const upstream = useUpstream();
  const keep = useClients();
  afterEach(() => {
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('calls as before: no span, no trace context header', async () => {
    const client = keep(new ApiClient({ baseURL: upstream.url }));
    const { data } = await client.get('/plain');
    expect(data).toEqual({ ok: true });
    expect(upstream.hitsOf('/plain')[0]!.headers).not.toHaveProperty('traceparent');
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('sends no trace context with only a propagator and a context manager registered', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const client = keep(new ApiClient({ baseURL: upstream.url }));
    await client.get('/plain');
    expect(upstream.hitsOf('/plain')[0]!.headers).not.toHaveProperty('traceparent');
  });

  it('starts tracing the calls of an existing client once an SDK is registered', async () => {
    const client = keep(new ApiClient({ baseURL: upstream.url }));
    await client.get('/before');
    const spans = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    try {
      await client.get('/after');
      expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(['GET', 'ApiClient:default GET']);
      expect(upstream.hitsOf('/before')[0]!.headers).not.toHaveProperty('traceparent');
      expect(upstream.hitsOf('/after')[0]!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    } finally {
      await provider.shutdown();
    }
  });
});

describe.each(ADAPTERS)('answered failures with no SDK registered (%s)', (adapter) => {
  let app: Awaited<ReturnType<typeof createTestApp>> | undefined;
  afterAll(async () => {
    await app?.close();
  });

  it('answers 4xx and 5xx envelopes as before', async () => {
    app = await createTestApp(adapter);
    const missing = await request(app.getHttpServer()).get('/users/42');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ reason: 'USER_NOT_FOUND' });
    const crash = await request(app.getHttpServer()).get('/crash');
    expect(crash.status).toBe(500);
    expect(crash.body).toMatchObject({ reason: 'INTERNAL_ERROR' });
  });
});
