import { describe, it, expect } from 'vitest';
import { DEFAULT_ERRORS_OPTIONS } from '../errors/errors.options.js';
import { resolveErrorsOptions } from './errors-module.options.js';
import { BuiltInErrors, ErrorCatalog, defineErrors } from '../core/error-catalog.js';
import { CONSTRAINT_MESSAGES } from '../core/i18n/messages.js';
import { AppErrors } from '../../test/fixtures/app-errors.js';
import { getApiClientToken } from '../client/api-client.tokens.js';

describe('resolveErrorsOptions', () => {
  it('applies the defaults', () => {
    const resolved = resolveErrorsOptions();
    expect(resolved).toMatchObject({
      locales: ['zh-CN', 'en'],
      defaultLocale: 'zh-CN',
      format: 'envelope',
      legacyHttp200: false,
      requestIdHeader: 'X-Request-Id',
      trustRequestId: true,
      clientErrorLogLevel: 'warn',
      exposeInternalErrors: false,
      validation: {},
      maxFieldErrors: 50,
      maxFieldErrorBytes: 8192,
      maxBodyDepth: 32,
      maxArrayLength: 1000,
      maxBodyNodes: 5000,
      maxDetailsBytes: 4096,
      logRateLimit: { lines: 10, intervalMs: 10_000 },
      requestTimeoutMs: false,
      deadlineHeader: 'grpc-timeout',
      trustDeadlineHeader: false,
      problemTypeBaseUri: undefined,
      successMessages: { 'zh-CN': '成功', en: 'success' },
    });
    expect(resolved.catalog).toBeInstanceOf(ErrorCatalog);
    expect(resolved.catalog.entries()).toEqual(Object.values(BuiltInErrors));
    expect(resolved.entryMessages['NOT_FOUND']).toEqual({ 'zh-CN': '资源不存在', en: 'Not found' });
    expect(resolved.constraintMessages).toEqual(CONSTRAINT_MESSAGES);
    expect(resolveErrorsOptions({})).toEqual(resolved);
  });

  it('does not let undefined options erase the defaults', () => {
    const resolved = resolveErrorsOptions({
      locales: undefined,
      defaultLocale: undefined,
      format: undefined,
      legacyHttp200: undefined,
      requestIdHeader: undefined,
      trustRequestId: undefined,
      clientErrorLogLevel: undefined,
      exposeInternalErrors: undefined,
      validation: undefined,
      maxFieldErrors: undefined,
      maxFieldErrorBytes: undefined,
      errors: undefined,
      messages: undefined,
      problemTypeBaseUri: undefined,
    });
    expect(resolved).toEqual(resolveErrorsOptions());
  });

  it('keeps falsy values that are not undefined', () => {
    const resolved = resolveErrorsOptions({
      clientErrorLogLevel: false,
      trustRequestId: false,
      maxFieldErrors: 0,
    });
    expect(resolved.clientErrorLogLevel).toBe(false);
    expect(resolved.trustRequestId).toBe(false);
    expect(resolved.maxFieldErrors).toBe(0);
  });

  it('takes the given options', () => {
    const given = {
      locales: ['en', 'ja'],
      defaultLocale: 'en',
      format: 'problem',
      problemTypeBaseUri: 'https://errors.example.com/',
      legacyHttp200: true,
      requestIdHeader: 'X-Correlation-Id',
      maxFieldErrors: 5,
      maxFieldErrorBytes: 1024,
      validation: { whitelist: false },
    } as const;
    expect(resolveErrorsOptions(given)).toMatchObject(given);
  });

  it('builds the catalog from the app errors', () => {
    const resolved = resolveErrorsOptions({ errors: [AppErrors] });
    expect(resolved.catalog.get('USER_NOT_FOUND')).toBe(AppErrors.USER_NOT_FOUND);
    expect(resolved.entryMessages['USER_NOT_FOUND']).toEqual({
      'zh-CN': '用户 {id} 不存在',
      en: 'User {id} not found',
    });
  });

  it('throws on duplicate errors', () => {
    expect(() => resolveErrorsOptions({ errors: [AppErrors, AppErrors] })).toThrow(
      'reason USER_NOT_FOUND is declared twice',
    );
  });

  it('throws when defaultLocale is not one of locales', () => {
    expect(() => resolveErrorsOptions({ defaultLocale: 'ja' })).toThrow(
      "ErrorsModule: option 'defaultLocale' must be one of locales ('zh-CN', 'en'), got 'ja'",
    );
    expect(() => resolveErrorsOptions({ locales: ['en'] })).toThrow(
      "ErrorsModule: option 'defaultLocale' must be one of locales ('en'), got 'zh-CN' (the default: set defaultLocale too)",
    );
    expect(() => resolveErrorsOptions({ locales: ['zh-cn', 'en'] })).toThrow(/got 'zh-CN'/);
  });

  it('throws on an unknown format', () => {
    expect(() => resolveErrorsOptions({ format: 'xml' as any })).toThrow(
      "ErrorsModule: option 'format' must be 'envelope' or 'problem', got 'xml'",
    );
    expect(() => resolveErrorsOptions({ format: null as any })).toThrow(/got null/);
  });

  it('overrides the texts of catalog entries by reason and locale', () => {
    const resolved = resolveErrorsOptions({
      errors: [AppErrors],
      messages: {
        NOT_FOUND: { en: 'Nothing here', ja: '見つかりません' },
        USER_NOT_FOUND: { en: 'No such user' },
      },
    });
    expect(resolved.entryMessages['NOT_FOUND']).toEqual({
      'zh-CN': '资源不存在',
      en: 'Nothing here',
      ja: '見つかりません',
    });
    expect(resolved.entryMessages['USER_NOT_FOUND']).toEqual({
      'zh-CN': '用户 {id} 不存在',
      en: 'No such user',
    });
    expect(resolved.constraintMessages).not.toHaveProperty('NOT_FOUND');
    expect(resolved.constraintMessages).not.toHaveProperty('USER_NOT_FOUND');
    expect(BuiltInErrors.NOT_FOUND.messages['en']).toBe('Not found');
  });

  it('overrides and adds constraint texts', () => {
    const resolved = resolveErrorsOptions({
      messages: {
        minLength: { en: 'too short (min {0})' },
        isStrongPassword: { en: 'too weak', 'zh-CN': '太弱' },
      },
    });
    expect(resolved.constraintMessages['minLength']).toEqual({
      'zh-CN': '长度不能少于 {0}',
      en: 'too short (min {0})',
    });
    expect(resolved.constraintMessages['isStrongPassword']).toEqual({ en: 'too weak', 'zh-CN': '太弱' });
    expect(resolved.constraintMessages['isEmail']).toBe(CONSTRAINT_MESSAGES['isEmail']);
    expect(CONSTRAINT_MESSAGES['minLength']!['en']).toBe('must be at least {0} characters long');
    expect(resolveErrorsOptions().constraintMessages['minLength']!['en']).toBe(
      'must be at least {0} characters long',
    );
  });

  it('overrides the SUCCESS texts', () => {
    const resolved = resolveErrorsOptions({ messages: { SUCCESS: { en: 'OK', ja: '成功しました' } } });
    expect(resolved.successMessages).toEqual({ 'zh-CN': '成功', en: 'OK', ja: '成功しました' });
    expect(resolved.constraintMessages).not.toHaveProperty('SUCCESS');
    expect(resolved.entryMessages).not.toHaveProperty('SUCCESS');
    expect(resolveErrorsOptions().successMessages).toEqual({ 'zh-CN': '成功', en: 'success' });
  });

  it('does not change the defaults object', () => {
    resolveErrorsOptions({ locales: ['en'], defaultLocale: 'en', maxFieldErrors: 1 });
    expect(DEFAULT_ERRORS_OPTIONS.locales).toEqual(['zh-CN', 'en']);
    expect(DEFAULT_ERRORS_OPTIONS.maxFieldErrors).toBe(50);
    expect(Object.isFrozen(DEFAULT_ERRORS_OPTIONS)).toBe(true);
  });
});

