import { Body, Controller, Get, type INestApplication, Module, Param, Post, Req, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { IncomingMessage } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorsModule } from '../src/index.js';
import { AppErrors } from './fixtures/app-errors.js';

type Fields = Record<string, unknown>;

/** What Express and its router gave the request and response by the time the handler runs. */
function fieldsOf(req: Fields, res: Fields) {
  return {
    params: req.params,
    baseUrl: req.baseUrl,
    originalUrl: req.originalUrl,
    nextIsFunction: typeof req.next === 'function',
    routePath: (req.route as { path?: string } | undefined)?.path,
    body: req.body ?? null,
    locals: Object.getPrototypeOf(res.locals) === null && typeof res.locals === 'object',
    parsedPath: (req['_parsedUrl'] as { pathname?: string } | undefined)?.pathname,
  };
}

@Controller()
class FieldsController {
  @Get('users/:id')
  user(@Param('id') id: string, @Req() req: Fields, @Res({ passthrough: true }) res: Fields) {
    return { id, ...fieldsOf(req, res) };
  }

  @Post('orders')
  order(@Body() body: unknown, @Req() req: Fields, @Res({ passthrough: true }) res: Fields) {
    return { received: body, ...fieldsOf(req, res) };
  }
}

async function createApp(options: Parameters<typeof ErrorsModule.forRoot>[0]): Promise<INestApplication> {
  @Module({ imports: [ErrorsModule.forRoot(options)], controllers: [FieldsController] })
  class FieldsModule {}
  const app = await NestFactory.create(FieldsModule, new ExpressAdapter(), { logger: false });
  await app.init();
  return app;
}

/** A wrapper in front of Express that gives the request a body of its own. */
function preset(req: IncomingMessage): void {
  (req as unknown as Fields).body = { from: 'wrapper' };
}

describe.each([
  ['the defaults', { errors: [AppErrors] }],
  ['asyncContext and a deadline', { errors: [AppErrors], asyncContext: true, requestTimeoutMs: 30_000 }],
])('Express fields given before Express runs (%s)', (_name, options) => {
  let app: INestApplication;
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    app = await createApp(options);
  });
  afterAll(async () => {
    await app.close();
  });

  it('leaves Express, its router and its body parser to fill them as they would', async () => {
    const res = await request(server()).get('/users/7?x=1').expect(200);
    expect(res.body).toEqual({
      id: '7',
      params: { id: '7' },
      baseUrl: '',
      originalUrl: '/users/7?x=1',
      nextIsFunction: true,
      routePath: '/users/:id',
      body: null,
      locals: true,
      parsedPath: '/users/7',
    });
    const post = await request(server())
      .post('/orders')
      .send({ items: ['a'] })
      .expect(201);
    expect(post.body.received).toEqual({ items: ['a'] });
    expect(post.body.body).toEqual({ items: ['a'] });
  });

  it('keeps a field a wrapper in front of Express already set', async () => {
    server().prependListener('request', preset);
    try {
      const res = await request(server()).get('/users/8').expect(200);
      expect(res.body.body).toEqual({ from: 'wrapper' });
    } finally {
      server().removeListener('request', preset);
    }
  });

  it('still answers a failure with its own status', async () => {
    const res = await request(server()).get('/nowhere').expect(404);
    expect(res.body.reason).toBe('NOT_FOUND');
  });
});
