import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { Logger as PinoNestLogger, NativeLogger, PinoLogger, type Params } from 'nestjs-pino';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveErrorsOptions } from '../module/errors-module.options.js';
import { takesFieldsFirst, writesFields } from './log-format.js';

const PARAMS: Params = { pinoHttp: [{ level: 'silent' }, { write: () => undefined }] };

function pinoLogger(): PinoNestLogger {
  return new PinoNestLogger(new PinoLogger(PARAMS), PARAMS);
}

class AppLogger extends PinoNestLogger {}

const plain: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined };

describe('takesFieldsFirst', () => {
  it('is true for nestjs-pino’s Logger and classes extending it', () => {
    expect(takesFieldsFirst(pinoLogger())).toBe(true);
    expect(takesFieldsFirst(new AppLogger(new PinoLogger(PARAMS), PARAMS))).toBe(true);
  });

  it('is false for loggers that read their arguments as ConsoleLogger does', () => {
    expect(takesFieldsFirst(new ConsoleLogger())).toBe(false);
    expect(takesFieldsFirst(new Logger('x'))).toBe(false);
    expect(takesFieldsFirst(new NativeLogger(new PinoLogger(PARAMS), PARAMS))).toBe(false);
  });

  it('is false for any other logger, whatever it holds', () => {
    expect(takesFieldsFirst(plain)).toBe(false);
    const NamedLogger = class {
      readonly logger = { info: () => undefined };
    };
    Object.defineProperty(NamedLogger, 'name', { value: 'Logger' });
    expect(takesFieldsFirst(new NamedLogger())).toBe(false);
    expect(takesFieldsFirst({ logger: null })).toBe(false);
    expect(takesFieldsFirst(Object.create(null))).toBe(false);
    expect(takesFieldsFirst(undefined)).toBe(false);
  });
});

describe('writesFields', () => {
  const installed = (Logger as unknown as { staticInstanceRef?: LoggerService }).staticInstanceRef;
  afterEach(() => {
    Logger.overrideLogger(installed ?? false);
  });

  it('follows the logger the app installed, under auto', () => {
    Logger.overrideLogger(pinoLogger());
    expect(writesFields('auto')).toBe(true);
    Logger.overrideLogger(new ConsoleLogger());
    expect(writesFields('auto')).toBe(false);
    Logger.overrideLogger(plain);
    expect(writesFields('auto')).toBe(false);
    Logger.overrideLogger(false);
    expect(writesFields('auto')).toBe(false);
  });

  it('does as told under text and fields, whatever the logger', () => {
    Logger.overrideLogger(pinoLogger());
    expect(writesFields('text')).toBe(false);
    Logger.overrideLogger(new ConsoleLogger());
    expect(writesFields('fields')).toBe(true);
  });
});

describe('the logFormat option', () => {
  it('is auto by default', () => {
    expect(resolveErrorsOptions().logFormat).toBe('auto');
    expect(resolveErrorsOptions({ logFormat: 'fields' }).logFormat).toBe('fields');
  });

  it.each([
    ['json', "option 'logFormat' must be one of 'auto', 'text' or 'fields', got 'json'"],
    ['Fields', "got 'Fields' (did you mean 'fields'?)"],
    [true, "option 'logFormat' must be one of 'auto', 'text' or 'fields', got true"],
  ])('fails on %s, naming the option', (value, message) => {
    expect(() => resolveErrorsOptions({ logFormat: value as never })).toThrow(message);
  });
});
