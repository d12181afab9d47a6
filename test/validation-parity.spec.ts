import { ValidationPipe, type ValidationError } from '@nestjs/common';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VALIDATION_OPTIONS, EnvelopeValidationPipe } from '../src/index.js';
import {
  brokenOrder,
  CountDto,
  ExposedDto,
  GroupedDto,
  LineDto,
  OrderDto,
  RulelessDto,
  validOrder,
} from './fixtures/parity-dtos.js';
import { OMITTED, type ParityCase, runNest, runOurs } from './fixtures/pipe-parity.js';

const withExtras = () => ({ ...validOrder(), admin: true, lines: [{ sku: 'a', qty: 1, price: 0 }] });

/** Cases where ours must do what Nest's pipe does with the same options. */
const SAME_OUTCOME: [string, ParityCase][] = [
  ['transform on: a valid body becomes the DTO', { value: validOrder }],
  ['a broken body: top level, array items, nested object', { value: brokenOrder }],
  ['a missing body', { value: () => undefined }],
  [
    'transform off, with a validator option of the app: a plain copy',
    {
      options: { transform: false, forbidNonWhitelisted: false },
      value: withExtras,
    },
  ],
  ['whitelist + forbidNonWhitelisted refuse unknown properties at any depth', { value: withExtras }],
  ['whitelist alone strips them', { options: { forbidNonWhitelisted: false }, value: withExtras }],
  [
    'forbidUnknownValues refuses a class without rules',
    { metadata: { metatype: RulelessDto }, value: () => ({}) },
  ],
  [
    'forbidUnknownValues off lets it through',
    {
      options: { forbidUnknownValues: false },
      metadata: { metatype: RulelessDto },
      value: () => ({}),
    },
  ],
  ['a primitive where a DTO is expected', { value: () => 'text' }],
  [
    'a number query parameter',
    { metadata: { type: 'query', metatype: Number, data: 'n' }, value: () => '3.5' },
  ],
  [
    'a boolean path parameter',
    { metadata: { type: 'param', metatype: Boolean, data: 'b' }, value: () => 'false' },
  ],
  [
    'a string path parameter',
    { metadata: { type: 'param', metatype: String, data: 'id' }, value: () => '42' },
  ],
  [
    'a number path parameter, transform off',
    {
      options: { transform: false },
      metadata: { type: 'param', metatype: Number, data: 'n' },
      value: () => '7',
    },
  ],
  [
    'an optional number query parameter left out',
    { metadata: { type: 'query', metatype: Number, data: 'n' }, value: () => undefined },
  ],
  [
    'the whole query object',
    { metadata: { type: 'query', metatype: Object, data: undefined }, value: () => ({ n: '1' }) },
  ],
  [
    'a body that is a number',
    { metadata: { type: 'body', metatype: Number, data: undefined }, value: () => '5' },
  ],
  [
    'expectedType Number over a string path parameter',
    {
      options: { expectedType: Number },
      metadata: { type: 'param', metatype: String, data: 'n' },
      value: () => '12',
    },
  ],
  [
    'a parameter without a type',
    { metadata: { type: 'param', metatype: undefined, data: 'x' }, value: () => '1' },
  ],
  [
    'expectedType over a primitive metatype',
    {
      options: { expectedType: LineDto },
      metadata: { metatype: String },
      value: () => ({ sku: 'a', qty: 0 }),
    },
  ],
  ['an array body where a DTO is expected', { value: () => [validOrder()] }],
  ['an array body typed as an array', { metadata: { metatype: Array }, value: () => [validOrder()] }],
  ['a custom decorator, not validated by default', { metadata: { type: 'custom' }, value: brokenOrder }],
  [
    'a custom decorator with validateCustomDecorators',
    {
      options: { validateCustomDecorators: true },
      metadata: { type: 'custom' },
      value: brokenOrder,
    },
  ],
  ["the app's exceptionFactory", { factory: true, value: brokenOrder }],
  ["the app's exceptionFactory, with a body that is an array", { factory: true, value: () => [1] }],
  [
    'validationError { target, value }',
    {
      factory: true,
      options: { validationError: { target: true, value: true } },
      value: brokenOrder,
    },
  ],
  [
    'validationError { value: false }',
    { factory: true, options: { validationError: { value: false } }, value: brokenOrder },
  ],
  ["errorFormat 'list'", { options: { errorFormat: 'list' }, value: brokenOrder }],
  [
    "errorFormat 'grouped' with the app's exceptionFactory",
    {
      factory: true,
      options: { errorFormat: 'grouped' },
      value: brokenOrder,
    },
  ],
  [
    'maxErrorMessagesLength keeps the first errors',
    { options: { maxErrorMessagesLength: 60 }, value: brokenOrder },
  ],
  ['maxErrorMessagesLength 0', { options: { maxErrorMessagesLength: 0 }, value: brokenOrder }],
  [
    "maxErrorMessagesLength with the app's exceptionFactory",
    {
      factory: true,
      options: { maxErrorMessagesLength: 10 },
      value: brokenOrder,
    },
  ],
  ['stopAtFirstError', { options: { stopAtFirstError: true }, value: () => ({ name: 5, lines: 'x' }) }],
  ['skipMissingProperties', { options: { skipMissingProperties: true }, value: () => ({ note: 'n' }) }],
  [
    "groups: 'create'",
    { options: { groups: ['create'] }, metadata: { metatype: GroupedDto }, value: () => ({ code: 'ab' }) },
  ],
  [
    "groups: 'update'",
    { options: { groups: ['update'] }, metadata: { metatype: GroupedDto }, value: () => ({ code: 'ab' }) },
  ],
  ['disableErrorMessages', { options: { disableErrorMessages: true }, value: brokenOrder }],
  ['errorHttpStatusCode', { options: { errorHttpStatusCode: 422 }, value: brokenOrder }],
  [
    'transformOptions: a group that exposes a property',
    {
      options: { transformOptions: { groups: ['internal'] } },
      metadata: { metatype: ExposedDto },
      value: () => ({ name: 'a', secret: 's' }),
    },
  ],
  [
    'transformOptions: without that group',
    { metadata: { metatype: ExposedDto }, value: () => ({ name: 'a', secret: 's' }) },
  ],
  [
    'transformOptions: enableImplicitConversion',
    {
      options: { transformOptions: { enableImplicitConversion: true } },
      metadata: { metatype: CountDto },
      value: () => ({ count: '7' }),
    },
  ],
];

