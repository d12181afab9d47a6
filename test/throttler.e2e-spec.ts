import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorsModule } from '../src/index.js';
import { expectEnvelope } from './fixtures/envelope.js';
import { ADAPTERS } from './fixtures/test-app.js';

@Controller()
class PingController {
  @Get('ping')
  ping() {
    return { pong: true };
  }
}

describe.each(ADAPTERS)('@nestjs/throttler’s 429 (%s)', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    @Module({
      imports: [ErrorsModule.forRoot(), ThrottlerModule.forRoot([{ ttl: 60_000, limit: 1 }])],
      controllers: [PingController],
      providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
    })
    class ThrottledModule {}
    app = await NestFactory.create(
      ThrottledModule,
      adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
      { logger: false, abortOnError: false },
    );
    await app.init();
    if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('leaves as TOO_MANY_REQUESTS without the throttler’s default text', async () => {
    expect((await request(app.getHttpServer()).get('/ping')).status).toBe(200);
    const res = await request(app.getHttpServer()).get('/ping').set('Accept-Language', 'en');
    expect(res.status).toBe(429);
    expect(expectEnvelope(res.body)).toMatchObject({ code: 429, reason: 'TOO_MANY_REQUESTS' });
    expect(res.body.details).toBeUndefined();
    expect(res.headers['retry-after']).toBeDefined();
  });
});
