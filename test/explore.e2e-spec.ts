import request from 'supertest';
import { describe, it, afterAll, beforeAll } from 'vitest';
import { ADAPTERS, createTestApp } from './fixtures/test-app.js';
import type { INestApplication } from '@nestjs/common';

describe.each(ADAPTERS)('explore %s', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => { app = await createTestApp(adapter); });
  afterAll(async () => { await app.close(); });
  it('prints', async () => {
    const s = app.getHttpServer();
    const show = (r: request.Response) => console.log(adapter, r.req.method, (r.req as any).path, r.status, r.headers['content-type'], r.headers['x-request-id'], r.text.slice(0, 400));
    show(await request(s).get('/users/42?x=1'));
    show(await request(s).post('/orders').set('Content-Type', 'application/json').send('{"bad json'));
    show(await request(s).post('/orders').set('Content-Type', 'application/json').send(''));
    show(await request(s).post('/orders').send({ name: 'ab', email: 'x', items: [{ sku: 1, qty: 0 }, 'str'], extra: 1, address: 5 }));
    show(await request(s).post('/orders').set('Content-Type', 'application/json').send(JSON.stringify({ name: 'x'.repeat(200000) })));
    show(await request(s).post('/orders').set('Content-Type', 'text/xml').send('<a/>'));
    show(await request(s).post('/orders').set('Content-Type', 'application/json; charset=latin2').send('{}'));
    show(await request(s).get('/nope?secret=1'));
    show(await request(s).get('/crash'));
    show(await request(s).get('/throw/null'));
    show(await request(s).get('/guarded'));
    show(await request(s).get('/middleware-fail'));
    show(await request(s).get('/int/abc'));
    show(await request(s).get('/http/teapot'));
    show(await request(s).get('/after-headers').catch((e) => ({ status: 'ERR ' + e.message, text: '', headers: {}, req: { method: 'GET', path: '/after-headers' } }) as any));
    show(await request(s).get('/ok'));
  });
});
