import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { defineErrors, ErrorEnvelopeFilter, ErrorsModule, RESOLVED_ERRORS_OPTIONS } from '../src/index.js';
import { envelopeMatchers } from '../src/testing/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { expectEnvelope } from './fixtures/envelope.js';
import { ADAPTERS, createTestApp } from './fixtures/test-app.js';

expect.extend(envelopeMatchers);

async function withApp(
  adapter: (typeof ADAPTERS)[number],
  module: Parameters<typeof createTestApp>[1],
  run: (app: INestApplication) => Promise<void>,
): Promise<void> {
  const app = await createTestApp(adapter, module);
  try {
    await run(app);
  } finally {
    await app.close();
  }
}

describe.each(ADAPTERS)('formats and modes (%s)', (adapter) => {
  it('answers RFC 9457 problem details when asked to', async () => {
    await withApp(
      adapter,
      ErrorsModule.forRoot({
        errors: [AppErrors],
        format: 'problem',
        problemTypeBaseUri: 'https://errors.example.com/',
      }),
      async (app) => {
        const res = await request(app.getHttpServer()).get('/users/42?x=1').set('Accept-Language', 'en');
        expect(res).toBeProblem({
          entry: AppErrors.USER_NOT_FOUND,
          type: 'https://errors.example.com/user-not-found',
          title: 'Not Found',
          detail: 'User 42 not found',
          instance: '/users/42',
          details: { id: '42' },
        });
        const invalid = await request(app.getHttpServer()).post('/orders').send({});
        expect(invalid).toBeProblem({
          status: 400,
          type: 'https://errors.example.com/validation-failed',
          errors: [{ field: 'name' }, { field: 'email' }, { field: 'items' }],
        });
      },
    );
  });

  it('uses about:blank as the problem type without a base URI', async () => {
    await withApp(adapter, ErrorsModule.forRoot({ format: 'problem' }), async (app) => {
      const res = await request(app.getHttpServer()).get('/crash');
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
    });
  });

  it('answers business errors with HTTP 200 in legacy mode, and nothing else', async () => {
    await withApp(
      adapter,
      ErrorsModule.forRoot({ errors: [AppErrors], legacyHttp200: true }),
      async (app) => {
        const business = await request(app.getHttpServer()).get('/users/42');
        expect(business).toBeEnvelope({ entry: AppErrors.USER_NOT_FOUND, status: 200 });
        expect((await request(app.getHttpServer()).get('/ledger')).status).toBe(503);
        expect((await request(app.getHttpServer()).get('/nope')).status).toBe(404);
        expect((await request(app.getHttpServer()).post('/orders').send({})).status).toBe(400);
        expect((await request(app.getHttpServer()).get('/crash')).status).toBe(500);
      },
    );
  });

  it('wraps successes in the success envelope when installed, errors untouched', async () => {
    await withApp(
      adapter,
      ErrorsModule.forRoot({ errors: [AppErrors], successEnvelope: true }),
      async (app) => {
        const ok = await request(app.getHttpServer()).get('/users/1');
        expect(ok.body).toEqual({ code: 0, message: '成功', data: { id: '1', name: 'Ada' } });
        const en = await request(app.getHttpServer()).get('/ok').set('Accept-Language', 'en');
        expect(en.body).toEqual({ code: 0, message: 'success', data: { ok: true } });
        const raw = await request(app.getHttpServer()).get('/raw');
        expect(raw.body).toEqual({ raw: true });
        const failed = await request(app.getHttpServer()).get('/users/42');
        expect(expectEnvelope(failed.body).reason).toBe('USER_NOT_FOUND');
      },
    );
  });

  it('shows the exception of a 500 only with the development option', async () => {
    await withApp(adapter, ErrorsModule.forRoot({ exposeInternalErrors: true }), async (app) => {
      const res = await request(app.getHttpServer()).get('/crash');
      expect(res.body.details.exception).toMatchObject({
        name: 'Error',
        message: expect.stringContaining('ECONNREFUSED'),
      });
      const notFound = await request(app.getHttpServer()).get('/nope');
      expect(notFound.body.details).toBeUndefined();
    });
  });

  it('applies message overrides from the options', async () => {
    await withApp(
      adapter,
      ErrorsModule.forRoot({
        errors: [AppErrors],
        messages: { NOT_FOUND: { en: 'Nothing here' }, minLength: { en: 'needs {0}+ chars' } },
      }),
      async (app) => {
        const res = await request(app.getHttpServer()).get('/nope').set('Accept-Language', 'en');
        expect(res.body.message).toBe('Nothing here');
        const invalid = await request(app.getHttpServer())
          .post('/orders')
          .set('Accept-Language', 'en')
          .send({ name: 'abc', email: 'a@b.co', items: [{ sku: 'a', qty: 1 }], address: { street: 'x' } });
        expect(invalid.body.errors).toEqual([expect.objectContaining({ message: 'needs 3+ chars' })]);
      },
    );
  });
});

