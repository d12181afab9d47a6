import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { currentRequestContext, ErrorsModule, type ErrorsModuleOptions } from '../src/index.js';
import { ADAPTERS } from './fixtures/test-app.js';

@Controller()
class ContextController {
  /** The request id the async flow sees, after a turn of the event loop. */
  @Get('context')
  async context(): Promise<{ seen: string | null }> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return { seen: currentRequestContext()?.requestId ?? null };
  }
}

async function appWith(
  adapter: (typeof ADAPTERS)[number],
  options: ErrorsModuleOptions,
): Promise<INestApplication> {
  @Module({ imports: [ErrorsModule.forRoot(options)], controllers: [ContextController] })
  class ContextModule {}
  const app = await NestFactory.create(
    ContextModule,
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  );
  await app.init();
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe.each(ADAPTERS)('the request context store (%s)', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const seen = async (options: ErrorsModuleOptions) => {
    app = await appWith(adapter, options);
    const res = await request(app.getHttpServer()).get('/context').set('X-Request-Id', 'ctx-1');
    expect(res.status).toBe(200);
    // the id itself never needs the store: it is echoed either way
    expect(res.headers['x-request-id']).toBe('ctx-1');
    return (res.body as { seen: string | null }).seen;
  };

  it('is there by default, as the default client forwards request ids', async () => {
    expect(await seen({})).toBe('ctx-1');
  });

  it('is not entered when no client forwards request ids', async () => {
    expect(await seen({ client: { requestIdHeader: false } })).toBeNull();
  });

  it('is entered when the app asks for it, whatever the clients do', async () => {
    expect(await seen({ client: { requestIdHeader: false }, asyncContext: true })).toBe('ctx-1');
  });

  it('is not entered when the app turns it off', async () => {
    expect(await seen({ asyncContext: false })).toBeNull();
  });
});
