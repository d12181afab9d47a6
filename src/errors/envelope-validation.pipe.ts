import {
  type ArgumentMetadata,
  Injectable,
  Optional,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import type { ValidatorOptions } from '@nestjs/common/interfaces/external/validator-options.interface.js';
import { ConstraintDeclarations } from './constraint-declarations.js';
import {
  checkEnvelopeValidationOptions,
  DEFAULT_VALIDATION_OPTIONS,
  type EnvelopeValidationPipeOptions,
  setsValidatorOptions,
} from './envelope-validation.options.js';
import { type BodyLimits, DEFAULT_BODY_LIMITS, DEFAULT_ERRORS_OPTIONS } from './errors.options.js';
import { collectFieldIssues, countFieldIssues } from './field-errors.js';
import { ValidationFailedException } from './validation-failed.exception.js';
import { bodyLimitException, type BodyViolation, checkBody, tooComplexException } from './body-limits.js';

export {
  DEFAULT_VALIDATION_OPTIONS,
  type EnvelopeValidationPipeOptions,
} from './envelope-validation.options.js';

/** An object class-validator was given, and the class it was validated as. */
interface Validated {
  readonly object: object;
  readonly type: Function | undefined;
}

/**
 * What the errors of one validation were found in, kept on their list (Nest
 * hands that very list to the exception factory), for an array or a
 * primitive validated as a class: the validated object gives the DTO class
 * of every error (its stand-in constructor is gone again before the
 * exception factory runs, so the errors' targets cannot tell it).
 *
 * Not a WeakMap keyed by the errors: a young value of an entry survives
 * every scavenge while its key may be alive, so each request's validated
 * object was promoted to the old generation, and a flood of 400s spent
 * about three times as long in GC pauses (Node 24).
 */
const VALIDATED = Symbol('validated');

type ValidationErrors = ValidationError[] & { [VALIDATED]?: Validated };

/**
 * Nest's `ValidationPipe` with safe defaults whose failures become
 * {@link ValidationFailedException}: one field error per failed constraint,
 * with its path, RFC 6901 pointer and localized message, never the rejected
 * value. Every Nest option keeps its meaning: validation runs with the app's
 * validator options as given (an own `exceptionFactory` gets the errors
 * Nest's pipe would give it, and wins over the envelope), the packages are
 * the app's `validatorPackage` / `transformerPackage` when set, and
 * `maxErrorMessagesLength` keeps the errors Nest's own factory would keep.
 * `errorFormat: 'grouped'` needs an own `exceptionFactory` (the constructor
 * throws otherwise).
 */
@Injectable()
export class EnvelopeValidationPipe extends ValidationPipe {
  private readonly maxFieldErrors: number;
  private readonly bodyLimits: BodyLimits | false;
  /** With `transform` off, Nest's pipe with the app's own options gives back the value itself. */
  private readonly returnsValueAsGiven: boolean;
  /** The envelope's factory builds the exception, not one of the app's: it reads {@link VALIDATED}. */
  private readonly ownFactory: boolean;
  /**
   * The envelope's factory, class-validator, and no `validationError.target`
   * of the app's: the errors are asked for their targets, which tell the
   * factory what they were found in (see {@link validate}).
   */
  private readonly asksTargets: boolean;
  private readonly declarations: ConstraintDeclarations;
  /** {@link toValidate}'s answer for each class seen. */
  private readonly validatesClass = new WeakMap<Function, boolean>();

  constructor(@Optional() options?: EnvelopeValidationPipeOptions) {
    const {
      maxFieldErrors = DEFAULT_ERRORS_OPTIONS.maxFieldErrors,
      bodyLimits = DEFAULT_BODY_LIMITS,
      ...nestOptions
    } = options ?? {};
    checkEnvelopeValidationOptions(nestOptions);
    super({ ...DEFAULT_VALIDATION_OPTIONS, ...nestOptions });
    this.maxFieldErrors = maxFieldErrors;
    this.bodyLimits = bodyLimits;
    this.returnsValueAsGiven = !this.isTransformEnabled && !setsValidatorOptions(nestOptions);
    this.ownFactory = !nestOptions.exceptionFactory;
    this.asksTargets =
      this.ownFactory && !nestOptions.validatorPackage && nestOptions.validationError?.target === undefined;
    this.declarations = new ConstraintDeclarations(nestOptions.validatorPackage, this.validatorOptions);
  }

  /**
   * Nest's transform. With `transform` off and no validator option of the
   * app's own, a value that passes is returned as it came, the very object,
   * as Nest's pipe with those options returns it; the safe defaults only
   * reject more.
   */
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const checked = this.expectedType ? { ...metadata, metatype: this.expectedType } : metadata;
    // nothing to validate (a primitive param, no class): Nest's own answer, as its `transform` gives it
    // (which would check the type again, in one more async call, on every such param of every request)
    if (!checked.metatype || !this.toValidate(checked)) return this.primitive(value, checked);
    return this.validateValue(value, metadata);
  }

  /** What Nest's `transform` answers for a value it does not validate (`metadata` with `expectedType` applied). */
  private primitive(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return Promise.resolve(this.isTransformEnabled ? this.transformPrimitive(value, metadata) : value);
    } catch (error) {
      // Nest's `transform` is async: a failure to convert rejects, it does not throw
      return Promise.reject(error as Error);
    }
  }

  /**
   * Nest's transform of a value it validates, after the bounds on its shape.
   * Nest's promise is passed on through one `then`, not awaited in async
   * functions of the pipe's own: each of those cost every validated value a
   * promise and a suspension more (about 1 KB of garbage a request).
   * `metadata` is the param's; the class may come from `expectedType`
   * (checked already by `transform`).
   */
  private validateValue(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (this.bodyLimits && value !== null && typeof value === 'object') {
      let violation: BodyViolation | undefined;
      try {
        violation = checkBody(value, this.bodyLimits);
      } catch (error) {
        return this.tooComplex(error);
      }
      if (violation) return Promise.reject(bodyLimitException(violation, this.errorHttpStatusCode));
    }
    const validated = super.transform(value, metadata);
    return this.returnsValueAsGiven
      ? validated.then(() => value, this.tooComplex)
      : validated.catch(this.tooComplex);
  }

  /**
   * A value the walk, class-transformer or a validator could not walk (the
   * call stack ran out) is the client's to fix: 400 `tooComplex`. Anything
   * else rejects as it came.
   */
  private readonly tooComplex = (error: unknown): Promise<never> =>
    Promise.reject(
      error instanceof RangeError ? tooComplexException(error, this.errorHttpStatusCode) : error,
    );

  /**
   * Nest's answer for `metadata`, kept per class: it depends on the class
   * alone but for custom params, and Nest's builds a list of seven types for
   * every param of every request (twice for a validated one: `transform`
   * asks, then Nest's).
   */
  protected override toValidate(metadata: ArgumentMetadata): boolean {
    const { metatype } = metadata;
    if (metadata.type === 'custom' || typeof metatype !== 'function') return super.toValidate(metadata);
    let validates = this.validatesClass.get(metatype);
    if (validates === undefined) {
      validates = super.toValidate(metadata);
      this.validatesClass.set(metatype, validates);
    }
    return validates;
  }

  override createExceptionFactory(): (errors?: ValidationError[]) => unknown {
    return async (errors: ValidationError[] = []) => {
      if (this.isDetailedOutputDisabled)
        return new ValidationFailedException([], 0, this.errorHttpStatusCode);
      const validated = (errors as ValidationErrors)[VALIDATED];
      // the errors Nest's own factory would keep; the rest are counted as left out
      const budget = { remaining: this.maxErrorMessagesLength, isExceeded: false };
      const kept = this.limitValidationErrors(errors, budget);
      await this.declarations.load();
      const { issues, total } = collectFieldIssues(
        kept,
        this.maxFieldErrors,
        (error, constraint, owner) =>
          this.declarations.find(classOf(error, owner, validated), error.property, constraint),
        validated?.object,
      );
      const count = budget.isExceeded ? countFieldIssues(errors) : total;
      return new ValidationFailedException(issues, count, this.errorHttpStatusCode);
    };
  }

  /**
   * Nest's validation, remembering what the errors were found in. For an
   * instance of its class, each error's target says it: class-validator sets
   * them when asked (in Nest's fresh options of each call), and the factory
   * reads them as it would the targets an app asks for. Only an array or a
   * primitive, whose stand-in class is gone before the factory runs, has its
   * list marked instead, which costs the call a promise and a closure more.
   */
  protected override validate(
    object: object,
    validatorOptions?: ValidatorOptions,
  ): Promise<ValidationError[]> | ValidationError[] {
    const asked = validatorOptions?.validationError;
    if (
      this.asksTargets &&
      asked !== undefined &&
      asked !== this.validatorOptions.validationError &&
      !Object.hasOwn(object, 'constructor')
    ) {
      asked.target = true;
      return super.validate(object, validatorOptions);
    }
    const errors = super.validate(object, validatorOptions);
    // an app's own factory gets the list as Nest gives it
    if (!this.ownFactory) return errors;
    return Array.isArray(errors) ? markFound(errors, object) : errors.then((list) => markFound(list, object));
  }
}

/**
 * Marks `errors` with the object they were found in, when there are any. A
 * list that cannot take the mark (a validator package's frozen one) leaves
 * each error's class to its target.
 */
function markFound(errors: ValidationError[], object: object): ValidationError[] {
  if (errors.length > 0 && Object.isExtensible(errors)) {
    const type = object.constructor;
    (errors as ValidationErrors)[VALIDATED] = {
      object,
      type: typeof type === 'function' ? type : undefined,
    };
  }
  return errors;
}

/** The class that declared the failed property: the validated DTO's, or its owner's. */
function classOf(
  error: ValidationError,
  owner: object | undefined,
  validated: Validated | undefined,
): Function | undefined {
  if (owner === undefined) return error.target?.constructor;
  return owner === validated?.object ? validated.type : owner.constructor;
}
