import {
  All,
  Body,
  Controller,
  Delete,
  Get,
  type INestApplication,
  Module,
  Post,
  type RawBodyRequest,
  Req,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
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

const ready = async (app: INestApplication) => {
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
};
/** Fastify's routes with their hooks, one block per route. */
const routesOf = (app: INestApplication): string =>
  app.getHttpAdapter().getInstance().printRoutes({ includeHooks: true, commonPrefix: false });

describe('the Fastify JSON shape guard, by body size', () => {
  let app: INestApplication;

  beforeAll(async () => {
    @Module({ imports: [ErrorsModule.forRoot()], controllers: [UncheckedController] })
    class UncheckedModule {}
    app = await ready(await NestFactory.create(UncheckedModule, new FastifyAdapter(), { logger: false }));
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

  it('checks the body Nest has read, before its parser: no route gets a preParsing hook', () => {
    const routes = routesOf(app);
    expect(routes).toContain('/unchecked (POST, GET, DELETE)');
    expect(routes).not.toContain('preParsing');
  });

  const chunked = (body: string) => {
    const req = request(app.getHttpServer())
      .post('/unchecked')
      .set('Content-Type', 'application/json')
      .set('Transfer-Encoding', 'chunked');
    req.write(body);
    return req;
  };

  it('holds a chunked body (no declared length) to the same size rule', async () => {
    const small = await chunked(deepBody(40, JSON_GUARD_MIN_BYTES));
    expect(small.status).toBe(201);
    const res = await chunked(tooDeep);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ constraint: 'maxDepth' });
  });
});

@Controller()
class RawBodyController {
  @Post('raw')
  raw(@Req() req: RawBodyRequest<{ body: unknown }>) {
    return { raw: req.rawBody?.length ?? null, kind: Array.isArray(req.body) ? 'array' : typeof req.body };
  }
}

const postTo = (app: INestApplication, path: string, body: string, type = 'application/json') =>
  request(app.getHttpServer()).post(path).set('Content-Type', type).send(body);

describe('the Fastify JSON shape guard, by how the app parses JSON', () => {
  const apps: INestApplication[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  const start = async (options: { rawBody?: boolean; bodyParser?: boolean }) => {
    @Module({ imports: [ErrorsModule.forRoot()], controllers: [UncheckedController, RawBodyController] })
    class ParsersModule {}
    const app = await NestFactory.create<NestFastifyApplication>(ParsersModule, new FastifyAdapter(), {
      logger: false,
      ...options,
    });
    apps.push(app);
    return app;
  };

  const tooDeep = deepBody(40, JSON_GUARD_MIN_BYTES + 1);

  it('with rawBody: refuses the body too deep, and keeps the raw bytes of one it lets through', async () => {
    const app = await ready(await start({ rawBody: true }));
    const refused = await postTo(app, '/raw', tooDeep);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ constraint: 'maxDepth', pointer: '/0'.repeat(32) });
    const body = deepBody(3, JSON_GUARD_MIN_BYTES + 1);
    const res = await postTo(app, '/raw', body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ raw: Buffer.byteLength(body), kind: 'array' });
  });

  it('covers a +json type the app parses through useBodyParser', async () => {
    const app = await start({});
    app.useBodyParser('application/vnd.api+json', {}, (_req, body, done) => {
      done(null, JSON.parse(body.toString()));
    });
    await ready(app);
    const wide = `[${'0,'.repeat(2000)}0]`.padEnd(JSON_GUARD_MIN_BYTES + 1);
    const res = await postTo(app, '/unchecked', wide, 'application/vnd.api+json');
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ constraint: 'arrayMaxSize', pointer: '' });
    const fine = await postTo(
      app,
      '/unchecked',
      deepBody(3, JSON_GUARD_MIN_BYTES + 1),
      'application/vnd.api+json',
    );
    expect(fine.status).toBe(201);
  });

  it('leaves a large body of another type to its parser', async () => {
    const app = await ready(await start({}));
    const res = await postTo(
      app,
      '/unchecked',
      `a=${'['.repeat(40)}`.padEnd(JSON_GUARD_MIN_BYTES + 1, 'x'),
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ kind: 'object' });
  });

  describe('with bodyParser: false (Fastify parses JSON itself)', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await ready(await start({ bodyParser: false }));
    });

    it('streams the body of each route that can take one through the guard', async () => {
      for (const path of ['/unchecked', '/nowhere']) {
        const res = await postTo(app, path, tooDeep);
        expect(res.status).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ constraint: 'maxDepth' });
      }
      const small = await postTo(app, '/unchecked', deepBody(40, JSON_GUARD_MIN_BYTES));
      expect(small.status).toBe(201);
    });

    it('hooks only those routes: a GET costs no turn of the preParsing runner', () => {
      const routes = routesOf(app);
      // one block per route: its path and methods, then one line per kind of hook
      const blocks = routes.split(/\n(?=\S*\s*\/)/);
      const hooksOf = (route: string) => blocks.find((block) => block.includes(route)) ?? '';
      expect(hooksOf('/unchecked (POST, DELETE)')).toMatch(/\(preParsing\) \["guardJsonBody\(\)"\]/);
      expect(hooksOf('/any (GET, HEAD, TRACE, DELETE')).toMatch(/\(preParsing\) \["guardJsonBody\(\)"\]/);
      expect(hooksOf('/unchecked (GET)')).toMatch(/\(onRequest\)/);
      expect(hooksOf('/unchecked (GET)')).not.toContain('preParsing');
      expect(hooksOf('/unchecked (HEAD)')).not.toContain('preParsing');
    });
  });
});
