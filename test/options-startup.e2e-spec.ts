import type { DynamicModule, INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorsModule, type ErrorsModuleOptions } from '../src/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { expectEnvelope } from './fixtures/envelope.js';
import { ADAPTERS, type AdapterName, TestController } from './fixtures/test-app.js';

/** Boots a real app on one adapter, the way an app's own e2e tests do. */
async function boot(adapter: AdapterName, errorsModule: DynamicModule): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [errorsModule],
    controllers: [TestController],
  }).compile();
  const app = moduleRef.createNestApplication(
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  );
  try {
    await app.init();
    if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** The error booting fails with (`undefined`, the app closed again, if it boots after all). */
async function bootFailure(adapter: AdapterName, errorsModule: DynamicModule): Promise<unknown> {
  try {
    const app = await boot(adapter, errorsModule);
    await app.close();
    return undefined;
  } catch (error) {
    return error;
  }
}

const REGISTRATIONS: [string, (options: ErrorsModuleOptions) => DynamicModule][] = [
  ['forRoot', (options) => ErrorsModule.forRoot(options)],
  ['forRootAsync', (options) => ErrorsModule.forRootAsync({ useFactory: async () => options })],
];

const BAD_OPTIONS: [string, ErrorsModuleOptions, string][] = [
  [
    'a request id header that is no header name',
    { requestIdHeader: 'X Request Id' },
    "ErrorsModule: option 'requestIdHeader' must be a header name (an RFC 9110 token: letters, digits and " +
      "!#$%&'*+-.^_`|~, e.g. 'X-Request-Id'), got 'X Request Id'",
  ],
  [
    'a log level Nest has no method for',
    { clientErrorLogLevel: 'info' as never },
    "ErrorsModule: option 'clientErrorLogLevel' must be one of 'log', 'error', 'warn', 'debug', 'verbose' " +
      "or false, got 'info'",
  ],
  [
    'a client retry count below 0',
    { client: { retry: { retries: -1 } } },
    "ErrorsModule: option 'client.retry.retries' must be an integer >= 0, got -1",
  ],
  [
    'a misspelt option',
    { requestIdHeadr: 'X-Trace-Id' } as ErrorsModuleOptions,
    "ErrorsModule: unknown option 'requestIdHeadr'; did you mean 'requestIdHeader'?",
  ],
];

describe.each(ADAPTERS)('options are checked at startup (%s)', (adapter) => {
  describe.each(REGISTRATIONS)('with %s', (_registration, register) => {
    it.each(BAD_OPTIONS)('fails to boot on %s, naming the option', async (_what, options, message) => {
      const failure = await bootFailure(adapter, register(options));
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toBe(message);
    });

    it('boots with errors: AppErrors (one defineErrors result, not in an array) and answers its envelope', async () => {
      const app = await boot(adapter, register({ errors: AppErrors }));
      try {
        const res = await request(app.getHttpServer()).get('/users/42').set('Accept-Language', 'en');
        expect(res.status).toBe(404);
        expect(expectEnvelope(res.body)).toMatchObject({
          code: 10001,
          reason: 'USER_NOT_FOUND',
          message: 'User 42 not found',
          path: '/users/42',
        });
        const ok = await request(app.getHttpServer()).get('/users/1');
        expect(ok.status).toBe(200);
      } finally {
        await app.close();
      }
    });
  });
});
