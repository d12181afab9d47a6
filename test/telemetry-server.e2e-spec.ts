import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, DomainException, envelopeFrameworkErrors, ErrorsModule } from '../src/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { ADAPTERS, type AdapterName } from './fixtures/test-app.js';
import { useTelemetry } from './fixtures/telemetry.js';
import { until, useUpstream } from './fixtures/upstream.js';

@Controller()
class SpannedController {
  constructor(private readonly client: ApiClient) {}

  @Get('users/:id')
  user(): never {
    throw new DomainException(AppErrors.USER_NOT_FOUND, { params: { id: '42' } });
  }

  @Get('fine')
  fine() {
    return { fine: true };
  }

  @Get('crash')
  crash(): never {
    throw new Error('database password=hunter2 refused');
  }

  @Get('proxy')
  async proxy() {
    return (await this.client.get('/down')).data;
  }
}

/**
 * Serves every request inside a SERVER span, as an HTTP instrumentation
 * would: started before the app sees the request, active while it is served,
 * ended when the response closes.
 */
function serveInSpans(app: INestApplication, adapter: AdapterName, tracer: Tracer): void {
  const serve = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const span = tracer.startSpan(`${req.method} ${req.url}`, { kind: SpanKind.SERVER });
    res.once('close', () => span.end());
    context.with(trace.setSpan(context.active(), span), next);
  };
  if (adapter === 'express') {
    app.use(serve);
    return;
  }
  app
    .getHttpAdapter()
    .getInstance()
    .addHook(
      'onRequest',
      (incoming: { raw: IncomingMessage }, reply: { raw: ServerResponse }, done: () => void) =>
        serve(incoming.raw, reply.raw, done),
    );
}

describe.each(ADAPTERS)('the answered failure on the server span (%s)', (adapter) => {
  const telemetry = useTelemetry();
  const upstream = useUpstream();
  let app: INestApplication;

  beforeAll(async () => {
    @Module({
      imports: [
        ErrorsModule.forRoot({
          errors: [AppErrors],
          client: { baseURL: upstream.url, retry: false },
        }),
      ],
      controllers: [SpannedController],
    })
    class SpannedModule {}
    const httpAdapter =
      adapter === 'express'
        ? new ExpressAdapter()
        : new FastifyAdapter({ frameworkErrors: envelopeFrameworkErrors });
    app = await NestFactory.create(SpannedModule, httpAdapter, { logger: false, abortOnError: false });
    serveInSpans(app, adapter, telemetry.tracer);
    await app.init();
    if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app.close();
  });

  /** The server span of the one request a case made, once it has ended. */
  async function serverSpan(): Promise<ReadableSpan> {
    await until(() => telemetry.spans().some((span) => span.kind === SpanKind.SERVER));
    const spans = telemetry.spans().filter((span) => span.kind === SpanKind.SERVER);
    expect(spans).toHaveLength(1);
    return spans[0]!;
  }

  it('records a 4xx: reason as error.type, code, status and request id; the span is no error', async () => {
    const res = await request(app.getHttpServer())
      .get('/users/42')
      .set('X-Request-Id', 'req-404')
      .expect(404);
    expect(res.body).toMatchObject({ reason: 'USER_NOT_FOUND', requestId: 'req-404' });
    const span = await serverSpan();
    expect(span.attributes).toEqual({
      [ATTR_ERROR_TYPE]: 'USER_NOT_FOUND',
      'nestjs_faultline.error.code': 10001,
      'nestjs_faultline.error.status': 404,
      'nestjs_faultline.request_id': 'req-404',
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a 5xx as an error', async () => {
    const res = await request(app.getHttpServer()).get('/crash').expect(500);
    const span = await serverSpan();
    expect(span.attributes).toMatchObject({
      [ATTR_ERROR_TYPE]: 'INTERNAL_ERROR',
      'nestjs_faultline.error.code': 500,
      'nestjs_faultline.error.status': 500,
      'nestjs_faultline.request_id': res.body.requestId,
    });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'INTERNAL_ERROR' });
  });

  it('leaves a success alone', async () => {
    await request(app.getHttpServer()).get('/fine').expect(200);
    const span = await serverSpan();
    expect(span.attributes).toEqual({});
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('shows an upstream failure under the request: the call span its child, the 502 on the server span', async () => {
    upstream.script('/down', { status: 503 });
    await request(app.getHttpServer()).get('/proxy').expect(502);
    const server = await serverSpan();
    expect(server.attributes).toMatchObject({
      [ATTR_ERROR_TYPE]: 'UPSTREAM_ERROR',
      'nestjs_faultline.error.code': 50201,
    });
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    const call = telemetry.spans().find((span) => span.name === 'ApiClient:default GET')!;
    expect(call.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(call.attributes).toMatchObject({
      [ATTR_ERROR_TYPE]: 'UPSTREAM_ERROR',
      'nestjs_faultline.request_id': server.attributes['nestjs_faultline.request_id'],
    });
  });
});
