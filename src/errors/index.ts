/**
 * `nestjs-faultline/errors`: the inbound half alone — the shared error model
 * (exception base, catalog, i18n, request context), the filter, the
 * validation pipe, the mapper and renderer, the request id step. It loads
 * neither axios, undici nor cockatiel. `ErrorsModule`, which also registers
 * the outbound clients, is in the package's root entry.
 */
export {
  BuiltInErrors,
  ErrorCatalog,
  defineErrors,
  type DefinedError,
  type ErrorDefinition,
  type ErrorEntry,
  type ErrorEntries,
  type LocalizedMessages,
} from '../core/error-catalog.js';
export {
  DomainException,
  isDomainException,
  type DomainExceptionArgs,
  type DomainExceptionOptions,
  type EntryParams,
} from '../core/domain.exception.js';
export {
  errorEntriesIn,
  exportCatalog,
  type CatalogExportOptions,
  type CatalogGroup,
  type ExportedError,
} from '../core/catalog-export.js';
export { catalogJson, catalogModule } from '../core/catalog-module.js';
export { negotiateLocale, formatMessage, type MessageParams } from '../core/i18n/locale.js';
export { currentRequestContext, type RequestContext, type RequestDeadline } from '../core/request-context.js';
export { requestIdOf } from './request-id.js';
export {
  DEFAULT_BODY_LIMITS,
  DEFAULT_ERRORS_OPTIONS,
  DEFAULT_LOG_RATE_LIMIT,
  type BodyLimits,
  type ErrorFormat,
  type InboundErrorsOptions,
  type LogFormat,
  type LogRateLimitOptions,
  type ResolvedInboundOptions,
} from './errors.options.js';
export { resolveInboundOptions } from './errors.options-resolver.js';
export { RESOLVED_ERRORS_OPTIONS } from './errors.constants.js';
export { ValidationFailedException, isValidationFailedException } from './validation-failed.exception.js';
export {
  EnvelopeValidationPipe,
  DEFAULT_VALIDATION_OPTIONS,
  type EnvelopeValidationPipeOptions,
} from './envelope-validation.pipe.js';
export { ErrorEnvelopeFilter } from './error-envelope.filter.js';
export { envelopeFrameworkErrors } from './fastify-framework-errors.js';
export { RequestIdMiddleware } from './request-id.middleware.js';
export {
  SuccessEnvelopeInterceptor,
  RawResponse,
  type SuccessEnvelope,
} from './success-envelope.interceptor.js';
export { mapException, type MappedError } from './envelope.mapper.js';
export {
  renderError,
  type ErrorEnvelope,
  type ProblemDetails,
  type RenderedError,
  type RenderContext,
} from './envelope.renderer.js';
export type { FieldError, FieldIssue } from './field-errors.js';
