import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorsModule } from '../src/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { expectEnvelope } from './fixtures/envelope.js';
import { ADAPTERS, createTestApp } from './fixtures/test-app.js';

const VALID = { name: 'Widget', email: 'a@example.com', items: [{ sku: 'W-1', qty: 2 }] };

describe.each(ADAPTERS)('validation failures (%s)', (adapter) => {
  let app: INestApplication;
  const post = (body: unknown, locale = 'zh-CN') =>
    request(app.getHttpServer())
      .post('/orders')
      .set('Accept-Language', locale)
      .send(body as object);

  beforeAll(async () => {
    app = await createTestApp(adapter);
  });
  afterAll(async () => {
    await app.close();
  });

  it('accepts a valid body and transforms it into the DTO', async () => {
    const res = await post(VALID);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ accepted: true, items: 1, isDto: true });
  });

  it('lists one field error per failed constraint with nested paths and pointers', async () => {
    const res = await post({
      name: 'ab',
      email: 'a@example.com',
      items: [{ sku: 'W-1', qty: 1 }, { sku: 'W-2', qty: 0 }, 'not an object'],
      address: { street: 'x' },
    });
    expect(res.status).toBe(400);
    const body = expectEnvelope(res.body);
    expect(body).toMatchObject({ code: 40001, reason: 'VALIDATION_FAILED', message: '参数验证失败' });
    expect(body['errors']).toEqual([
      { field: 'name', pointer: '/name', constraint: 'isLength', message: '长度必须在 3 到 20 之间' },
      { field: 'items[1].qty', pointer: '/items/1/qty', constraint: 'min', message: '不能小于 1' },
      { field: 'items[2]', pointer: '/items/2', constraint: 'nestedValidation', message: '必须是对象或数组' },
      {
        field: 'address.street',
        pointer: '/address/street',
        constraint: 'minLength',
        message: '长度不能少于 3',
      },
    ]);
  });

  it('localizes constraint messages with their parameters in English', async () => {
    const res = await post(
      { ...VALID, name: 'x'.repeat(30), color: 'green', items: [{ sku: 'a', qty: 100 }] },
      'en',
    );
    expect(res.body.message).toBe('Validation failed');
    expect(res.body.errors).toEqual([
      {
        field: 'name',
        pointer: '/name',
        constraint: 'isLength',
        message: 'must be between 3 and 20 characters long',
      },
      { field: 'color', pointer: '/color', constraint: 'isEnum', message: 'must be one of: red, blue' },
      {
        field: 'items[0].qty',
        pointer: '/items/0/qty',
        constraint: 'max',
        message: 'must not be greater than 99',
      },
    ]);
  });

  it("lets the DTO's own message win", async () => {
    const res = await post({ ...VALID, email: 'not-an-email' }, 'en');
    expect(res.body.errors).toEqual([
      { field: 'email', pointer: '/email', constraint: 'isEmail', message: 'custom: email please' },
    ]);
  });

  it('rejects properties the DTO does not declare, at any depth', async () => {
    const res = await post({ ...VALID, admin: true, items: [{ sku: 'a', qty: 1, price: 0 }] }, 'en');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        field: 'admin',
        pointer: '/admin',
        constraint: 'whitelistValidation',
        message: 'is not an allowed field',
      },
      {
        field: 'items[0].price',
        pointer: '/items/0/price',
        constraint: 'whitelistValidation',
        message: 'is not an allowed field',
      },
    ]);
  });

  it('keeps keys with dots, slashes and tildes unambiguous in the pointer', async () => {
    const res = await post({ ...VALID, 'a.b/c~d': 1 }, 'en');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'a.b/c~d', pointer: '/a.b~1c~0d', constraint: 'whitelistValidation' }),
    ]);
  });

  it('answers a missing body with the required fields', async () => {
    const res = await request(app.getHttpServer()).post('/orders').set('Accept-Language', 'en');
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('VALIDATION_FAILED');
    const fields = (res.body.errors as { field: string }[]).map((error) => error.field);
    expect(new Set(fields)).toEqual(new Set(['name', 'email', 'items']));
  });

  it('answers an array or a primitive where an object is expected', async () => {
    for (const body of [[1, 2], '"text"', 'true']) {
      const res = await request(app.getHttpServer())
        .post('/orders')
        .set('Content-Type', 'application/json')
        .send(typeof body === 'string' ? body : JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(['VALIDATION_FAILED', 'MALFORMED_JSON']).toContain(res.body.reason);
    }
  });

  it('fills constraint parameters when the body is an array', async () => {
    const res = await request(app.getHttpServer())
      .post('/orders')
      .set('Content-Type', 'application/json')
      .send('[]');
    expect(res.status).toBe(400);
    const messages = (res.body.errors as { field: string; message: string }[]).map(
      (e) => `${e.field}: ${e.message}`,
    );
    expect(messages).toContain('name: 长度必须在 3 到 20 之间');
    expect(messages).toContain('items: 至少需要 1 项');
    expect(JSON.stringify(res.body)).not.toMatch(/\{\d\}/);
  });

  it('never echoes a rejected value', async () => {
    const secret = 'sk_live_ECHO_ME_NOT';
    const res = await post(
      {
        name: secret.repeat(3),
        email: secret,
        color: secret,
        items: [{ sku: 1, qty: secret }],
        [secret]: secret,
      },
      'en',
    );
    expect(res.status).toBe(400);
    const values = (res.body.errors as Record<string, string>[]).map((error) => [
      error.message,
      error.constraint,
    ]);
    expect(JSON.stringify(values)).not.toContain(secret);
    expect(JSON.stringify(res.body.details ?? {})).not.toContain(secret);
  });

  it('cannot be polluted through __proto__ or constructor keys', async () => {
    const res = await request(app.getHttpServer())
      .post('/orders')
      .set('Content-Type', 'application/json')
      .send(
        '{"name":"Widget","email":"a@example.com","items":[{"sku":"a","qty":1,"__proto__":{"polluted":1}}],' +
          '"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":true}}}',
      );
    // Express' parser keeps the keys and the pipe drops them; Fastify's parser refuses the body
    expect({ status: res.status, reason: res.body.reason }).toEqual(
      adapter === 'express' ? { status: 201, reason: undefined } : { status: 400, reason: 'MALFORMED_JSON' },
    );
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('caps the list and says how many were left out', async () => {
    const items = Array.from({ length: 200 }, () => ({ sku: 5, qty: 0 }));
    const res = await post({ ...VALID, items }, 'en');
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(50);
    expect(res.body.details).toEqual({ omittedErrors: 350 });
    expect(res.text.length).toBeLessThan(12 * 1024);
  });
});

describe.each(ADAPTERS)('validation options (%s)', (adapter) => {
  it('caps by bytes and honours Nest pipe options such as errorHttpStatusCode', async () => {
    const app = await createTestApp(
      adapter,
      ErrorsModule.forRoot({
        errors: [AppErrors],
        maxFieldErrors: 1000,
        maxFieldErrorBytes: 1024,
        validation: { errorHttpStatusCode: 422 },
      }),
    );
    try {
      const items = Array.from({ length: 100 }, () => ({ sku: 5, qty: 0 }));
      const res = await request(app.getHttpServer())
        .post('/orders')
        .send({ ...VALID, items });
      expect(res.status).toBe(422);
      expect(res.body.reason).toBe('VALIDATION_FAILED');
      expect(res.body.errors.length).toBeGreaterThan(3);
      expect(res.body.errors.length).toBeLessThan(20);
      expect(res.body.details.omittedErrors).toBe(200 - res.body.errors.length);
    } finally {
      await app.close();
    }
  });

  it('keeps under validation.maxErrorMessagesLength what Nest would keep, and counts the rest', async () => {
    const app = await createTestApp(
      adapter,
      ErrorsModule.forRoot({ errors: [AppErrors], validation: { maxErrorMessagesLength: 200 } }),
    );
    try {
      const items = Array.from({ length: 20 }, () => ({ sku: 5, qty: 0 }));
      const res = await request(app.getHttpServer())
        .post('/orders')
        .send({ ...VALID, items });
      expect(res.status).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
      expect(res.body.errors.length).toBeLessThan(10);
      expect(res.body.details.omittedErrors).toBe(40 - res.body.errors.length);
    } finally {
      await app.close();
    }
  });

  it("fails the boot on errorFormat 'grouped' without an own exceptionFactory, naming the option", async () => {
    await expect(
      createTestApp(
        adapter,
        ErrorsModule.forRoot({ errors: [AppErrors], validation: { errorFormat: 'grouped' } }),
      ),
    ).rejects.toThrow(/EnvelopeValidationPipe: option 'errorFormat' 'grouped'/);
  });

  it('can be switched off in favour of an own pipe', async () => {
    const app = await createTestApp(
      adapter,
      ErrorsModule.forRoot({ errors: [AppErrors], validationPipe: false }),
    );
    try {
      const res = await request(app.getHttpServer()).post('/orders').send({ name: 1 });
      // No pipe: the handler sees the raw body and fails on it, which is a 500
      expect(res.status).toBe(500);
    } finally {
      await app.close();
    }
  });
});
