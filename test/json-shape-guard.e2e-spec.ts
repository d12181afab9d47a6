import { All, Body, Controller, Delete, Get, type INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_GUARD_MIN_BYTES } from '../src/errors/json-shape-guard.js';
import { ErrorsModule } from '../src/index.js';

@Controller()
class UncheckedController {
  /** Takes any JSON: the validation pipe has no class to check it against, only the guard sees it. */
  @Post('unchecked')
  unchecked(@Body() body: unknown) {
    return { kind: Array.isArray(body) ? 'array' : typeof body };
  }

  @Get('unchecked')
  read() {
    return { kind: 'none' };
  }

  @Delete('unchecked')
  remove(@Body() body: unknown) {
    return { kind: Array.isArray(body) ? 'array' : typeof body };
  }

  @All('any')
  any(@Body() body: unknown) {
    return { kind: Array.isArray(body) ? 'array' : typeof body };
  }
}

/** `[[[...]]]`, padded with spaces to `bytes`. */
const deepBody = (depth: number, bytes: number) => {
  const text = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  return text + ' '.repeat(Math.max(0, bytes - text.length));
};

describe('the Fastify JSON shape guard, by body size', () => {
  let app: INestApplication;

  beforeAll(async () => {
    @Module({ imports: [ErrorsModule.forRoot()], controllers: [UncheckedController] })
    class UncheckedModule {}
    app = await NestFactory.create(UncheckedModule, new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  const send = (method: 'post' | 'delete', path: string, body: string) =>
    request(app.getHttpServer())[method](path).set('Content-Type', 'application/json').send(body);
  const post = (body: string) => send('post', '/unchecked', body);
  const tooDeep = deepBody(40, JSON_GUARD_MIN_BYTES + 1);

  it('leaves a body of a small declared length to the parser (cheaper than streaming it through the guard)', async () => {
    const res = await post(deepBody(40, JSON_GUARD_MIN_BYTES));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ kind: 'array' });
  });

  it('refuses a larger body too deep before it is parsed', async () => {
    const res = await post(tooDeep);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ reason: 'VALIDATION_FAILED' });
    expect(res.body.errors[0]).toMatchObject({ constraint: 'maxDepth' });
  });

  it.each([
    ['on any method Fastify reads a body for', 'delete', '/unchecked'],
    ['sent to an unknown route (Fastify parses it there too)', 'post', '/nowhere'],
  ] as const)('refuses a larger body too deep %s', async (_, method, path) => {
    const res = await send(method, path, tooDeep);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ constraint: 'maxDepth' });
  });

  it('answers an unknown route 404 when its body is within the bounds', async () => {
    const res = await send('post', '/nowhere', deepBody(3, JSON_GUARD_MIN_BYTES + 1));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ reason: 'NOT_FOUND' });
  });

  it('hooks only the routes Fastify reads a body for: a GET costs no turn of the preParsing runner', () => {
    const routes: string = app
      .getHttpAdapter()
      .getInstance()
      .printRoutes({ includeHooks: true, commonPrefix: false });
    // one block per route: its path and methods, then one line per kind of hook
    const blocks = routes.split(/\n(?=\S*\s*\/)/);
    const hooksOf = (route: string) => blocks.find((block) => block.includes(route)) ?? '';
    expect(hooksOf('/unchecked (POST, DELETE)')).toMatch(/\(preParsing\) \["guardJsonBody\(\)"\]/);
    expect(hooksOf('/any (GET, HEAD, TRACE, DELETE')).toMatch(/\(preParsing\) \["guardJsonBody\(\)"\]/);
    expect(hooksOf('/unchecked (GET)')).toMatch(/\(onRequest\)/);
    expect(hooksOf('/unchecked (GET)')).not.toContain('preParsing');
    expect(hooksOf('/unchecked (HEAD)')).not.toContain('preParsing');
  });

  it('refuses a chunked body (no declared length) too deep, however small', async () => {
    const req = request(app.getHttpServer())
      .post('/unchecked')
      .set('Content-Type', 'application/json')
      .set('Transfer-Encoding', 'chunked');
    req.write(deepBody(40, 0));
    const res = await req;
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ constraint: 'maxDepth' });
  });
});
