import { afterEach, describe, it, expect, vi } from 'vitest';
import * as fc from 'fast-check';
import { cleanPath, isoTimestamp, renderError, type RenderContext } from './envelope.renderer.js';
import type { MappedError } from './envelope.mapper.js';
import { BuiltInErrors, type ErrorEntry } from '../core/error-catalog.js';
import { AppErrors } from '../../test/fixtures/app-errors.js';
import type { InboundErrorsOptions } from './errors.options.js';
import { resolveInboundOptions } from './errors.options-resolver.js';
import type { FieldIssue } from './field-errors.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function options(extra: InboundErrorsOptions = {}) {
  return resolveInboundOptions({ errors: [AppErrors], ...extra });
}

function mapped(entry: ErrorEntry, extra: Partial<MappedError> = {}): MappedError {
  return {
    entry,
    status: entry.status,
    params: undefined,
    details: undefined,
    issues: undefined,
    issueCount: 0,
    ...extra,
  };
}

function context(extra: Partial<RenderContext> = {}): RenderContext {
  return { locale: 'en', requestId: 'req-1', path: '/users/7?token=abc', ...extra };
}

/** The body as a client receives it. */
function wire(body: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
}

function issues(count: number): FieldIssue[] {
  return Array.from({ length: count }, (_, i) => ({
    path: ['items', i, 'qty'],
    constraint: 'min',
    args: [1],
    text: 'qty must not be less than 1',
    custom: false,
  }));
}

/** The timestamp of an answer rendered when the clock reads `iso`. */
function timestampAt(iso: string): unknown {
  vi.setSystemTime(new Date(iso));
  return wire(renderError(mapped(BuiltInErrors.INTERNAL_ERROR), context(), options()).body)['timestamp'];
}

