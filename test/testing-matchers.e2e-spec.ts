import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorsModule } from '../src/index.js';
import { envelopeMatchers, readResponse } from '../src/testing/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { ADAPTERS, createTestApp } from './fixtures/test-app.js';

expect.extend(envelopeMatchers);

const INVALID_ORDER = {
  name: 'ab',
  email: 'a@example.com',
  items: [
    { sku: 'W-1', qty: 1 },
    { sku: 'W-2', qty: 0 },
  ],
};

describe.each(ADAPTERS)('envelope matchers on a real app (%s)', (adapter) => {
  let app: INestApplication;
  const get = (path: string) => request(app.getHttpServer()).get(path).set('Accept-Language', 'en');

  beforeAll(async () => {
    app = await createTestApp(adapter);
  });
  afterAll(async () => {
    await app.close();
  });

  it('accepts the envelope of a domain error with what is expected of it', async () => {
    const res = await get('/users/42');
    expect(res).toBeEnvelope();
    expect(res).toBeEnvelope({
      entry: AppErrors.USER_NOT_FOUND,
      message: 'User 42 not found',
      details: { id: '42' },
      path: '/users/42',
      locale: 'en',
    });
    expect(res).toBeEnvelope({ status: 404, code: 10001, reason: 'USER_NOT_FOUND', message: /42/ });
    expect(res).toBeEnvelope({
      message: expect.stringContaining('not found'),
      requestId: expect.any(String),
    });
  });

  it('reads the request id the app was given, and the absence of details', async () => {
    const res = await get('/no/such/route?x=1').set('X-Request-Id', 'edge-7');
    expect(res).toBeEnvelope({ status: 404, reason: 'NOT_FOUND', requestId: 'edge-7', details: undefined });
  });

  it('finds field errors by field and constraint', async () => {
    const res = await request(app.getHttpServer()).post('/orders').send(INVALID_ORDER);
    expect(res).toBeEnvelope({
      status: 400,
      reason: 'VALIDATION_FAILED',
      errors: [
        { field: 'name', constraint: 'isLength' },
        { field: 'items[1].qty', pointer: '/items/1/qty', message: '不能小于 1' },
      ],
    });
  });

  it('says what differs: status, reason, details', async () => {
    const res = await get('/users/42');
    expect(() =>
      expect(res).toBeEnvelope({ status: 500, reason: 'INTERNAL_ERROR', details: { id: '7' } }),
    ).toThrowError(
      [
        'The answer is not the expected error envelope:',
        '  - status: expected 500, received 404',
        '  - reason: expected "INTERNAL_ERROR", received "USER_NOT_FOUND"',
        '  - details: expected {"id":"7"}, received {"id":"42"}',
      ].join('\n'),
    );
    expect(() => expect(res).toBeEnvelope({ message: /nobody/, details: undefined })).toThrowError(
      /message: expected \/nobody\/, received "User 42 not found"\n {2}- details: expected none, received \{"id":"42"\}/,
    );
    expect(() => expect(res).toBeEnvelope({ entry: AppErrors.ORDER_LOCKED })).toThrowError(
      /Received: 404 application\/json; charset=utf-8\n\{"code":10001,"reason":"USER_NOT_FOUND"/,
    );
  });

  it('says which field errors are missing, differ or were not expected', async () => {
    const res = await request(app.getHttpServer()).post('/orders').send(INVALID_ORDER);
    const check = () =>
      expect(res).toBeEnvelope({
        errors: [
          { field: 'email' },
          { field: 'items[1].qty', constraint: 'min', message: 'must be at least 1' },
        ],
      });
    expect(check).toThrowError(
      'errors: no error for field "email"; received name (isLength), items[1].qty (min)',
    );
    expect(check).toThrowError(
      'errors, field "items[1].qty" (min): message expected "must be at least 1", received "不能小于 1"',
    );
    expect(check).toThrowError('errors: unexpected field "name" (isLength)');
    expect(() => expect(res).toBeEnvelope({ errors: [] })).toThrowError(
      /errors: expected none, received \[\{"field":"name"/,
    );
  });

  it('refuses a success, and a body or headers that are not the envelope', async () => {
    const ok = await get('/ok');
    expect(ok).not.toBeEnvelope();
    expect(() => expect(ok).toBeEnvelope()).toThrowError(
      /status: expected an error status \(4xx or 5xx\), received 200[\s\S]*code: missing[\s\S]*ok: not a member of the error envelope/,
    );
    const res = await get('/users/42');
    const tampered = {
      ...res,
      headers: { ...res.headers, 'x-request-id': 'other', 'cache-control': 'max-age=60' },
    };
    expect(() => expect(tampered).toBeEnvelope()).toThrowError(
      /X-Request-Id header: "other" is not the body's requestId "[^"]+"\n {2}- cache-control: expected no-store, received "max-age=60"/,
    );
    const extra = { status: 404, headers: res.headers, body: { ...res.body, stack: 'at x' } };
    expect(() => expect(extra).toBeEnvelope()).toThrowError('stack: not a member of the error envelope');
  });

  it('words the negation: the answer is the envelope it should not be', async () => {
    const res = await get('/users/42');
    expect(res).not.toBeEnvelope({ reason: 'NOT_FOUND' });
    expect(() => expect(res).not.toBeEnvelope({ reason: 'USER_NOT_FOUND' })).toThrowError(
      'Expected no error envelope like this, but received one: 404 USER_NOT_FOUND',
    );
  });

  it('reads a fetch Response once it is read, and says so when it is not', async () => {
    await app.listen(0, '127.0.0.1');
    const response = await fetch(`${await app.getUrl()}/users/42`, { headers: { 'Accept-Language': 'en' } });
    expect(() => expect(response).toBeEnvelope()).toThrowError(/await readResponse\(res\)/);
    expect(await readResponse(response)).toBeEnvelope({ entry: AppErrors.USER_NOT_FOUND, locale: 'en' });
  });

  it('works called as jest calls a matcher: a context with isNot, a { pass, message } result', async () => {
    const res = await get('/users/42');
    const jestLike = { isNot: false, promise: '', equals: () => false, utils: {} };
    expect(envelopeMatchers.toBeEnvelope.call(jestLike, res, { reason: 'USER_NOT_FOUND' }).pass).toBe(true);
    const failed = envelopeMatchers.toBeEnvelope.call(jestLike, res, { code: 1 });
    expect(failed.pass).toBe(false);
    expect(failed.message()).toContain('expect(received).toBeEnvelope(expected)\n\nThe answer is not');
    expect(failed.message()).toContain('code: expected 1, received 10001');
    const negated = envelopeMatchers.toBeEnvelope.call({ isNot: true }, res);
    expect(negated.pass).toBe(true);
    expect(negated.message()).toMatch(/^expect\(received\)\.not\.toBeEnvelope\(\)/);
  });
});

describe('envelope matchers on inject() answers (light-my-request, fastify)', () => {
  it('reads the answer of fastify.inject()', async () => {
    const app = await createTestApp('fastify');
    try {
      const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
      const res = await fastify.inject({ method: 'GET', url: '/users/42' });
      expect(res).toBeEnvelope({
        entry: AppErrors.USER_NOT_FOUND,
        message: '用户 42 不存在',
        locale: 'zh-CN',
      });
      const ok = await fastify.inject({ method: 'GET', url: '/ok' });
      expect(ok).not.toBeEnvelope();
    } finally {
      await app.close();
    }
  });
});

describe.each(ADAPTERS)('problem details and legacy status matchers (%s)', (adapter) => {
  it('accepts RFC 9457 answers with toBeProblem, and refuses them as envelopes', async () => {
    const app = await createTestApp(
      adapter,
      ErrorsModule.forRoot({
        errors: [AppErrors],
        format: 'problem',
        problemTypeBaseUri: 'https://errors.example.com/',
      }),
    );
    try {
      const res = await request(app.getHttpServer()).get('/users/42?x=1').set('Accept-Language', 'en');
      expect(res).toBeProblem({
        entry: AppErrors.USER_NOT_FOUND,
        type: 'https://errors.example.com/user-not-found',
        title: 'Not Found',
        detail: 'User 42 not found',
        instance: '/users/42',
        details: { id: '42' },
      });
      expect(res).not.toBeEnvelope();
      expect(() => expect(res).toBeEnvelope()).toThrowError(
        'content-type: expected application/json; charset=utf-8, received "application/problem+json; charset=utf-8"',
      );
      expect(() => expect(res).toBeProblem({ title: 'Gone', status: 410 })).toThrowError(
        /The answer is not the expected problem details answer:\n {2}- status: expected 410, received 404\n {2}- title: expected "Gone", received "Not Found"/,
      );
      const invalid = await request(app.getHttpServer()).post('/orders').send({});
      expect(invalid).toBeProblem({
        reason: 'VALIDATION_FAILED',
        errors: [{ field: 'name' }, { field: 'email' }, { field: 'items' }],
      });
    } finally {
      await app.close();
    }
  });

  it('takes the status a legacy app answers business errors with', async () => {
    const app = await createTestApp(
      adapter,
      ErrorsModule.forRoot({ errors: [AppErrors], legacyHttp200: true }),
    );
    try {
      const res = await request(app.getHttpServer()).get('/users/42');
      expect(res).toBeEnvelope({ entry: AppErrors.USER_NOT_FOUND, status: 200 });
      expect(() => expect(res).toBeEnvelope({ entry: AppErrors.USER_NOT_FOUND })).toThrowError(
        'status: expected 404, received 200',
      );
    } finally {
      await app.close();
    }
  });

  it('follows the request id header the app names', async () => {
    const app = await createTestApp(
      adapter,
      ErrorsModule.forRoot({ errors: [AppErrors], requestIdHeader: 'X-Trace-Id' }),
    );
    try {
      const res = await request(app.getHttpServer()).get('/users/42').set('X-Trace-Id', 'trace-1');
      expect(res).toBeEnvelope({ requestIdHeader: 'X-Trace-Id', requestId: 'trace-1' });
      expect(() => expect(res).toBeEnvelope()).toThrowError('X-Request-Id header: missing');
      expect(res).toBeEnvelope({ requestIdHeader: false });
    } finally {
      await app.close();
    }
  });
});
