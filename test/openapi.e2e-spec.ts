import type { INestApplication } from '@nestjs/common';
import { type OpenAPIObject, type SchemaObject, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorsModule } from '../src/index.js';
import { createErrorsDocument } from '../src/openapi/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { createOpenApiApp } from './fixtures/openapi-app.js';
import {
  ADAPTERS,
  CONFIG,
  contentOf,
  documentOf,
  envelopeExample,
  expectValid,
  narrowed,
  REQUEST_ID,
  responsesOf,
} from './fixtures/openapi-document.js';

describe.each(ADAPTERS)('OpenAPI document (%s)', (adapter) => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    app = await createOpenApiApp(adapter);
    document = createErrorsDocument(app, CONFIG);
  });

  afterAll(() => app?.close());

  it('is a valid OpenAPI 3 document', async () => {
    expect(document.openapi).toBe('3.0.0');
    await expectValid(document);
    // nothing in it is lost on the way to JSON
    expect(JSON.parse(JSON.stringify(document))).toStrictEqual(document);
  });

  it('registers the envelope, field error and problem details as components', () => {
    const schemas = document.components!.schemas as Record<string, SchemaObject>;
    const envelope = schemas['ErrorEnvelope']!;
    expect(envelope.required).toEqual(['code', 'reason', 'message', 'requestId', 'timestamp', 'path']);
    expect(Object.keys(envelope.properties!)).toEqual([
      'code',
      'reason',
      'message',
      'details',
      'errors',
      'requestId',
      'timestamp',
      'path',
    ]);
    expect(envelope.properties!['code']).toMatchObject({ type: 'integer' });
    expect(envelope.properties!['details']).toMatchObject({ type: 'object', additionalProperties: true });
    expect(envelope.properties!['errors']).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/FieldError' },
    });
    expect(envelope.properties!['timestamp']).toMatchObject({ type: 'string', format: 'date-time' });
    const field = schemas['FieldError']!;
    expect(field.required).toEqual(['field', 'pointer', 'constraint', 'message']);
    expect(Object.keys(field.properties!)).toEqual(['field', 'pointer', 'constraint', 'message']);
    const problem = schemas['ProblemDetails']!;
    expect(problem.required).toEqual([
      'type',
      'title',
      'status',
      'detail',
      'instance',
      'code',
      'reason',
      'requestId',
    ]);
    expect(Object.keys(problem.properties!)).toEqual([
      'type',
      'title',
      'status',
      'detail',
      'instance',
      'code',
      'reason',
      'details',
      'errors',
      'requestId',
    ]);
    expect(problem.properties!['status']).toMatchObject({ type: 'integer' });
    // the app's own models are still there
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['CreateUserDto', 'MissingUser']));
  });

  it("documents a route's errors and its controller's, per status, with a localized example", () => {
    const responses = responsesOf(document, '/users/{id}', 'get');
    expect(Object.keys(responses)).toEqual(['200', '403', '404']);
    expect(responses['404']!.description).toBe('Not Found: USER_NOT_FOUND');
    expect(Object.keys(responses['404']!.headers!)).toEqual(['X-Request-Id', 'Content-Language']);
    const notFound = contentOf(document, '/users/{id}', 'get', '404');
    expect(notFound.schema).toEqual(narrowed('ErrorEnvelope', [10001], ['USER_NOT_FOUND']));
    expect(notFound.examples).toEqual({
      USER_NOT_FOUND: {
        summary: 'USER_NOT_FOUND (10001)',
        value: envelopeExample(10001, 'USER_NOT_FOUND', '用户 {id} 不存在', '/users/{id}'),
      },
    });
    const forbidden = contentOf(document, '/users/{id}', 'get', '403');
    expect(forbidden.schema).toEqual(narrowed('ErrorEnvelope', [403], ['FORBIDDEN']));
    expect(forbidden.examples).toEqual({
      FORBIDDEN: {
        summary: 'FORBIDDEN (403)',
        value: envelopeExample(403, 'FORBIDDEN', '禁止访问', '/users/{id}'),
      },
    });
  });

  it('adds VALIDATION_FAILED to routes with a validated body or query DTO, and to no other', () => {
    for (const method of ['post', 'get']) {
      const invalid = contentOf(document, '/users', method, '400');
      expect(invalid.schema).toEqual(narrowed('ErrorEnvelope', [40001], ['VALIDATION_FAILED']));
      expect(invalid.examples).toEqual({
        VALIDATION_FAILED: {
          summary: 'VALIDATION_FAILED (40001)',
          value: envelopeExample(40001, 'VALIDATION_FAILED', '参数验证失败', '/users'),
        },
      });
    }
    expect(Object.keys(responsesOf(document, '/users', 'post'))).toEqual(['201', '400', '403']);
    // a body class without class-validator decorators, and a route without any argument
    expect(Object.keys(responsesOf(document, '/notes', 'post'))).toEqual(['201']);
    expect(Object.keys(responsesOf(document, '/health', 'get'))).toEqual(['200']);
  });

  it('groups the errors of one status, in the order they are declared', () => {
    const responses = responsesOf(document, '/orders/{id}/lock', 'put');
    expect(Object.keys(responses)).toEqual(['200', '404', '409']);
    expect(responses['404']!.description).toBe('Not Found: NOT_FOUND, USER_NOT_FOUND');
    const notFound = contentOf(document, '/orders/{id}/lock', 'put', '404');
    expect(notFound.schema).toEqual(narrowed('ErrorEnvelope', [404, 10001], ['NOT_FOUND', 'USER_NOT_FOUND']));
    expect(Object.keys(notFound.examples!)).toEqual(['NOT_FOUND', 'USER_NOT_FOUND']);
    expect((notFound.examples!['NOT_FOUND'] as { value: unknown }).value).toEqual(
      envelopeExample(404, 'NOT_FOUND', '资源不存在', '/orders/{id}/lock'),
    );
    const locked = contentOf(document, '/orders/{id}/lock', 'put', '409');
    expect(locked.schema).toEqual(narrowed('ErrorEnvelope', [10002], ['ORDER_LOCKED']));
    expect(locked.examples).toEqual({
      ORDER_LOCKED: {
        summary: 'ORDER_LOCKED (10002)',
        value: envelopeExample(10002, 'ORDER_LOCKED', '订单已锁定', '/orders/{id}/lock'),
      },
    });
  });

  it('keeps what a route documents itself for the same status, the errors beside it', () => {
    const responses = responsesOf(document, '/things/{id}', 'get');
    expect(responses['404']!.description).toBe('No such thing');
    const notFound = contentOf(document, '/things/{id}', 'get', '404');
    expect(notFound.schema).toEqual({
      oneOf: [{ $ref: '#/components/schemas/MissingUser' }, narrowed('ErrorEnvelope', [404], ['NOT_FOUND'])],
    });
    expect(Object.keys(notFound.examples!)).toEqual(['NOT_FOUND']);
  });

  it('shows what the app answers: the example has the members of the real body', async () => {
    const res = await request(app.getHttpServer()).get('/users/42');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json;/);
    const example = (
      contentOf(document, '/users/{id}', 'get', '404').examples!['USER_NOT_FOUND'] as {
        value: Record<string, unknown>;
      }
    ).value;
    const { details, ...body } = res.body as Record<string, unknown>;
    expect(details).toEqual({ id: '42' });
    expect(Object.keys(body).toSorted()).toEqual(Object.keys(example).toSorted());
    expect(body).toMatchObject({
      code: example['code'],
      reason: example['reason'],
      message: '用户 42 不存在',
    });
    expect(res.headers['content-language']).toBe('zh-CN');
    const invalid = await request(app.getHttpServer()).post('/users').send({ name: 'Al' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ code: 40001, reason: 'VALIDATION_FAILED', message: '参数验证失败' });
  });

  it("leaves no mark in the document, nor in the handlers' metadata", () => {
    expect(JSON.stringify(document)).not.toContain('x-nestjs-faultline');
    const plain = SwaggerModule.createDocument(app, CONFIG);
    expect(JSON.stringify(plain)).not.toContain('x-nestjs-faultline');
    expect(Object.keys(responsesOf(plain, '/users/{id}', 'get'))).toEqual(['200']);
    expect(plain.components?.schemas?.['ErrorEnvelope']).toBeUndefined();
  });
});

