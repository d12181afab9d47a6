import { brand } from '../core/brand.js';
import { DomainException } from '../core/domain.exception.js';
import { BuiltInErrors } from '../core/error-catalog.js';
import type { FieldIssue } from './field-errors.js';

/**
 * A failed DTO validation: rendered as `VALIDATION_FAILED` with one field
 * error per failed constraint in `errors`.
 */
export class ValidationFailedException extends DomainException {
  override readonly name: string = 'ValidationFailedException';

  /**
   * @param issues the failed constraints kept for the answer
   * @param issueCount how many failed in all (more than `issues` when capped)
   * @param status the HTTP status to answer with (the pipe's `errorHttpStatusCode`)
   * @param options `cause`: what made validation fail, for the log
   */
  constructor(
    readonly issues: readonly FieldIssue[],
    readonly issueCount: number = issues.length,
    readonly status: number = BuiltInErrors.VALIDATION_FAILED.status,
    options: { readonly cause?: unknown } = {},
  ) {
    super(BuiltInErrors.VALIDATION_FAILED, options);
  }
}

/** Type guard for {@link ValidationFailedException}, also for one made by another copy of the package. */
export const isValidationFailedException = brand(ValidationFailedException, 'ValidationFailedException');