describe('module registration', () => {
  it.each(ADAPTERS)('forRootAsync takes its options from a factory (%s)', async (adapter) => {
    const errors = defineErrors({
      QUOTA_EXCEEDED: { code: 20001, status: 429, messages: { 'zh-CN': '配额用尽', en: 'Quota exceeded' } },
    });
    @Module({ providers: [{ provide: 'CONFIG', useValue: { locale: 'en' } }], exports: ['CONFIG'] })
    class ConfigModule {}
    await withApp(
      adapter,
      ErrorsModule.forRootAsync({
        imports: [ConfigModule],
        inject: ['CONFIG'],
        useFactory: async (config: { locale: string }) => ({
          errors: [AppErrors, errors],
          defaultLocale: config.locale,
        }),
        successEnvelope: true,
      }),
      async (app) => {
        const res = await request(app.getHttpServer()).get('/users/42');
        expect(res.body).toMatchObject({ reason: 'USER_NOT_FOUND', message: 'User 42 not found' });
        expect((await request(app.getHttpServer()).get('/ok')).body).toEqual({
          code: 0,
          message: 'success',
          data: { ok: true },
        });
        expect(app.get(RESOLVED_ERRORS_OPTIONS).catalog.get(20001)?.reason).toBe('QUOTA_EXCEEDED');
      },
    );
  });

  it('fails at startup on a duplicate code, naming both entries', async () => {
    const clash = defineErrors({
      ACCOUNT_MISSING: { code: 10001, status: 404, messages: { en: 'Account missing' } },
    });
    await expect(
      createTestApp('express', ErrorsModule.forRoot({ errors: [AppErrors, clash] })),
    ).rejects.toThrow('Error catalog: code 10001 is used by both USER_NOT_FOUND and ACCOUNT_MISSING.');
  });

  it('fails at startup on a duplicate reason, including a built-in one', async () => {
    const clash = defineErrors({ NOT_FOUND: { code: 30404, status: 404, messages: { en: 'Mine' } } });
    await expect(createTestApp('express', ErrorsModule.forRoot({ errors: [clash] }))).rejects.toThrow(
      'Error catalog: reason NOT_FOUND is declared twice (codes 404 and 30404).',
    );
  });

  it('lets an app install the filter itself with useGlobalFilters', async () => {
    @Module({ imports: [ErrorsModule.forRoot({ filter: false })] })
    class ManualModule {}
    const app = await NestFactory.create(ManualModule, new ExpressAdapter(), {
      logger: false,
      abortOnError: false,
    });
    app.useGlobalFilters(app.get(ErrorEnvelopeFilter));
    await app.init();
    try {
      const res = await request(app.getHttpServer()).get('/missing');
      expect(expectEnvelope(res.body)).toMatchObject({ code: 404, reason: 'NOT_FOUND' });
    } finally {
      await app.close();
    }
  });

  it('answers with Nest defaults when the filter is not installed', async () => {
    await withApp('express', ErrorsModule.forRoot({ filter: false }), async (app) => {
      const res = await request(app.getHttpServer()).get('/missing');
      expect(res.body).toMatchObject({ statusCode: 404 });
    });
  });
});