/** Tells that the app injects the client `name` alone. */
function only(name: string): (token: unknown) => boolean {
  return (token) => token === getApiClientToken(name);
}

describe('deadlineHeader', () => {
  it('is each client’s header unless the client names its own', () => {
    const resolved = resolveErrorsOptions({
      deadlineHeader: 'X-Deadline-Ms',
      clients: { pay: {}, legacy: { deadlineHeader: false } },
    });
    expect(resolved.clients['default']!.deadlineHeader).toBe('X-Deadline-Ms');
    expect(resolved.clients['pay']!.deadlineHeader).toBe('X-Deadline-Ms');
    expect(resolved.clients['legacy']!.deadlineHeader).toBe(false);
    expect(resolveErrorsOptions().clients['default']!.deadlineHeader).toBe('grpc-timeout');
  });
});

describe('asyncContext', () => {
  it('is on while any client forwards request ids, as the default client does', () => {
    expect(resolveErrorsOptions().asyncContext).toBe(true);
    expect(
      resolveErrorsOptions({ client: { requestIdHeader: false }, clients: { pay: {} } }).asyncContext,
    ).toBe(true);
  });

  it('is off when no client forwards request ids', () => {
    const options = {
      client: { requestIdHeader: false as const },
      clients: { pay: { requestIdHeader: false as const } },
    };
    expect(resolveErrorsOptions(options).asyncContext).toBe(false);
  });

  it('is what the app says, whatever the clients do', () => {
    expect(resolveErrorsOptions({ asyncContext: false }).asyncContext).toBe(false);
    expect(
      resolveErrorsOptions({ client: { requestIdHeader: false }, asyncContext: true }).asyncContext,
    ).toBe(true);
  });

  it.each([
    ['requestTimeoutMs', { requestTimeoutMs: 5000 }],
    ['trustDeadlineHeader', { trustDeadlineHeader: true }],
  ])(
    'with %s, is on while any client is injected: each keeps its calls within the request’s deadline',
    (_option, deadlines) => {
      const silent = { requestIdHeader: false as const, deadlineHeader: false as const };
      expect(resolveErrorsOptions({ ...deadlines, client: silent }, only('default')).asyncContext).toBe(true);
      expect(
        resolveErrorsOptions({ ...deadlines, client: silent, clients: { pay: silent } }, only('pay'))
          .asyncContext,
      ).toBe(true);
      expect(resolveErrorsOptions({ ...deadlines, client: silent }, () => false).asyncContext).toBe(false);
      expect(resolveErrorsOptions({ client: silent }, only('default')).asyncContext).toBe(false);
    },
  );

  it('is a boolean', () => {
    expect(() => resolveErrorsOptions({ asyncContext: 'yes' as never })).toThrow(
      "ErrorsModule: option 'asyncContext' must be true or false, got 'yes'",
    );
  });
});

