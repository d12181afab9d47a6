import type { ValidationPipeOptions } from '@nestjs/common';
import type { ValidatorOptions } from '@nestjs/common/interfaces/external/validator-options.interface.js';
import type { BodyLimits } from './errors.options.js';

/** Options of `EnvelopeValidationPipe`: every option of Nest's `ValidationPipe`, plus the field error cap. */
export interface EnvelopeValidationPipeOptions extends ValidationPipeOptions {
  /**
   * At most this many field errors are collected from one failure.
   * @default 50
   */
  maxFieldErrors?: number;
  /**
   * Bounds on a validated value's shape, checked in one pass before any
   * transformer or validator runs; `false` checks nothing.
   * @default DEFAULT_BODY_LIMITS (depth 32, arrays of 1000, 5000 values)
   */
  bodyLimits?: BodyLimits | false;
}

/** The pipe's safe defaults, under any option the app sets. */
export const DEFAULT_VALIDATION_OPTIONS = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
} satisfies ValidationPipeOptions);

/** The options Nest's pipe keeps for itself; the rest go to the validator. */
type PipeOnlyOption = Exclude<keyof ValidationPipeOptions, keyof ValidatorOptions>;

/** One entry per such option: Nest adding one fails the typecheck here until it is listed. */
const PIPE_ONLY_OPTIONS: { readonly [K in PipeOnlyOption]-?: true } = {
  transform: true,
  disableErrorMessages: true,
  transformOptions: true,
  errorHttpStatusCode: true,
  exceptionFactory: true,
  validateCustomDecorators: true,
  expectedType: true,
  validatorPackage: true,
  transformerPackage: true,
  errorFormat: true,
  maxErrorMessagesLength: true,
};

/**
 * Whether the app's own options hold a validator option, counted as Nest's
 * pipe counts them when it decides, with `transform` off, between the value
 * as it came and a plain copy of the validated instance: `forbidUnknownValues`
 * does not count. The safe defaults are not the app's: they only add
 * rejections, so what passes comes back as Nest's pipe would give it back
 * with the app's options alone.
 */
export function setsValidatorOptions(options: ValidationPipeOptions): boolean {
  return Object.keys(options).some(
    (key) => key !== 'forbidUnknownValues' && !Object.hasOwn(PIPE_ONLY_OPTIONS, key),
  );
}

/**
 * Refuses, at startup, the Nest options the envelope cannot honour, with a
 * message that names the option.
 */
export function checkEnvelopeValidationOptions(options: ValidationPipeOptions): void {
  const { errorFormat } = options;
  if (errorFormat !== undefined && errorFormat !== 'list' && errorFormat !== 'grouped') {
    throw new Error(
      `EnvelopeValidationPipe: option 'errorFormat' must be 'list' or 'grouped', got ${JSON.stringify(errorFormat)}`,
    );
  }
  if (errorFormat === 'grouped' && options.exceptionFactory === undefined) {
    throw new Error(
      "EnvelopeValidationPipe: option 'errorFormat' 'grouped' shapes the body of Nest's own exception factory, " +
        "which the envelope replaces: its 'errors' list one entry per failed constraint, each with its field. " +
        "Leave 'errorFormat' out (or 'list'), or pass an 'exceptionFactory' of your own.",
    );
  }
}