describe('OpenAPI document on both adapters', () => {
  it('is the same document', async () => {
    const [express, fastify] = await Promise.all(ADAPTERS.map((adapter) => documentOf(adapter)));
    expect(fastify).toEqual(express);
  });
});

describe.each(ADAPTERS)('OpenAPI document in the problem format (%s)', (adapter) => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    app = await createOpenApiApp(adapter, {
      errors: ErrorsModule.forRoot({
        errors: [AppErrors],
        format: 'problem',
        problemTypeBaseUri: 'https://errors.example.com/',
      }),
    });
    document = createErrorsDocument(app, CONFIG);
  });

  afterAll(() => app?.close());

  it('is valid and shows application/problem+json with the problem types', async () => {
    await expectValid(document);
    const notFound = contentOf(document, '/orders/{id}/lock', 'put', '404', 'application/problem+json');
    expect(notFound.schema).toEqual(
      narrowed('ProblemDetails', [404, 10001], ['NOT_FOUND', 'USER_NOT_FOUND'], {
        type: {
          type: 'string',
          enum: ['https://errors.example.com/not-found', 'https://errors.example.com/user-not-found'],
        },
      }),
    );
    expect((notFound.examples!['USER_NOT_FOUND'] as { value: unknown }).value).toEqual({
      type: 'https://errors.example.com/user-not-found',
      title: 'Not Found',
      status: 404,
      detail: '用户 {id} 不存在',
      instance: '/orders/{id}/lock',
      code: 10001,
      reason: 'USER_NOT_FOUND',
      requestId: REQUEST_ID,
    });
    const invalid = contentOf(document, '/users', 'post', '400', 'application/problem+json');
    expect(invalid.schema).toEqual(
      narrowed('ProblemDetails', [40001], ['VALIDATION_FAILED'], {
        type: { type: 'string', enum: ['https://errors.example.com/validation-failed'] },
      }),
    );
  });

  it('is what the app answers', async () => {
    const res = await request(app.getHttpServer()).get('/users/42');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const example = (
      contentOf(document, '/users/{id}', 'get', '404', 'application/problem+json').examples![
        'USER_NOT_FOUND'
      ] as { value: Record<string, unknown> }
    ).value;
    const { details, ...body } = res.body as Record<string, unknown>;
    expect(details).toEqual({ id: '42' });
    expect(Object.keys(body).toSorted()).toEqual(Object.keys(example).toSorted());
    expect(body).toMatchObject({ type: example['type'], title: example['title'], status: 404 });
  });
});