describe('errors option', () => {
  it('takes one defineErrors() result, not in an array', () => {
    const resolved = resolveErrorsOptions({ errors: AppErrors });
    expect(resolved.catalog.get('USER_NOT_FOUND')).toBe(AppErrors.USER_NOT_FOUND);
  });

  it('takes one entry, alone or in an array beside results', () => {
    const Other = defineErrors({ ORDER_LOCKED: { code: 10002, status: 409, messages: { en: 'Locked' } } });
    expect(resolveErrorsOptions({ errors: AppErrors.USER_NOT_FOUND }).catalog.get(10001)).toBe(
      AppErrors.USER_NOT_FOUND,
    );
    const both = resolveErrorsOptions({ errors: [AppErrors.USER_NOT_FOUND, Other] }).catalog;
    expect([both.get(10001), both.get(10002)]).toEqual([AppErrors.USER_NOT_FOUND, Other.ORDER_LOCKED]);
  });

  it('checks a single entry as the catalog checks every entry', () => {
    const entry = { ...AppErrors.USER_NOT_FOUND, code: '10001' } as any;
    expect(() => resolveErrorsOptions({ errors: entry })).toThrow(
      'Error catalog: USER_NOT_FOUND (code 10001): code must be a positive integer.',
    );
  });

  it('says to pass definitions through defineErrors()', () => {
    const definitions = { USER_NOT_FOUND: { code: 10001, status: 404, messages: { en: 'User not found' } } };
    expect(() => resolveErrorsOptions({ errors: definitions as any })).toThrow(
      "ErrorsModule: option 'errors' must be a defineErrors() result, one of its entries, or an array of them, " +
        "got an object whose 'USER_NOT_FOUND' is not an entry (pass the definitions to defineErrors())",
    );
  });

  it.each([
    ['a string', 'USER_NOT_FOUND', "option 'errors' must be", "got 'USER_NOT_FOUND'"],
    ['null', null, "option 'errors' must be", 'got null'],
    [
      'a number in the array',
      [AppErrors, 42],
      "option 'errors[1]' must be a defineErrors() result or one of its entries",
      'got 42',
    ],
  ])('refuses %s, naming where', (_what, errors, where, got) => {
    const attempt = () => resolveErrorsOptions({ errors: errors as any });
    expect(attempt).toThrow(where);
    expect(attempt).toThrow(got);
  });
});

