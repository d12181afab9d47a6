import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeMatchers } from '../src/testing/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { expectEnvelope, stable } from './fixtures/envelope.js';
import { ADAPTERS, createTestApp, type AdapterName } from './fixtures/test-app.js';

expect.extend(envelopeMatchers);

const LEAKS = /hunter2|10\.0\.0\.7|db\.internal|password|stack|at \w+ \(|secret=|\.ts:\d+/i;

describe.each(ADAPTERS)('every failure leaves as the envelope (%s)', (adapter) => {
  let app: INestApplication;
  const get = (path: string) => request(app.getHttpServer()).get(path).set('Accept-Language', 'en');

  beforeAll(async () => {
    app = await createTestApp(adapter);
  });
  afterAll(async () => {
    await app.close();
  });

  it('renders a domain exception with params, details and its catalog status', async () => {
    const res = await request(app.getHttpServer()).get('/users/42?token=abc');
    expect(res).toBeEnvelope({
      entry: AppErrors.USER_NOT_FOUND,
      message: '用户 42 不存在',
      details: { id: '42' },
      path: '/users/42',
      locale: 'zh-CN',
    });
  });

  it('looks a domain exception up by reason, and answers an unknown one with a 500', async () => {
    const known = await get('/domain/ORDER_LOCKED');
    expect(known.status).toBe(409);
    expect(known.body).toMatchObject({ code: 10002, reason: 'ORDER_LOCKED', message: 'The order is locked' });
    const unknown = await get('/domain/NO_SUCH_REASON');
    expect(unknown.status).toBe(500);
    expect(unknown.body).toMatchObject({ code: 500, reason: 'INTERNAL_ERROR' });
  });

  it('keeps a 5xx domain exception and never sends its cause', async () => {
    const res = await get('/ledger');
    expect(res).toBeEnvelope({ entry: AppErrors.LEDGER_BROKEN, details: undefined });
    expect(res.text).not.toContain('ledger db down');
  });

  it.each([
    ['/http/not-found', 404, 'NOT_FOUND', { message: 'No such order' }],
    ['/http/forbidden', 403, 'FORBIDDEN', undefined],
    ['/http/list', 400, 'BAD_REQUEST', { messages: ['first problem', 'second problem'] }],
    ['/http/teapot', 418, 'I_M_A_TEAPOT', { message: 'short and stout' }],
    ['/http/internal', 500, 'INTERNAL_ERROR', undefined],
    ['/http/object', 422, 'UNPROCESSABLE_ENTITY', undefined],
    ['/int/abc', 400, 'BAD_REQUEST', { message: 'Validation failed (numeric string is expected)' }],
  ])('maps the HttpException of %s to its status entry', async (path, status, reason, details) => {
    const res = await get(path);
    expect(res).toBeEnvelope({ status, code: status, reason, details });
    expect(res.text).not.toMatch(LEAKS);
  });

  it.each([
    ['/crash', 'Error with a cause'],
    ['/throw/string', 'a thrown string'],
    ['/throw/object', 'a thrown object'],
    ['/throw/null', 'null'],
    ['/throw/undefined', 'undefined'],
    ['/throw/number', 'a number'],
    ['/async-reject', 'an async rejection'],
    ['/broken-guard', 'an Error in a guard'],
  ])('answers %s (%s) with a generic 500', async (path) => {
    const res = await get(path);
    expect(res).toBeEnvelope({
      status: 500,
      code: 500,
      reason: 'INTERNAL_ERROR',
      message: 'Internal server error',
      details: undefined,
    });
    expect(res.text).not.toMatch(LEAKS);
    expect(res.text).not.toContain('plain string thrown');
  });

  it('renders errors thrown in guards, interceptors and middleware', async () => {
    expect((await get('/guarded')).body).toMatchObject({ code: 401, reason: 'UNAUTHORIZED' });
    expect((await get('/intercepted')).body).toMatchObject({ code: 10002, reason: 'ORDER_LOCKED' });
    const middleware = await get('/middleware-fail');
    expect(middleware.status).toBe(403);
    expect(middleware.body).toMatchObject({
      reason: 'FORBIDDEN',
      details: { message: 'middleware says no' },
    });
  });

  it('answers an unknown route with 404 and echoes neither the query string nor the router text', async () => {
    const res = await get('/no/such/route?secret=s3cr3t#frag');
    expect(res).toBeEnvelope({
      status: 404,
      code: 404,
      reason: 'NOT_FOUND',
      path: '/no/such/route',
      details: undefined,
    });
    expect(res.text).not.toContain('s3cr3t');
  });

  it('answers a malformed URL with 400 and does not echo it', async () => {
    const res = await get('/users/%E0%A4%A?x=%ZZ');
    expect(res.status).toBe(400);
    expect(expectEnvelope(res.body)).toMatchObject({
      code: 400,
      reason: 'BAD_REQUEST',
      path: '/users/%E0%A4%A',
    });
    expect(res.body.details).toBeUndefined();
    expect(res.text).not.toMatch(/URI malformed|valid url component|FST_/);
  });

  it('answers a malformed URL that matches no route with 400 too', async () => {
    const res = await get('/no/such/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(expectEnvelope(res.body)).toMatchObject({ code: 400, reason: 'BAD_REQUEST' });
    expect(res.body.details).toBeUndefined();
  });

  it('answers malformed JSON with 400 MALFORMED_JSON and no parser internals', async () => {
    const res = await request(app.getHttpServer())
      .post('/orders')
      .set('Content-Type', 'application/json')
      .set('Accept-Language', 'en')
      .send('{"name": "abc", oops}');
    expect(res.status).toBe(400);
    expect(expectEnvelope(res.body)).toMatchObject({
      code: 40002,
      reason: 'MALFORMED_JSON',
      message: 'The request body is not valid JSON',
    });
    expect(res.body.details).toBeUndefined();
    expect(res.text).not.toMatch(/Unexpected token|position|JSON\.parse|oops/);
  });

  it('answers a body over the limit with 413', async () => {
    const res = await request(app.getHttpServer())
      .post('/orders')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(300 * 1024) }));
    expect(res.status).toBe(413);
    expect(expectEnvelope(res.body)).toMatchObject({ code: 413, reason: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers an unsupported media type with 415', async () => {
    // The content type each adapter cannot parse: Fastify has no parser for
    // text/xml; Express' JSON parser refuses a charset it cannot decode.
    const contentType = adapter === 'fastify' ? 'text/xml' : 'application/json; charset=latin2';
    const res = await request(app.getHttpServer())
      .post('/orders')
      .set('Content-Type', contentType)
      .send('{}');
    expect(res.status).toBe(415);
    expect(expectEnvelope(res.body)).toMatchObject({ code: 415, reason: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(res.text).not.toMatch(/latin2|FST_/i);
  });

  it('does not crash or write twice when a handler fails after the headers were sent', async () => {
    const failed = await request(app.getHttpServer())
      .get('/after-headers')
      .then(
        (res) => ({ status: res.status, text: res.text }),
        (error: Error) => ({ status: 0, text: error.message }),
      );
    // The partial answer is cut off (the client sees a failure, not a short success)
    expect(failed.text).not.toContain('INTERNAL_ERROR');
    expect(failed.status).toBe(0);
    const next = await get('/ok');
    expect(next.status).toBe(200);
  });

  it.runIf(adapter === 'fastify')(
    'answers an over-long route parameter with 414 (Fastify router)',
    async () => {
      const res = await get(`/users/${'a'.repeat(150)}`);
      expect(res.status).toBe(414);
      expect(expectEnvelope(res.body)).toMatchObject({ code: 414, reason: 'URI_TOO_LONG' });
    },
  );

  it('keeps CORS headers on error answers', async () => {
    const corsApp = await createTestApp(adapter, undefined, {
      configure: (nest) =>
        nest.enableCors({ origin: 'https://app.example.com', exposedHeaders: ['X-Request-Id'] }),
    });
    try {
      for (const path of ['/users/7', '/crash', '/nope']) {
        const res = await request(corsApp.getHttpServer()).get(path).set('Origin', 'https://app.example.com');
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
        expect(res.headers['access-control-expose-headers']).toBe('X-Request-Id');
      }
    } finally {
      await corsApp.close();
    }
  });

  it('sends an error answer with its length in bytes and no ETag, and no body to HEAD', async () => {
    const res = await request(app.getHttpServer()).get('/users/42');
    expect(res.status).toBe(404);
    expect(res.headers['etag']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    const head = await request(app.getHttpServer()).head('/users/42');
    expect(head.status).toBe(404);
    expect(head.headers['content-length']).toBe(res.headers['content-length']);
    expect(head.text ?? '').toBe('');
  });

  it('leaves its length header to be read back as a success answer’s is', async () => {
    const lengths: Record<string, unknown> = {};
    const lengthsApp = await createTestApp(adapter, undefined, {
      configure: (nest) =>
        nest.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
          res.on('finish', () => (lengths[req.url!] = res.getHeader('content-length')));
          next();
        }),
    });
    try {
      for (const path of ['/users/1', '/users/42', '/crash'])
        await request(lengthsApp.getHttpServer()).get(path);
      // as Express' res.send leaves it; Fastify writes its headers without keeping them on the response
      const kind = typeof lengths['/users/1'];
      expect(kind).toBe(adapter === 'express' ? 'string' : 'undefined');
      expect([typeof lengths['/users/42'], typeof lengths['/crash']]).toEqual([kind, kind]);
    } finally {
      await lengthsApp.close();
    }
  });

  it('drops the headers that described a body it does not send, wherever the handler set them', async () => {
    const res = await get('/stale-headers');
    expect(res.status).toBe(500);
    const stale = ['etag', 'last-modified', 'content-disposition', 'content-encoding', 'content-range'];
    expect(stale.filter((name) => res.headers[name] !== undefined)).toEqual([]);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect(res.headers['x-kept']).toBe('yes');
    expect(expectEnvelope(res.body)).toMatchObject({ code: 500, reason: 'INTERNAL_ERROR' });
  });

  it('leaves successful answers alone', async () => {
    const res = await get('/users/1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: '1', name: 'Ada' });
  });
});

describe("Fastify's own hooks see error answers", () => {
  const sent: { status: number; payload: unknown }[] = [];
  const finished: number[] = [];
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp('fastify', undefined, {
      configure: (created) => {
        const fastify = (created as NestFastifyApplication).getHttpAdapter().getInstance();
        fastify.addHook('onSend', (_request, reply, payload, done) => {
          sent.push({ status: reply.statusCode, payload });
          done(null, payload);
        });
        fastify.addHook('onResponse', (_request, reply, done) => {
          finished.push(reply.statusCode);
          done();
        });
      },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['/users/42', 404, 'USER_NOT_FOUND'],
    ['/crash', 500, 'INTERNAL_ERROR'],
  ])('%s: onSend gets the envelope as JSON text, and onResponse its status', async (path, status, reason) => {
    sent.length = 0;
    finished.length = 0;
    const res = await request(app.getHttpServer()).get(path);
    expect(res.status).toBe(status);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.status).toBe(status);
    expect(typeof sent[0]!.payload).toBe('string');
    expect(JSON.parse(sent[0]!.payload as string)).toMatchObject({ reason, requestId: res.body.requestId });
    expect(sent[0]!.payload).toBe(res.text);
    // onResponse runs once the response has finished, which may be just after the client has it
    await expect.poll(() => finished, { timeout: 10_000 }).toEqual([status]);
  });
});

describe('Express and Fastify answer with identical envelopes', () => {
  const apps = {} as Record<AdapterName, INestApplication>;

  beforeAll(async () => {
    for (const adapter of ADAPTERS) apps[adapter] = await createTestApp(adapter);
  });
  afterAll(async () => {
    for (const adapter of ADAPTERS) await apps[adapter].close();
  });

  const cases: [string, (server: INestApplication) => request.Test][] = [
    ['domain', (a) => request(a.getHttpServer()).get('/users/9')],
    ['http', (a) => request(a.getHttpServer()).get('/http/not-found')],
    ['crash', (a) => request(a.getHttpServer()).get('/crash')],
    ['guard', (a) => request(a.getHttpServer()).get('/guarded')],
    ['middleware', (a) => request(a.getHttpServer()).get('/middleware-fail')],
    ['not found', (a) => request(a.getHttpServer()).get('/nope?q=1')],
    [
      'malformed JSON',
      (a) => request(a.getHttpServer()).post('/orders').set('Content-Type', 'application/json').send('{x'),
    ],
    [
      'too large',
      (a) =>
        request(a.getHttpServer())
          .post('/orders')
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ a: 'x'.repeat(200 * 1024) })),
    ],
    [
      'validation',
      (a) =>
        request(a.getHttpServer())
          .post('/orders')
          .set('Accept-Language', 'en-US,en;q=0.9')
          .send({ name: 'ab', items: [{ sku: 1, qty: 0 }], extra: true, address: { street: 'x' } }),
    ],
  ];

  it.each(cases)('%s', async (_name, send) => {
    const [express, fastify] = await Promise.all([send(apps.express), send(apps.fastify)]);
    expect(express).toBeEnvelope();
    expect(fastify).toBeEnvelope();
    expect(fastify.status).toBe(express.status);
    expect(stable(fastify.body)).toEqual(stable(express.body));
    for (const header of ['content-type', 'content-language', 'cache-control', 'etag']) {
      expect(fastify.headers[header]).toBe(express.headers[header]);
    }
  });
});
