import { Controller, Get } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorsModule } from '../src/index.js';
import { ApiErrors, createErrorsDocument } from '../src/openapi/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { createOpenApiApp } from './fixtures/openapi-app.js';
import {
  CONFIG,
  contentOf,
  documentOf,
  envelopeExample,
  expectValid,
  narrowed,
  responsesOf,
} from './fixtures/openapi-document.js';

// the document does not depend on the adapter (see openapi.e2e-spec.ts): these run on Express
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
