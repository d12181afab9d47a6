import { describe, expect, it } from 'vitest';
import { ErrorsModule } from './errors.module.js';

describe('ErrorsModule extras', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['isGlobal', { isGlobal: 'yes' }, "option 'isGlobal' must be true or false, got 'yes'"],
    ['filter', { filter: 0 }, "option 'filter' must be true or false, got 0"],
    ['validationPipe', { validationPipe: null }, "option 'validationPipe' must be true or false, got null"],
    [
      'successEnvelope',
      { successEnvelope: 'on' },
      "option 'successEnvelope' must be true or false, got 'on'",
    ],
    ['clientNames', { clientNames: 'payments' }, "option 'clientNames' must be an array, got 'payments'"],
    [
      'a client name',
      { clientNames: ['payments', ''] },
      "option 'clientNames[1]' must be a client name, got ''",
    ],
  ])('forRoot checks %s', (_extra, extras, message) => {
    expect(() => ErrorsModule.forRoot(extras as any)).toThrow(`ErrorsModule: ${message}`);
  });

  it('forRootAsync checks them beside useFactory', () => {
    expect(() => ErrorsModule.forRootAsync({ useFactory: () => ({}), isGlobal: 'yes' as any })).toThrow(
      "ErrorsModule: option 'isGlobal' must be true or false, got 'yes'",
    );
  });

  it('leaves the options to the resolved-options provider', () => {
    expect(() => ErrorsModule.forRoot({ requestIdHeader: 'X Request Id' })).not.toThrow();
    expect(() => ErrorsModule.forRoot({ clients: 'payments' as any })).not.toThrow();
  });
});
