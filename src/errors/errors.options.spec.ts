import { describe, it, expect } from 'vitest';
import { DEFAULT_ERRORS_OPTIONS, resolveErrorsOptions } from './errors.options.js';
import { BuiltInErrors, ErrorCatalog, defineErrors } from './error-catalog.js';
import { CONSTRAINT_MESSAGES } from './i18n/messages.js';

const AppErrors = defineErrors({
  USER_NOT_FOUND: { code: 10001, status: 404, messages: { 'zh-CN': '用户不存在', en: 'User not found' } },
});

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
    const resolved = resolveErrorsOptions({
      locales: ['en', 'ja'],
      defaultLocale: 'en',
      format: 'problem',
      problemTypeBaseUri: 'https://errors.example.com/',
      legacyHttp200: true,
      requestIdHeader: 'X-Correlation-Id',
      maxFieldErrors: 5,
      maxFieldErrorBytes: 1024,
      validation: { whitelist: false },
    });
    expect(resolved).toMatchObject({
      locales: ['en', 'ja'],
      defaultLocale: 'en',
      format: 'problem',
      problemTypeBaseUri: 'https://errors.example.com/',
      legacyHttp200: true,
      requestIdHeader: 'X-Correlation-Id',
      maxFieldErrors: 5,
      maxFieldErrorBytes: 1024,
      validation: { whitelist: false },
    });
  });

  it('builds the catalog from the app errors', () => {
    const resolved = resolveErrorsOptions({ errors: [AppErrors] });
    expect(resolved.catalog.get('USER_NOT_FOUND')).toBe(AppErrors.USER_NOT_FOUND);
    expect(resolved.entryMessages['USER_NOT_FOUND']).toEqual({ 'zh-CN': '用户不存在', en: 'User not found' });
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
    expect(resolved.entryMessages['USER_NOT_FOUND']).toEqual({ 'zh-CN': '用户不存在', en: 'No such user' });
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
