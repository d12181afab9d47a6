import SwaggerParser from '@apidevtools/swagger-parser';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoApp, type DemoAdapter } from '../sample/app.module.js';
import { FlakyUpstream } from '../sample/flaky-upstream.js';

describe.each<DemoAdapter>(['express', 'fastify'])('demo app on %s', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createDemoApp(adapter, { logger: false });
    await app.init();
    if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app?.close());

  it('creates a valid order', async () => {
    const res = await request(app.getHttpServer())
      .post('/orders')
      .send({ customer: 'Alice', email: 'alice@example.com', items: [{ sku: 'A-1', qty: 2 }] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 'ord_1', customer: 'Alice', items: 1 });
  });

  it('rejects an invalid order with field errors', async () => {
    const res = await request(app.getHttpServer())
      .post('/orders')
      .send({ customer: 'Al', email: 'nope', items: [{ sku: '', qty: 0 }] });
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'customer',
      'email',
      'items[0].sku',
      'items[0].qty',
    ]);
  });

  it('answers malformed JSON with MALFORMED_JSON', async () => {
    const res = await request(app.getHttpServer())
      .post('/orders')
      .set('Content-Type', 'application/json')
      .send('{"customer":');
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('MALFORMED_JSON');
  });

  it('returns a known user', async () => {
    const res = await request(app.getHttpServer()).get('/users/1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: '1', name: 'Ada Lovelace' });
  });

  it('answers an unknown user with the localized domain error', async () => {
    const res = await request(app.getHttpServer()).get('/users/42').set('Accept-Language', 'en');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      code: 10001,
      reason: 'USER_NOT_FOUND',
      message: 'User 42 not found',
      details: { id: '42' },
    });
  });

  it('answers an unknown route with NOT_FOUND', async () => {
    const res = await request(app.getHttpServer()).get('/nowhere');
    expect(res.status).toBe(404);
    expect(res.body.reason).toBe('NOT_FOUND');
  });

  it('hides the details of a crash', async () => {
    const res = await request(app.getHttpServer()).get('/crash');
    expect(res.status).toBe(500);
    expect(res.body.reason).toBe('INTERNAL_ERROR');
    expect(res.text).not.toMatch(/s3cr3t|ECONNREFUSED|db\.internal/);
  });

  it('answers a quote after the upstream failed twice', async () => {
    const res = await request(app.getHttpServer()).get('/quotes/acme');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ symbol: 'ACME', price: 187.42, currency: 'USD' });
    expect(app.get(FlakyUpstream).hits.get('/quotes/acme')).toBe(3);
  });

  it('answers a failing upstream with UPSTREAM_ERROR and none of its details', async () => {
    const upstream = app.get(FlakyUpstream);
    const res = await request(app.getHttpServer()).get('/quotes-down');
    expect(res.status).toBe(502);
    expect(res.body.reason).toBe('UPSTREAM_ERROR');
    expect(upstream.hits.get('/down')).toBe(4);
    const { port } = new URL(upstream.url);
    for (const leak of ['10.1.2.3', 'pool exhausted', '127.0.0.1', `:${port}`]) {
      expect(res.text).not.toContain(leak);
    }
  });

  it("serves Swagger UI at /docs and, at /docs-json, a valid document with each route's errors", async () => {
    const page = await request(app.getHttpServer()).get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const res = await request(app.getHttpServer()).get('/docs-json');
    expect(res.status).toBe(200);
    const document = JSON.parse(res.text) as {
      paths: Record<string, Record<string, { responses: Record<string, any> }>>;
    };
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    const reasons = (path: string, method: string) =>
      Object.fromEntries(
        Object.entries(document.paths[path]![method]!.responses)
          .filter(([status]) => Number(status) >= 400)
          .map(([status, response]) => [
            status,
            response.content['application/json'].schema.allOf[1].properties.reason.enum,
          ]),
      );
    expect(reasons('/users/{id}', 'get')).toEqual({ '404': ['USER_NOT_FOUND'], '500': ['INTERNAL_ERROR'] });
    expect(reasons('/orders', 'post')).toEqual({
      '400': ['MALFORMED_JSON', 'VALIDATION_FAILED'],
      '413': ['PAYLOAD_TOO_LARGE'],
      '500': ['INTERNAL_ERROR'],
    });
    expect(reasons('/quotes/{symbol}', 'get')).toEqual({
      '500': ['INTERNAL_ERROR'],
      '502': ['UPSTREAM_ERROR'],
      '503': ['UPSTREAM_UNAVAILABLE'],
      '504': ['UPSTREAM_TIMEOUT'],
    });
    expect(reasons('/crash', 'get')).toEqual({ '500': ['INTERNAL_ERROR'] });
    const notFound = document.paths['/users/{id}']!['get']!.responses['404'].content['application/json'];
    expect(notFound.examples.USER_NOT_FOUND.value).toMatchObject({
      code: 10001,
      reason: 'USER_NOT_FOUND',
      message: '用户 {id} 不存在',
      path: '/users/{id}',
    });
  });

  it('answers past the deadline its caller sent with DEADLINE_EXCEEDED, cutting the call short', async () => {
    const started = performance.now();
    const res = await request(app.getHttpServer()).get('/quotes-patient').set('grpc-timeout', '300m');
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ code: 50402, reason: 'DEADLINE_EXCEEDED', details: { timeoutMs: 300 } });
    // neither the app's own 3 s nor the call's 10 s
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it('answers a slow upstream with UPSTREAM_TIMEOUT within the deadline', async () => {
    const started = performance.now();
    const res = await request(app.getHttpServer()).get('/quotes-slow');
    expect(res.status).toBe(504);
    expect(res.body.reason).toBe('UPSTREAM_TIMEOUT');
    // the 1.5 s deadline, not the upstream's 10 s, ended it
    expect(performance.now() - started).toBeLessThan(8000);
  });
});
