import {
  Injectable,
  Optional,
  ValidationPipe,
  type ValidationError,
  type ValidationPipeOptions,
} from '@nestjs/common';
import type { ValidatorOptions } from '@nestjs/common/interfaces/external/validator-options.interface.js';
import { DEFAULT_ERRORS_OPTIONS } from './errors.options.js';
import { collectFieldIssues, type ConstraintInfo } from './field-errors.js';
import { ValidationFailedException } from './validation-failed.exception.js';

/** Options of {@link EnvelopeValidationPipe}: Nest's, plus the field error cap. */
export interface EnvelopeValidationPipeOptions extends ValidationPipeOptions {
  /**
   * At most this many field errors are collected from one failure.
   * @default 50
   */
  maxFieldErrors?: number;
}

/** The pipe's safe defaults, under any option the app sets. */
export const DEFAULT_VALIDATION_OPTIONS = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
} satisfies ValidationPipeOptions);

type MetadataLike = {
  propertyName: string;
  name?: string;
  type: string;
  constraints?: unknown[];
  message?: unknown;
};
type MetadataStorageLike = {
  getTargetValidationMetadatas(
    target: Function,
    schema: string,
    always: boolean,
    strict: boolean,
  ): MetadataLike[];
};

/**
 * Nest's `ValidationPipe` with safe defaults whose failures become
 * {@link ValidationFailedException}: one field error per failed constraint,
 * with its path, RFC 6901 pointer and localized message, never the rejected
 * value. Every Nest option still works; an own `exceptionFactory` wins.
 */
@Injectable()
export class EnvelopeValidationPipe extends ValidationPipe {
  private readonly maxFieldErrors: number;
  private readonly declarations = new WeakMap<Function, Map<string, ConstraintInfo>>();
  /** The DTO class of each top-level error, kept before Nest removes its stand-in constructor. */
  private readonly owners = new WeakMap<ValidationError, Function>();
  private metadataStorage: MetadataStorageLike | undefined;

  constructor(@Optional() options: EnvelopeValidationPipeOptions = {}) {
    const { maxFieldErrors = DEFAULT_ERRORS_OPTIONS.maxFieldErrors, ...nestOptions } = options;
    super({
      ...DEFAULT_VALIDATION_OPTIONS,
      ...nestOptions,
      // the target tells array items from object keys and finds the constraint's arguments
      validationError: { target: true, value: false, ...nestOptions.validationError },
    });
    this.maxFieldErrors = maxFieldErrors;
  }

  override createExceptionFactory(): (errors?: ValidationError[]) => unknown {
    return async (errors: ValidationError[] = []) => {
      if (this.isDetailedOutputDisabled)
        return new ValidationFailedException([], 0, this.errorHttpStatusCode);
      this.metadataStorage ??= await loadMetadataStorage();
      const { issues, total } = collectFieldIssues(errors, this.maxFieldErrors, (error, constraint) =>
        this.findDeclaration(this.owners.get(error) ?? error.target?.constructor, error.property, constraint),
      );
      return new ValidationFailedException(issues, total, this.errorHttpStatusCode);
    };
  }

  /**
   * Remembers the DTO class of the top-level errors: a body that is an array
   * is validated with the class as its own `constructor`, which Nest removes
   * again before the exception factory runs.
   */
  protected override async validate(
    object: object,
    validatorOptions?: ValidatorOptions,
  ): Promise<ValidationError[]> {
    const errors = await super.validate(object, validatorOptions);
    const type = object.constructor;
    if (typeof type === 'function') for (const error of errors) this.owners.set(error, type);
    return errors;
  }

  /** The arguments and own-message flag of a constraint, from class-validator's metadata. */
  private findDeclaration(
    type: Function | undefined,
    property: string,
    constraint: string,
  ): ConstraintInfo | undefined {
    if (typeof type !== 'function' || type === Object || type === Array || !this.metadataStorage)
      return undefined;
    let declarations = this.declarations.get(type);
    if (!declarations) {
      declarations = new Map();
      for (const metadata of this.metadataStorage.getTargetValidationMetadatas(type, '', false, false)) {
        const key = `${metadata.propertyName}\u0000${metadata.name ?? metadata.type}`;
        if (!declarations.has(key)) {
          declarations.set(key, { args: metadata.constraints ?? [], custom: isOwnMessage(metadata.message) });
        }
      }
      this.declarations.set(type, declarations);
    }
    return declarations.get(`${property}\u0000${constraint}`);
  }
}

/** class-validator's `@ValidateNested` sets this text itself: it is not the DTO's own. */
const NESTED_DEFAULT_MESSAGE = /^(each value in )?nested property \$property must be either object or array$/;

function isOwnMessage(message: unknown): boolean {
  return message !== undefined && !(typeof message === 'string' && NESTED_DEFAULT_MESSAGE.test(message));
}

async function loadMetadataStorage(): Promise<MetadataStorageLike | undefined> {
  const module = (await import('class-validator')) as unknown as {
    getMetadataStorage?: () => MetadataStorageLike;
    default?: { getMetadataStorage?: () => MetadataStorageLike };
  };
  return (module.getMetadataStorage ?? module.default?.getMetadataStorage)?.();
}
