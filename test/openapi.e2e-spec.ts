import SwaggerParser from '@apidevtools/swagger-parser';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type ResponseObject,
  type SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorsModule } from '../src/index.js';
import { ApiErrors, createErrorsDocument } from '../src/openapi/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { createOpenApiApp, type OpenApiAdapter, type OpenApiAppOptions } from './fixtures/openapi-app.js';

const ADAPTERS: OpenApiAdapter[] = ['express', 'fastify'];
const CONFIG = new DocumentBuilder().setTitle('Shop').setVersion('1.0').build();
const REQUEST_ID = '9f1c6c1e-2d1b-4f7e-9a43-5f0c2b1d7e11';
const TIMESTAMP = '2026-11-22T10:00:00.000Z';

async function documentOf(
  adapter: OpenApiAdapter,
  app: OpenApiAppOptions = {},
  options: Parameters<typeof createErrorsDocument>[2] = {},
): Promise<OpenAPIObject> {
  const nest = await createOpenApiApp(adapter, app);
  try {
    return createErrorsDocument(nest, CONFIG, options);
  } finally {
    await nest.close();
  }
}

function responsesOf(document: OpenAPIObject, path: string, method: string): Record<string, ResponseObject> {
  const item = document.paths[path] as Record<string, { responses: Record<string, ResponseObject> }>;
  return item[method]!.responses;
}

function contentOf(
  document: OpenAPIObject,
  path: string,
  method: string,
  status: string,
  type = 'application/json',
) {
  const content = responsesOf(document, path, method)[status]!.content!;
  expect(Object.keys(content)).toEqual([type]);
  return content[type]!;
}

/** The component narrowed to the reasons and codes of one status. */
function narrowed(
  component: string,
  codes: number[],
  reasons: string[],
  extra: Record<string, SchemaObject> = {},
) {
  return {
    allOf: [
      { $ref: `#/components/schemas/${component}` },
      {
        type: 'object',
        properties: {
          code: { type: 'integer', enum: codes },
          reason: { type: 'string', enum: reasons },
          ...extra,
        },
      },
    ],
  };
}

function envelopeExample(code: number, reason: string, message: string, path: string) {
  return { code, reason, message, requestId: REQUEST_ID, timestamp: TIMESTAMP, path };
}

async function expectValid(document: OpenAPIObject): Promise<void> {
  // the validator dereferences what it is given
  await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
}

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

@Controller('broken')
class UnknownErrorController {
  @Get()
  @ApiErrors('NO_SUCH_ERROR')
  broken() {
    return {};
  }
}

@Controller('missing')
class UnknownCodeController {
  @Get()
  @ApiErrors(99999)
  missing() {
    return {};
  }
}

