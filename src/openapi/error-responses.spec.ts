import type { ResponseObject } from '@nestjs/swagger';
import { describe, expect, it } from 'vitest';
import { AppErrors } from '../../test/fixtures/app-errors.js';
import { BuiltInErrors } from '../core/error-catalog.js';
import type { InboundErrorsOptions } from '../errors/errors.options.js';
import { resolveInboundOptions } from '../errors/errors.options-resolver.js';
import { errorResponses, exampleAnswer, withErrorResponses } from './error-responses.js';

function options(extra: InboundErrorsOptions = {}) {
  return resolveInboundOptions({ errors: [AppErrors], ...extra });
}

const ERROR: ResponseObject = {
  description: 'Not Found: NOT_FOUND',
  headers: { 'X-Request-Id': { schema: { type: 'string' } } },
  content: {
    'application/json': {
      schema: { $ref: '#/components/schemas/ErrorEnvelope' },
      examples: { NOT_FOUND: { value: { reason: 'NOT_FOUND' } } },
    },
  },
};

describe('errorResponses', () => {
  it('groups entries by the status they are answered with, each group in the order given', () => {
    const responses = errorResponses(
      [AppErrors.ORDER_LOCKED, BuiltInErrors.NOT_FOUND, AppErrors.ENGLISH_ONLY],
      '/orders',
      'zh-CN',
      options(),
    );
    expect(Object.keys(responses)).toEqual(['404', '409']);
    expect(responses['409']!.description).toBe('Conflict: ORDER_LOCKED, ENGLISH_ONLY');
    const examples = responses['409']!.content!['application/json']!.examples!;
    expect(Object.keys(examples)).toEqual(['ORDER_LOCKED', 'ENGLISH_ONLY']);
    // an entry without a text in the locale asked for: the module's default, else the one it has
    expect(examples['ENGLISH_ONLY']).toMatchObject({ value: { message: 'Only in English' } });
  });

  it('names the module’s request id header', () => {
    const responses = errorResponses(
      [BuiltInErrors.NOT_FOUND],
      '/x',
      'en',
      options({ requestIdHeader: 'X-Trace' }),
    );
    expect(Object.keys(responses['404']!.headers!)).toEqual(['X-Trace', 'Content-Language']);
  });
});

describe('exampleAnswer', () => {
  it('is the rendered answer, with fixed request id and time, placeholders kept', () => {
    const answer = exampleAnswer(AppErrors.USER_NOT_FOUND, '/users/{id}', 'en', options());
    expect(answer.status).toBe(404);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    expect(answer.body).toMatchObject({
      message: 'User {id} not found',
      requestId: '9f1c6c1e-2d1b-4f7e-9a43-5f0c2b1d7e11',
      timestamp: '2026-11-22T10:00:00.000Z',
      path: '/users/{id}',
    });
  });

  it("answers VALIDATION_FAILED at the pipe's status, and app 4xx errors at 200 in legacy mode", () => {
    const unprocessable = options({ validation: { errorHttpStatusCode: 422 } });
    expect(exampleAnswer(BuiltInErrors.VALIDATION_FAILED, '/', 'en', unprocessable).status).toBe(422);
    expect(exampleAnswer(BuiltInErrors.MALFORMED_JSON, '/', 'en', unprocessable).status).toBe(400);
    const legacy = options({ legacyHttp200: true });
    expect(exampleAnswer(AppErrors.ORDER_LOCKED, '/', 'en', legacy).status).toBe(200);
    expect(exampleAnswer(AppErrors.LEDGER_BROKEN, '/', 'en', legacy).status).toBe(503);
    expect(exampleAnswer(BuiltInErrors.NOT_FOUND, '/', 'en', legacy).status).toBe(404);
  });
});

describe('withErrorResponses', () => {
  it('adds the error responses and orders the statuses', () => {
    const merged = withErrorResponses(
      { '200': { description: 'OK' }, default: { description: 'any' } },
      {
        '404': ERROR,
      },
    );
    expect(Object.keys(merged)).toEqual(['200', '404', 'default']);
    expect(merged['404']).toBe(ERROR);
  });

  it('keeps what the route documents and offers the error body beside its own', () => {
    const merged = withErrorResponses(
      {
        '404': {
          description: 'No such order',
          headers: { 'X-Request-Id': { description: 'ours', schema: { type: 'string' } } },
          content: { 'application/json': { schema: { type: 'string' }, example: 'gone' } },
        },
      },
      { '404': ERROR },
    );
    expect(merged['404']).toEqual({
      description: 'No such order',
      headers: { 'X-Request-Id': { description: 'ours', schema: { type: 'string' } } },
      content: {
        'application/json': {
          schema: { oneOf: [{ type: 'string' }, { $ref: '#/components/schemas/ErrorEnvelope' }] },
          examples: { default: { value: 'gone' }, NOT_FOUND: { value: { reason: 'NOT_FOUND' } } },
        },
      },
    });
  });

  it('fills a response that has no body, and leaves a $ref response alone', () => {
    const merged = withErrorResponses(
      { '404': { description: '' }, '409': { $ref: '#/components/responses/Conflict' } },
      { '404': ERROR, '409': { ...ERROR, description: 'Conflict' } },
    );
    expect(merged['404']).toEqual(ERROR);
    expect(merged['409']).toEqual({ $ref: '#/components/responses/Conflict' });
  });
});
