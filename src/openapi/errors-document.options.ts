import type { ErrorEntry } from '../core/error-catalog.js';

/**
 * A catalog error as a route names it: the entry itself
 * (`AppErrors.USER_NOT_FOUND`), its reason (`'VALIDATION_FAILED'`) or its
 * code (`10001`, `404`).
 */
export type ErrorRef = ErrorEntry | string | number;

/** What {@link createErrorsDocument} adds to Swagger's own document options. */
export interface ErrorsDocumentOptions {
  /**
   * Locale of the examples' messages; one of the module's `locales`.
   * @default the module's `defaultLocale`
   */
  errorLocale?: string;
  /**
   * Document `VALIDATION_FAILED` on every route with a validated DTO: a
   * `@Body()`, `@Query()` or `@Param()` whose type is a class with
   * class-validator decorators.
   * @default true
   */
  validationErrors?: boolean;
  /**
   * Errors every route may answer, documented on each of them (e.g.
   * `['INTERNAL_ERROR']`).
   * @default []
   */
  commonErrors?: readonly ErrorRef[];
}

/** The defaults of {@link ErrorsDocumentOptions} that do not come from the module. */
export const DEFAULT_ERRORS_DOCUMENT_OPTIONS = Object.freeze({
  validationErrors: true,
  commonErrors: Object.freeze([]) as readonly ErrorRef[],
});