describe('bad options', () => {
  it.each<[string, Record<string, unknown>, string]>([
    // the three a new user found
    [
      'a header name with spaces',
      { requestIdHeader: 'X Request Id' },
      "option 'requestIdHeader' must be a header name (an RFC 9110 token",
    ],
    [
      'a log level Nest has no method for',
      { clientErrorLogLevel: 'info' },
      "option 'clientErrorLogLevel' must be one of 'log', 'error', 'warn', 'debug', 'verbose' or false, got 'info'",
    ],
    ['an empty header name', { requestIdHeader: '' }, "option 'requestIdHeader' must be a header name"],
    [
      'a log level of another case',
      { clientErrorLogLevel: 'WARN' },
      "option 'clientErrorLogLevel' must be one of 'log', 'error', 'warn', 'debug', 'verbose' or false, got 'WARN' (did you mean 'warn'?)",
    ],
    ['true as a log level', { clientErrorLogLevel: true }, "option 'clientErrorLogLevel' must be one of"],
    [
      'a boolean as a string',
      { legacyHttp200: 'yes' },
      "option 'legacyHttp200' must be true or false, got 'yes'",
    ],
    ['a number as a boolean', { trustRequestId: 1 }, "option 'trustRequestId' must be true or false, got 1"],
    [
      'exposeInternalErrors as a string',
      { exposeInternalErrors: 'false' },
      "option 'exposeInternalErrors' must be true or false, got 'false'",
    ],
    ['a negative count', { maxFieldErrors: -1 }, "option 'maxFieldErrors' must be an integer >= 0, got -1"],
    [
      'a fractional count',
      { maxFieldErrors: 2.5 },
      "option 'maxFieldErrors' must be an integer >= 0, got 2.5",
    ],
    [
      'an infinite byte limit',
      { maxFieldErrorBytes: Infinity },
      "option 'maxFieldErrorBytes' must be an integer >= 0, got Infinity",
    ],
    [
      'NaN bytes',
      { maxFieldErrorBytes: NaN },
      "option 'maxFieldErrorBytes' must be an integer >= 0, got NaN",
    ],
    ['a zero depth', { maxBodyDepth: 0 }, "option 'maxBodyDepth' must be an integer >= 1, got 0"],
    [
      'a fractional array length',
      { maxArrayLength: 1.5 },
      "option 'maxArrayLength' must be an integer >= 1, got 1.5",
    ],
    ['a negative node count', { maxBodyNodes: -1 }, "option 'maxBodyNodes' must be an integer >= 1, got -1"],
    [
      'a details cap as text',
      { maxDetailsBytes: '4k' },
      "option 'maxDetailsBytes' must be an integer >= 0, got '4k'",
    ],
    [
      'no lines per window',
      { logRateLimit: { lines: 0 } },
      "option 'logRateLimit.lines' must be an integer >= 1, got 0",
    ],
    [
      'a typo in the log protection',
      { logRateLimit: { interval: 1000 } },
      "unknown option 'logRateLimit.interval'; did you mean 'logRateLimit.intervalMs'?",
    ],
    ['no locales', { locales: [] }, "option 'locales' must be a non-empty array, got an empty array"],
    [
      'a locale string, not a list',
      { locales: 'en' },
      "option 'locales' must be a non-empty array, got 'en'",
    ],
    [
      'a locale with an underscore',
      { locales: ['zh_CN', 'en'] },
      "option 'locales[0]' must be a BCP 47 language tag (e.g. 'en', 'zh-CN'), got 'zh_CN'",
    ],
    [
      'a locale twice',
      { locales: ['en', 'zh-CN', 'EN'] },
      "option 'locales[2]' must be a value not listed before, got 'EN'",
    ],
    [
      'a default locale that is no tag',
      { defaultLocale: 42 },
      "option 'defaultLocale' must be a BCP 47 language tag",
    ],
    [
      'texts that are not by locale',
      { messages: { NOT_FOUND: 'Nothing here' } },
      "option 'messages.NOT_FOUND' must be an object, got 'Nothing here'",
    ],
    [
      'a text that is not a string',
      { messages: { NOT_FOUND: { en: 404 } } },
      "option 'messages.NOT_FOUND.en' must be a string, got 404",
    ],
    [
      'a text under a bad locale',
      { messages: { minLength: { en_US: 'short' } } },
      "option 'messages.minLength.en_US' must be a BCP 47 language tag",
    ],
    [
      'a relative problem type base',
      { problemTypeBaseUri: '/errors/' },
      "option 'problemTypeBaseUri' must be an absolute URI, got '/errors/'",
    ],
    ['validation that is no object', { validation: true }, "option 'validation' must be an object, got true"],
    [
      'a Nest validation key misspelt',
      { validation: { forbidNonWhiteListed: true } },
      "unknown option 'validation.forbidNonWhiteListed'; did you mean 'validation.forbidNonWhitelisted'?",
    ],
    [
      'a Nest validation boolean as a string',
      { validation: { whitelist: 'true' } },
      "option 'validation.whitelist' must be true or false, got 'true'",
    ],
    [
      'a success status for validation failures',
      { validation: { errorHttpStatusCode: 200 } },
      "option 'validation.errorHttpStatusCode' must be an HTTP error status (400 to 599), got 200",
    ],
    [
      'an unknown error format',
      { validation: { errorFormat: 'flat' } },
      "option 'validation.errorFormat' must be 'list' or 'grouped', got 'flat'",
    ],
    [
      'a client that is no object',
      { client: 'https://api.example.com' },
      "option 'client' must be an object, got 'https://api.example.com'",
    ],
    [
      'a bad option of a named client',
      { clients: { payments: { retry: { retries: -1 } } } },
      "option 'clients.payments.retry.retries' must be an integer >= 0, got -1",
    ],
    [
      'a named client called default',
      { clients: { default: {} } },
      "option 'clients.default' must be a client name other than 'default'",
    ],
    [
      'a request timeout of 0',
      { requestTimeoutMs: 0 },
      "option 'requestTimeoutMs' must be an integer from 1 to 2147483647 (milliseconds) or false, got 0",
    ],
    [
      'a request timeout in seconds, as a string',
      { requestTimeoutMs: '5s' },
      "option 'requestTimeoutMs' must be an integer from 1 to 2147483647 (milliseconds) or false, got '5s'",
    ],
    [
      'true as a request timeout',
      { requestTimeoutMs: true },
      "option 'requestTimeoutMs' must be an integer from 1 to 2147483647 (milliseconds) or false, got true",
    ],
    [
      'a deadline header with a colon',
      { deadlineHeader: 'grpc-timeout:' },
      "option 'deadlineHeader' must be a header name",
    ],
    [
      'trustDeadlineHeader that is no boolean',
      { trustDeadlineHeader: 'yes' },
      "option 'trustDeadlineHeader' must be true or false, got 'yes'",
    ],
  ])('refuses %s', (_what, options, message) => {
    expect(() => resolveErrorsOptions(options as any)).toThrow(`ErrorsModule: ${message}`);
  });

  it('lets unknown Nest validation keys through (Nest may add some)', () => {
    expect(() => resolveErrorsOptions({ validation: { aKeyNestAddsLater: true } as any })).not.toThrow();
  });

  it('takes every Nest validation option of the right type', () => {
    expect(() =>
      resolveErrorsOptions({
        validation: {
          whitelist: false,
          errorHttpStatusCode: 422,
          exceptionFactory: () => new Error('x'),
          groups: ['admin'],
          validationError: { target: false },
          maxErrorMessagesLength: Infinity,
          transformOptions: { enableImplicitConversion: true },
        },
      }),
    ).not.toThrow();
  });

  it.each([
    ['requestIdHeadr', "did you mean 'requestIdHeader'?"],
    ['requestIDHeader', "did you mean 'requestIdHeader'?"],
    ['defaultlocale', "did you mean 'defaultLocale'?"],
    ['locale', "did you mean 'defaultLocale'?"],
    ['locals', "did you mean 'locales'?"],
    ['logLevel', "did you mean 'clientErrorLogLevel'?"],
    ['isGlobl', "did you mean 'isGlobal'?"],
  ])('names the option a misspelt %s was meant to be', (key, hint) => {
    expect(() => resolveErrorsOptions({ [key]: 'x' } as any)).toThrow(
      `ErrorsModule: unknown option '${key}'; ${hint}`,
    );
  });

  it('refuses an unknown key, listing the options', () => {
    expect(() => resolveErrorsOptions({ colour: 'red' } as any)).toThrow(
      "ErrorsModule: unknown option 'colour'; the options here are errors, locales, defaultLocale,",
    );
  });

  it('says where an extra goes when a forRootAsync factory returns it', () => {
    expect(() => resolveErrorsOptions({ successEnvelope: true } as any)).toThrow(
      "ErrorsModule: option 'successEnvelope' is not an option here: it changes what the module installs, " +
        'so it sits beside useFactory in forRootAsync, not in what the factory returns',
    );
  });

  it('refuses options that are no object (a factory returning null)', () => {
    expect(() => resolveErrorsOptions(null as any)).toThrow(
      'ErrorsModule: the options must be an object, got null',
    );
  });
});

describe('log protection option', () => {
  it('merges a partial setting over the defaults, and can be turned off', () => {
    expect(resolveErrorsOptions({ logRateLimit: { lines: 2 } }).logRateLimit).toEqual({
      lines: 2,
      intervalMs: 10_000,
    });
    expect(resolveErrorsOptions({ logRateLimit: false }).logRateLimit).toBe(false);
  });
});