describe("EnvelopeValidationPipe next to Nest's ValidationPipe", () => {
  it.each(SAME_OUTCOME)('%s', async (_name, testCase) => {
    const nest = await runNest(testCase);
    expect(await runOurs(testCase)).toStrictEqual(nest);
  });

  it('rejects, as Nest does, a parameter its conversion cannot take, and never throws', async () => {
    const metadata = { type: 'param', metatype: Number, data: 'n' } as const;
    const value = Symbol('not a number');
    const nest = new ValidationPipe({ ...DEFAULT_VALIDATION_OPTIONS }).transform(value, metadata);
    let ours: Promise<unknown> | undefined;
    expect(() => {
      ours = new EnvelopeValidationPipe().transform(value, metadata);
    }).not.toThrow();
    const [nestError, ourError] = await Promise.all(
      [nest, ours!].map((settled) =>
        settled.then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    );
    expect(nestError).toBeInstanceOf(TypeError);
    expect(ourError).toBeInstanceOf(TypeError);
    expect((ourError as Error).message).toBe((nestError as Error).message);
  });

  it('every case above fails or passes as its name says', async () => {
    const outcomes = await Promise.all(SAME_OUTCOME.map(([, testCase]) => runNest(testCase)));
    // a table of cases that all pass (or all fail) would prove little
    expect(outcomes.filter((outcome) => outcome.passed).length).toBeGreaterThan(8);
    expect(outcomes.filter((outcome) => !outcome.passed).length).toBeGreaterThan(8);
  });

  it("gives the app's exceptionFactory Nest's default errors: values, no target", async () => {
    const testCase: ParityCase = {
      factory: true,
      value: () => ({ name: 'ab', lines: [{ sku: 'a', qty: 0 }] }),
    };
    const ours = await runOurs(testCase);
    expect(ours).toStrictEqual(await runNest(testCase));
    const errors = (ours as { errors: readonly ValidationError[] }).errors;
    expect(errors[0]).toMatchObject({ property: 'name', value: 'ab' });
    expect(errors[0]).not.toHaveProperty('target');
    // a parent's value is the object its children were found in: Nest leaves it out
    expect(errors[1]).toMatchObject({ property: 'lines' });
    expect(errors[1]).not.toHaveProperty('value');
  });

  it('with transform off and no validator option of the app, returns the very object, as Nest does', async () => {
    const asGiven: ParityCase[] = [
      { options: { transform: false }, value: validOrder },
      { options: { transform: false, exceptionFactory: () => new Error('x') }, value: validOrder },
      { options: { transform: false, forbidUnknownValues: false }, value: validOrder },
      {
        options: { transform: false, transformOptions: { groups: ['internal'] } },
        metadata: { metatype: ExposedDto },
        value: () => ({ name: 'a', secret: 's' }),
      },
    ];
    for (const testCase of asGiven) {
      // Nest's pipe with the app's options alone gives the object back ...
      const body = testCase.value();
      const metadata = { type: 'body' as const, metatype: OrderDto, ...testCase.metadata };
      expect(await new ValidationPipe(testCase.options).transform(body, metadata)).toBe(body);
      // ... with the safe defaults spelled out it copies; what passes is the same either way
      const nest = await runNest(testCase);
      expect(nest).toMatchObject({ passed: true, same: false });
      expect(await runOurs(testCase)).toStrictEqual({ ...nest, same: true });
    }
  });

  it("refuses errorFormat 'grouped' without an own exceptionFactory, naming the option", () => {
    expect(() => new EnvelopeValidationPipe({ errorFormat: 'grouped' })).toThrow(/option 'errorFormat'/);
    expect(() => new EnvelopeValidationPipe({ errorFormat: 'flat' as never })).toThrow(
      /'errorFormat' must be/,
    );
  });

  it('keeps, under maxErrorMessagesLength, the errors Nest keeps, and counts the rest', async () => {
    const testCase: ParityCase = { options: { maxErrorMessagesLength: 60 }, value: brokenOrder };
    const nest = await runNest(testCase);
    expect(nest).toMatchObject({ passed: false, messages: { '...': [OMITTED] } });
    const all = await runOurs({ value: brokenOrder });
    const kept = await runOurs(testCase);
    expect(Object.keys((kept as { messages: object }).messages).length).toBeLessThan(
      Object.keys((all as { messages: object }).messages).length,
    );
  });

  it('validates and transforms with the packages the app gives', async () => {
    const calls = { validate: 0, plainToInstance: 0 };
    const validatorPackage = {
      ...classValidator,
      validate: (...args: Parameters<typeof classValidator.validate>) => {
        calls.validate++;
        return classValidator.validate(...args);
      },
    };
    const transformerPackage = {
      ...classTransformer,
      plainToInstance: ((...args: Parameters<typeof classTransformer.plainToInstance>) => {
        calls.plainToInstance++;
        return classTransformer.plainToInstance(...args);
      }) as typeof classTransformer.plainToInstance,
    };
    for (const value of [validOrder, brokenOrder]) {
      const testCase: ParityCase = { options: { validatorPackage, transformerPackage }, value };
      const nest = await runNest(testCase);
      const before = { ...calls };
      expect(await runOurs(testCase)).toStrictEqual(nest);
      expect(calls.validate).toBeGreaterThan(before.validate);
      expect(calls.plainToInstance).toBeGreaterThan(before.plainToInstance);
    }
  });
});