describe('OpenAPI document options', () => {
  it('writes the examples in the default locale of the module, or in errorLocale, with its overrides', async () => {
    const english = await documentOf('express', {
      errors: ErrorsModule.forRoot({ errors: [AppErrors], defaultLocale: 'en' }),
    });
    expect(contentOf(english, '/users/{id}', 'get', '404').examples!['USER_NOT_FOUND']).toMatchObject({
      value: { message: 'User {id} not found' },
    });
    const asked = await documentOf(
      'express',
      {
        errors: ErrorsModule.forRoot({
          errors: [AppErrors],
          messages: { FORBIDDEN: { en: 'Keep out' } },
        }),
      },
      { errorLocale: 'en' },
    );
    expect(contentOf(asked, '/users/{id}', 'get', '404').examples!['USER_NOT_FOUND']).toMatchObject({
      value: { message: 'User {id} not found' },
    });
    expect(contentOf(asked, '/users/{id}', 'get', '403').examples!['FORBIDDEN']).toMatchObject({
      value: { message: 'Keep out' },
    });
  });

  it('refuses a locale the module does not negotiate, and bad options', async () => {
    await expect(documentOf('express', {}, { errorLocale: 'fr' })).rejects.toThrow(
      "createErrorsDocument: option 'errorLocale' must be one of locales ('zh-CN', 'en'), got 'fr'",
    );
    await expect(documentOf('express', {}, { validationErrors: 'yes' as never })).rejects.toThrow(
      "createErrorsDocument: option 'validationErrors' must be true or false, got 'yes'",
    );
    await expect(documentOf('express', {}, { errorLocal: 'en' } as never)).rejects.toThrow(
      "createErrorsDocument: unknown option 'errorLocal'; did you mean 'errorLocale'?",
    );
    await expect(documentOf('express', {}, { commonErrors: [null as never] })).rejects.toThrow(
      "createErrorsDocument: option 'commonErrors[0]' must be a catalog entry, reason or code, got null",
    );
  });

  it("passes Swagger's own options on", async () => {
    const document = await documentOf('express', {}, { operationIdFactory: (_, method) => method });
    const operation = (document.paths['/users/{id}'] as Record<string, { operationId: string }>)['get']!;
    expect(operation.operationId).toBe('findOne');
    expect(Object.keys(responsesOf(document, '/users/{id}', 'get'))).toEqual(['200', '403', '404']);
  });

  it('leaves VALIDATION_FAILED out with validationErrors: false', async () => {
    const document = await documentOf('express', {}, { validationErrors: false });
    expect(Object.keys(responsesOf(document, '/users', 'post'))).toEqual(['201', '403']);
  });

  it('documents commonErrors on every route', async () => {
    const document = await documentOf('express', {}, { commonErrors: ['INTERNAL_ERROR'] });
    await expectValid(document);
    expect(Object.keys(responsesOf(document, '/health', 'get'))).toEqual(['200', '500']);
    expect(contentOf(document, '/health', 'get', '500').examples).toEqual({
      INTERNAL_ERROR: {
        summary: 'INTERNAL_ERROR (500)',
        value: envelopeExample(500, 'INTERNAL_ERROR', '服务器内部错误', '/health'),
      },
    });
    expect(Object.keys(responsesOf(document, '/users/{id}', 'get'))).toEqual(['200', '403', '404', '500']);
  });

  it("documents validation failures at the pipe's errorHttpStatusCode", async () => {
    const document = await documentOf('express', {
      errors: ErrorsModule.forRoot({ errors: [AppErrors], validation: { errorHttpStatusCode: 422 } }),
    });
    expect(Object.keys(responsesOf(document, '/users', 'post'))).toEqual(['201', '403', '422']);
    expect(contentOf(document, '/users', 'post', '422').schema).toEqual(
      narrowed('ErrorEnvelope', [40001], ['VALIDATION_FAILED']),
    );
  });

  it("documents the app's 4xx errors under HTTP 200 in legacy mode, as the app answers them", async () => {
    const app = await createOpenApiApp('express', {
      errors: ErrorsModule.forRoot({ errors: [AppErrors], legacyHttp200: true }),
    });
    try {
      const document = createErrorsDocument(app, CONFIG);
      await expectValid(document);
      const responses = responsesOf(document, '/orders/{id}/lock', 'put');
      expect(Object.keys(responses)).toEqual(['200', '404']);
      expect(contentOf(document, '/orders/{id}/lock', 'put', '200').schema).toEqual(
        narrowed('ErrorEnvelope', [10002, 10001], ['ORDER_LOCKED', 'USER_NOT_FOUND']),
      );
      expect(contentOf(document, '/orders/{id}/lock', 'put', '404').schema).toEqual(
        narrowed('ErrorEnvelope', [404], ['NOT_FOUND']),
      );
      const res = await request(app.getHttpServer()).get('/users/42');
      expect(res.status).toBe(200);
      expect(res.body.reason).toBe('USER_NOT_FOUND');
    } finally {
      await app.close();
    }
  });

  it('fails on a reason or code the catalog does not hold, naming the route', async () => {
    await expect(documentOf('express', { controllers: [UnknownErrorController] })).rejects.toThrow(
      "createErrorsDocument: UnknownErrorController.broken declares reason 'NO_SUCH_ERROR', which the error catalog does not hold (add it to ErrorsModule's errors)",
    );
    await expect(documentOf('express', { controllers: [UnknownCodeController] })).rejects.toThrow(
      'createErrorsDocument: UnknownCodeController.missing declares code 99999, which the error catalog',
    );
  });

  it('fails in an app without ErrorsModule', async () => {
    await expect(documentOf('express', { errors: null })).rejects.toThrow(
      'createErrorsDocument: the app does not import ErrorsModule',
    );
  });
});
