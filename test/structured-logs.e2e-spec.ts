/**
 * The failure line as fields through nestjs-pino: pino-http's request log
 * and ours carry one request id, the envelope's, on both adapters.
 */
import { type INestApplication, Module, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { LoggerModule, Logger as PinoNestLogger, type Params } from 'nestjs-pino';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorsModule, type ErrorsModuleOptions, requestIdOf } from '../src/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { UUID } from './fixtures/envelope.js';
import { PinoLines } from './fixtures/pino-lines.js';
import { ADAPTERS, type AdapterName, TestController } from './fixtures/test-app.js';

const pino = new PinoLines();
/** pino-http writes the request's headers on every line of the request, ours included. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];
const genReqId = (req: unknown): string => requestIdOf(req);

/** nestjs-pino as the README sets it up (one pino-http per process, so one for this file). */
const PINO: Params = {
  pinoHttp: [{ genReqId, redact: [...REDACTED] }, pino],
  forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
};

async function pinoApp(adapter: AdapterName, options: ErrorsModuleOptions = {}): Promise<INestApplication> {
  @Module({
    imports: [ErrorsModule.forRoot({ errors: [AppErrors], ...options }), LoggerModule.forRoot(PINO)],
    controllers: [TestController],
  })
  class PinoAppModule {}
  const http = adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter({ genReqId });
  const app = await NestFactory.create(PinoAppModule, http, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(PinoNestLogger));
  await app.init();
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  pino.clear();
  return app;
}

describe.each(ADAPTERS)('failure lines through nestjs-pino on %s', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('carry the facts as fields, under the id of the envelope, the header and pino-http’s request log', async () => {
    app = await pinoApp(adapter);
    const res = await request(app.getHttpServer())
      .get('/users/7')
      .set('Authorization', 'Bearer SECRET-TOKEN-1')
      .set('Cookie', 'session=SECRET-COOKIE-1');
    expect(res.status).toBe(404);
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(UUID);
    expect(res.body.requestId).toBe(id);

    const { failure, http } = await pino.ofRequest(id, '/users/7');
    expect(failure).toMatchObject({
      level: 40,
      msg: expect.stringMatching(
        new RegExp(`^GET /users/7 404 USER_NOT_FOUND\\(10001\\) requestId=${id} \\d+\\.\\dms$`),
      ),
      method: 'GET',
      path: '/users/7',
      status: 404,
      code: 10001,
      reason: 'USER_NOT_FOUND',
      requestId: id,
      durationMs: expect.any(Number),
    });
    expect(failure.msg).toContain(` ${(failure['durationMs'] as number).toFixed(1)}ms`);
    // written inside the request's logging context: pino-http's req binding, with the same id
    expect(failure.req?.id).toBe(id);
    expect(http).toMatchObject({ msg: 'request completed', req: { id }, res: { statusCode: 404 } });
    expect(failure.req).toMatchObject({ headers: { authorization: '[Redacted]', cookie: '[Redacted]' } });
    expect(JSON.stringify(pino.lines)).not.toMatch(/SECRET-/);
  });

  it('reuse a safe inbound id everywhere, and give a 5xx its exception as err', async () => {
    app = await pinoApp(adapter);
    const res = await request(app.getHttpServer()).get('/crash').set('X-Request-Id', 'trace-5xx.1');
    expect(res.status).toBe(500);
    expect(res.headers['x-request-id']).toBe('trace-5xx.1');
    expect(res.body.requestId).toBe('trace-5xx.1');

    const { failure, http } = await pino.ofRequest('trace-5xx.1', '/crash');
    expect(failure).toMatchObject({ level: 50, status: 500, reason: 'INTERNAL_ERROR', code: 500 });
    expect(failure.req?.id).toBe('trace-5xx.1');
    const err = failure['err'] as Record<string, string>;
    expect(Object.keys(err)).toEqual(['type', 'message', 'stack']);
    expect(err['type']).toBe('Error');
    expect(err['message']).toBe('connect ECONNREFUSED db.internal:5432 password=hunter2');
    expect(err['stack']).toMatch(/^Error: connect ECONNREFUSED [^\n]*\n\s+at /);
    expect(err['stack']).toContain('\nCaused by: Error: root cause: socket closed\n');
    expect(http).toMatchObject({
      msg: 'request errored',
      req: { id: 'trace-5xx.1' },
      res: { statusCode: 500 },
    });
  });

  it('carry a 4xx’s cause and the details left out of the answer as fields of their own', async () => {
    app = await pinoApp(adapter);
    const server = app.getHttpServer();
    await request(server).get('/locked').set('X-Request-Id', 'locked-1').expect(409);
    await request(server).get('/big-details').set('X-Request-Id', 'details-1').expect(409);

    const locked = (await pino.ofRequest('locked-1', '/locked')).failure;
    expect(locked['cause']).toBe('Error: row lock held by tx 42 <- Error: deadlock detected');
    expect(locked.msg).not.toContain('cause:');
    const details = (await pino.ofRequest('details-1', '/big-details')).failure;
    expect(JSON.parse(details['details'] as string)).toMatchObject({ tail: 'end-of-details' });
    expect(details.msg).not.toContain('details:');
  });

  it('carry the request id of a request with a body that fails validation', async () => {
    app = await pinoApp(adapter);
    const res = await request(app.getHttpServer())
      .post('/orders')
      .set('X-Request-Id', 'post-1')
      .send({ items: 'not a list' });
    expect(res.status).toBe(400);
    const { failure, http } = await pino.ofRequest('post-1', '/orders');
    expect(failure).toMatchObject({ status: 400, reason: 'VALIDATION_FAILED', requestId: 'post-1' });
    expect(http.req?.id).toBe('post-1');
  });

  it('sum up what the log protection left out in fields, at shutdown', async () => {
    app = await pinoApp(adapter, { logRateLimit: { lines: 1, intervalMs: 60_000 } });
    const server = app.getHttpServer();
    for (const id of ['burst-1', 'burst-2', 'burst-3']) {
      await request(server).get('/users/7').set('X-Request-Id', id).expect(404);
    }
    await app.close();
    app = undefined;
    const summary = await pino.next((line) => line['kind'] !== undefined);
    expect(summary).toMatchObject({
      level: 40,
      context: 'ErrorEnvelope',
      msg: expect.stringMatching(
        /^404 USER_NOT_FOUND\(10001\): 2 more like it left out of the log in \d+\.\ds$/,
      ),
      kind: '404 USER_NOT_FOUND(10001)',
      status: 404,
      reason: 'USER_NOT_FOUND',
      code: 10001,
      suppressed: 2,
      windowMs: expect.any(Number),
    });
    expect(pino.lines.filter((line) => line.context === 'ErrorEnvelope')).toHaveLength(2);
  });

  it('stay text with logFormat text', async () => {
    app = await pinoApp(adapter, { logFormat: 'text' });
    await request(app.getHttpServer()).get('/users/7').set('X-Request-Id', 'text-1').expect(404);
    const line = await pino.next((entry) => entry.context === 'ErrorEnvelope');
    expect(line.msg).toMatch(/^GET \/users\/7 404 USER_NOT_FOUND\(10001\) requestId=text-1 \d+\.\dms$/);
    expect(line).not.toHaveProperty('requestId');
    expect(line).not.toHaveProperty('status');
  });
});