describe('renderError', () => {
  describe('envelope format', () => {
    it('renders the envelope', () => {
      const rendered = renderError(
        mapped(AppErrors.USER_NOT_FOUND, { params: { id: 7 } }),
        context(),
        options(),
      );
      expect(rendered.status).toBe(404);
      expect(rendered.contentType).toBe('application/json; charset=utf-8');
      expect(rendered.locale).toBe('en');
      const body = wire(rendered.body);
      expect(body).toEqual({
        code: 10001,
        reason: 'USER_NOT_FOUND',
        message: 'User 7 not found',
        requestId: 'req-1',
        timestamp: expect.stringMatching(ISO_DATE),
        path: '/users/7',
      });
      expect(Math.abs(Date.parse(body['timestamp'] as string) - Date.now())).toBeLessThan(5000);
    });

    describe('timestamp', () => {
      afterEach(() => {
        vi.useRealTimers();
      });
      it('is the time of each answer, to the millisecond, also when answers come within one', () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        expect(timestampAt('2026-01-02T03:04:05.006Z')).toBe('2026-01-02T03:04:05.006Z');
        expect(timestampAt('2026-01-02T03:04:05.006Z')).toBe('2026-01-02T03:04:05.006Z');
        expect(timestampAt('2026-01-02T03:04:05.007Z')).toBe('2026-01-02T03:04:05.007Z');
        expect(timestampAt('2025-12-31T23:59:59.999Z')).toBe('2025-12-31T23:59:59.999Z');
      });

      it("writes any time as Date's toISOString does, in whatever order times come", () => {
        const year0 = Date.UTC(0, 0, 1) - 86_400_000;
        const year10000 = Date.UTC(10000, 0, 1) + 86_400_000;
        const times = fc.oneof(
          fc.integer({ min: year0, max: year10000 }),
          fc.double({ min: year0, max: year10000, noNaN: true }),
          // the hours around a day's start, where the date part changes
          fc
            .tuple(
              fc.integer({ min: -800_000, max: 800_000 }),
              fc.integer({ min: -7_200_000, max: 7_200_000 }),
            )
            .map(([day, offset]) => day * 86_400_000 + offset),
        );
        fc.assert(
          fc.property(fc.array(times, { minLength: 1, maxLength: 8 }), (list) => {
            for (const ms of list) expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
          }),
          { numRuns: 2000 },
        );
      });

      it("throws Date's RangeError for a time Date cannot hold", () => {
        for (const ms of [Number.NaN, Number.POSITIVE_INFINITY, 8.64e15 + 1]) {
          expect(() => isoTimestamp(ms)).toThrow(RangeError);
        }
      });
    });

    it('orders the members code, reason, message, details, errors, requestId, timestamp, path', () => {
      const rendered = renderError(
        mapped(BuiltInErrors.VALIDATION_FAILED, { details: { hint: 'x' }, issues: issues(1), issueCount: 1 }),
        context(),
        options(),
      );
      expect(Object.keys(wire(rendered.body))).toEqual([
        'code',
        'reason',
        'message',
        'details',
        'errors',
        'requestId',
        'timestamp',
        'path',
      ]);
    });

    it('leaves details and errors out when not given', () => {
      const body = wire(renderError(mapped(BuiltInErrors.NOT_FOUND), context(), options()).body);
      expect(Object.keys(body)).toEqual(['code', 'reason', 'message', 'requestId', 'timestamp', 'path']);
    });

    it('renders field errors', () => {
      const rendered = renderError(
        mapped(BuiltInErrors.VALIDATION_FAILED, { issues: issues(2), issueCount: 2 }),
        context({ locale: 'zh-CN' }),
        options(),
      );
      expect(wire(rendered.body)).toMatchObject({
        code: 40001,
        reason: 'VALIDATION_FAILED',
        message: '参数验证失败',
        errors: [
          { field: 'items[0].qty', pointer: '/items/0/qty', constraint: 'min', message: '不能小于 1' },
          { field: 'items[1].qty', pointer: '/items/1/qty', constraint: 'min', message: '不能小于 1' },
        ],
      });
      expect(wire(rendered.body)).not.toHaveProperty('details');
    });

    it('keeps the status of a ValidationFailedException override', () => {
      const rendered = renderError(
        mapped(BuiltInErrors.VALIDATION_FAILED, { status: 422, issues: issues(1), issueCount: 1 }),
        context(),
        options(),
      );
      expect(rendered.status).toBe(422);
      expect(wire(rendered.body)['errors']).toHaveLength(1);
    });

    it('leaves errors out when a validation failure carries no field list', () => {
      const rendered = renderError(
        mapped(BuiltInErrors.VALIDATION_FAILED, { issues: [], issueCount: 0 }),
        context(),
        options(),
      );
      expect(Object.keys(wire(rendered.body))).toEqual([
        'code',
        'reason',
        'message',
        'requestId',
        'timestamp',
        'path',
      ]);
    });
  });

  describe('omitted field errors', () => {
    it('counts field errors left out by the collector in details.omittedErrors', () => {
      const rendered = renderError(
        mapped(BuiltInErrors.VALIDATION_FAILED, { issues: issues(3), issueCount: 10 }),
        context(),
        options(),
      );
      const body = wire(rendered.body);
      expect(body['errors']).toHaveLength(3);
      expect(body['details']).toEqual({ omittedErrors: 7 });
    });

    it('counts field errors left out by maxFieldErrors', () => {
      const rendered = renderError(
        mapped(BuiltInErrors.VALIDATION_FAILED, {
          details: { form: 'signup' },
          issues: issues(5),
          issueCount: 5,
        }),
        context(),
        options({ maxFieldErrors: 2 }),
      );
      const body = wire(rendered.body);
      expect(body['errors']).toHaveLength(2);
      expect(body['details']).toEqual({ form: 'signup', omittedErrors: 3 });
    });

    it('counts field errors left out by maxFieldErrorBytes', () => {
      const rendered = renderError(
        mapped(BuiltInErrors.VALIDATION_FAILED, { issues: issues(100), issueCount: 100 }),
        context(),
        options({ maxFieldErrorBytes: 500 }),
      );
      const body = wire(rendered.body) as { errors: unknown[]; details: { omittedErrors: number } };
      expect(body.errors.length).toBeGreaterThan(0);
      expect(body.errors.length).toBeLessThan(100);
      expect(body.details.omittedErrors).toBe(100 - body.errors.length);
    });

    it('adds no omittedErrors when every field error is sent', () => {
      const body = wire(
        renderError(
          mapped(BuiltInErrors.VALIDATION_FAILED, { issues: issues(3), issueCount: 3 }),
          context(),
          options(),
        ).body,
      );
      expect(body).not.toHaveProperty('details');
    });
  });

  describe('problem format', () => {
    it('renders RFC 9457 problem details with extension members', () => {
      const rendered = renderError(
        mapped(AppErrors.USER_NOT_FOUND, { params: { id: 7 }, details: { id: 7 } }),
        context(),
        options({ format: 'problem' }),
      );
      expect(rendered.status).toBe(404);
      expect(rendered.contentType).toBe('application/problem+json; charset=utf-8');
      const body = wire(rendered.body);
      expect(body).toEqual({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: 'User 7 not found',
        instance: '/users/7',
        code: 10001,
        reason: 'USER_NOT_FOUND',
        details: { id: 7 },
        requestId: 'req-1',
      });
      expect(Object.keys(body)).toEqual([
        'type',
        'title',
        'status',
        'detail',
        'instance',
        'code',
        'reason',
        'details',
        'requestId',
      ]);
    });

    it('builds type from the base URI and the kebab-case reason', () => {
      const body = wire(
        renderError(
          mapped(AppErrors.USER_NOT_FOUND),
          context(),
          options({ format: 'problem', problemTypeBaseUri: 'https://errors.example.com/' }),
        ).body,
      );
      expect(body['type']).toBe('https://errors.example.com/user-not-found');
    });

    it('titles a problem with the text of its status', () => {
      const opts = options({ format: 'problem' });
      expect(
        wire(renderError(mapped(BuiltInErrors.VALIDATION_FAILED, { status: 422 }), context(), opts).body),
      ).toMatchObject({
        title: 'Unprocessable Entity',
        status: 422,
        code: 40001,
      });
      const teapot = opts.catalog.forStatus(418);
      expect(wire(renderError(mapped(teapot), context(), opts).body)['title']).toBe("I'm a Teapot");
      const unnamed = opts.catalog.forStatus(499);
      expect(wire(renderError(mapped(unnamed), context(), opts).body)['title']).toBe('Error');
    });

    it('includes field errors', () => {
      const body = wire(
        renderError(
          mapped(BuiltInErrors.VALIDATION_FAILED, { issues: issues(1), issueCount: 4 }),
          context(),
          options({ format: 'problem' }),
        ).body,
      );
      expect(Object.keys(body)).toEqual([
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
      expect(body['details']).toEqual({ omittedErrors: 3 });
      expect(body['errors']).toHaveLength(1);
    });

    it('never answers with 200 in legacy mode', () => {
      const rendered = renderError(
        mapped(AppErrors.USER_NOT_FOUND),
        context(),
        options({ format: 'problem', legacyHttp200: true }),
      );
      expect(rendered.status).toBe(404);
      expect(wire(rendered.body)['status']).toBe(404);
    });
  });

  describe('legacy 200 mode', () => {
    const legacy = options({ legacyHttp200: true });

    it('answers app 4xx entries with 200 and their code', () => {
      const rendered = renderError(
        mapped(AppErrors.USER_NOT_FOUND, { params: { id: 1 } }),
        context(),
        legacy,
      );
      expect(rendered.status).toBe(200);
      expect(wire(rendered.body)).toMatchObject({ code: 10001, reason: 'USER_NOT_FOUND' });
    });

    it('keeps the status of built-in entries', () => {
      expect(renderError(mapped(BuiltInErrors.NOT_FOUND), context(), legacy).status).toBe(404);
      expect(renderError(mapped(BuiltInErrors.VALIDATION_FAILED), context(), legacy).status).toBe(400);
      expect(renderError(mapped(legacy.catalog.forStatus(418)), context(), legacy).status).toBe(418);
    });

    it('keeps the status of 5xx, app entries included', () => {
      expect(renderError(mapped(AppErrors.UPSTREAM_DOWN), context(), legacy).status).toBe(503);
      expect(renderError(mapped(BuiltInErrors.INTERNAL_ERROR), context(), legacy).status).toBe(500);
      expect(renderError(mapped(AppErrors.USER_NOT_FOUND, { status: 500 }), context(), legacy).status).toBe(
        500,
      );
    });

    it('is off by default', () => {
      expect(renderError(mapped(AppErrors.USER_NOT_FOUND), context(), options()).status).toBe(404);
    });
  });

  describe('exposeInternalErrors', () => {
    const exposing = options({ exposeInternalErrors: true });

    it('adds details.exception to a 5xx', () => {
      const exception = new TypeError('x is undefined');
      const body = wire(
        renderError(mapped(BuiltInErrors.INTERNAL_ERROR), context({ exception }), exposing).body,
      ) as { details: { exception: { name: string; message: string; stack: string[] } } };
      expect(body.details.exception).toMatchObject({ name: 'TypeError', message: 'x is undefined' });
      expect(body.details.exception.stack[0]).toBe('TypeError: x is undefined');
    });

    it('describes a non-Error exception', () => {
      const body = wire(
        renderError(
          mapped(AppErrors.UPSTREAM_DOWN, { details: { upstream: 'billing' } }),
          context({ exception: 'boom' }),
          exposing,
        ).body,
      );
      expect(body['details']).toEqual({
        upstream: 'billing',
        exception: { name: 'string', message: 'boom' },
      });
    });

    it('never adds it to a 4xx', () => {
      const body = wire(
        renderError(mapped(BuiltInErrors.NOT_FOUND), context({ exception: new Error('secret') }), exposing)
          .body,
      );
      expect(body).not.toHaveProperty('details');
    });

    it('is off by default', () => {
      const body = wire(
        renderError(
          mapped(BuiltInErrors.INTERNAL_ERROR),
          context({ exception: new Error('secret') }),
          options(),
        ).body,
      );
      expect(body).not.toHaveProperty('details');
      expect(JSON.stringify(body)).not.toContain('secret');
    });

    it('also applies to the problem format', () => {
      const body = wire(
        renderError(
          mapped(BuiltInErrors.INTERNAL_ERROR),
          context({ exception: new Error('kaput') }),
          options({ exposeInternalErrors: true, format: 'problem' }),
        ).body,
      );
      expect(body['details']).toMatchObject({ exception: { name: 'Error', message: 'kaput' } });
    });
  });

  describe('locales', () => {
    it('renders the text of the request locale', () => {
      const opts = options();
      expect(
        wire(renderError(mapped(BuiltInErrors.NOT_FOUND), context({ locale: 'zh-CN' }), opts).body)[
          'message'
        ],
      ).toBe('资源不存在');
      expect(
        wire(renderError(mapped(BuiltInErrors.NOT_FOUND), context({ locale: 'en' }), opts).body)['message'],
      ).toBe('Not found');
    });

    it('falls back to the default locale', () => {
      const rendered = renderError(
        mapped(AppErrors.USER_NOT_FOUND, { params: { id: 3 } }),
        context({ locale: 'ja' }),
        options({ locales: ['zh-CN', 'en', 'ja'] }),
      );
      expect(wire(rendered.body)['message']).toBe('用户 3 不存在');
    });

    it('falls back to any text when neither locale has one', () => {
      const rendered = renderError(mapped(AppErrors.ENGLISH_ONLY), context({ locale: 'zh-CN' }), options());
      expect(wire(rendered.body)['message']).toBe('Only in English');
    });

    // Bug: `locale` (sent as Content-Language) is the negotiated one even when the text is another's.
    it('reports the locale of the text it picked', () => {
      const rendered = renderError(mapped(AppErrors.ENGLISH_ONLY), context({ locale: 'zh-CN' }), options());
      expect(rendered.locale).toBe('en');
    });

    it('uses the message overrides', () => {
      const opts = options({
        messages: {
          NOT_FOUND: { en: 'Nothing here' },
          USER_NOT_FOUND: { en: 'No user {id}' },
          min: { en: 'at least {0}' },
        },
      });
      expect(wire(renderError(mapped(BuiltInErrors.NOT_FOUND), context(), opts).body)['message']).toBe(
        'Nothing here',
      );
      expect(
        wire(renderError(mapped(BuiltInErrors.NOT_FOUND), context({ locale: 'zh-CN' }), opts).body)[
          'message'
        ],
      ).toBe('资源不存在');
      expect(
        wire(renderError(mapped(AppErrors.USER_NOT_FOUND, { params: { id: 9 } }), context(), opts).body)[
          'message'
        ],
      ).toBe('No user 9');
      const body = wire(
        renderError(
          mapped(BuiltInErrors.VALIDATION_FAILED, { issues: issues(1), issueCount: 1 }),
          context(),
          opts,
        ).body,
      ) as { errors: { message: string }[] };
      expect(body.errors[0]!.message).toBe('at least 1');
    });
  });

  it('renders the reason when an entry has no message at all', () => {
    const bare = { reason: 'BARE', code: 1, status: 400, messages: {}, builtIn: false } as ErrorEntry;
    expect(wire(renderError(mapped(bare), context(), options()).body)['message']).toBe('BARE');
  });
});

describe('cleanPath', () => {
  it.each([
    [undefined, '/'],
    ['', '/'],
    ['/', '/'],
    ['/users/7', '/users/7'],
    ['/users/7?token=abc', '/users/7'],
    ['/users/7#section', '/users/7'],
    ['/a?x=1#frag', '/a'],
    ['/a#frag?x=1', '/a'],
    ['/a?', '/a'],
    ['/a/b%20c?q', '/a/b%20c'],
    ['/cart;jsessionid=ABC123', '/cart'],
    ['/cart;jsessionid=ABC123?x=1', '/cart'],
    ['/a;v=1/b;w=2;x=3/c', '/a/b/c'],
    [';jsessionid=ABC', '/'],
    ['/a?q=;x', '/a'],
  ])('cleans %j to %j', (url, path) => {
    expect(cleanPath(url)).toBe(path);
  });

  it('bounds the length', () => {
    expect(cleanPath('/' + 'a'.repeat(5000))).toHaveLength(1024);
    expect(cleanPath('/' + 'a'.repeat(5000) + '?secret=1')).toBe('/' + 'a'.repeat(1023));
  });
});
