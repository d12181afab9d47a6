/**
 * `nestjs-faultline/openapi`: the app's errors in its OpenAPI document, with
 * `@nestjs/swagger` (an optional peer dependency, loaded by this entry only).
 */
export { ApiErrors } from './api-errors.decorator.js';
export { createErrorsDocument } from './errors-document.js';
export {
  DEFAULT_ERRORS_DOCUMENT_OPTIONS,
  type ErrorRef,
  type ErrorsDocumentOptions,
} from './errors-document.options.js';
export { ERROR_SCHEMA_NAMES, errorComponents } from './error.schemas.js';
