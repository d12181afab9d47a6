export { ErrorsModule, type ErrorsModuleExtras, ERRORS_MODULE_OPTIONS } from './module/errors.module.js';
export {
  resolveErrorsOptions,
  type ErrorsModuleOptions,
  type ResolvedErrorsOptions,
} from './module/errors-module.options.js';
export { DEFAULT_ERRORS_OPTIONS, type ErrorFormat } from './errors/errors.options.js';
export { RESOLVED_ERRORS_OPTIONS } from './errors/errors.constants.js';
export {
  BuiltInErrors,
  ErrorCatalog,
  defineErrors,
  type ErrorDefinition,
  type ErrorEntry,
  type ErrorEntries,
  type LocalizedMessages,
} from './core/error-catalog.js';
export { DomainException, isDomainException, type DomainExceptionOptions } from './core/domain.exception.js';
export { ValidationFailedException } from './errors/validation-failed.exception.js';
export {
  EnvelopeValidationPipe,
  DEFAULT_VALIDATION_OPTIONS,
  type EnvelopeValidationPipeOptions,
} from './errors/envelope-validation.pipe.js';
export { ErrorEnvelopeFilter } from './errors/error-envelope.filter.js';
export { envelopeFrameworkErrors } from './errors/fastify-framework-errors.js';
export { RequestIdMiddleware } from './errors/request-id.middleware.js';
export {
  SuccessEnvelopeInterceptor,
  RawResponse,
  type SuccessEnvelope,
} from './errors/success-envelope.interceptor.js';
export { mapException, type MappedError } from './errors/envelope.mapper.js';
export {
  renderError,
  type ErrorEnvelope,
  type ProblemDetails,
  type RenderedError,
  type RenderContext,
} from './errors/envelope.renderer.js';
export type { FieldError, FieldIssue } from './errors/field-errors.js';
export { negotiateLocale, formatMessage, type MessageParams } from './core/i18n/locale.js';
export { isSafeRequestId, requestContext, type RequestContext } from './core/request-context.js';
export { ApiClient } from './client/api-client.js';
export {
  DEFAULT_API_CLIENT_OPTIONS,
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_CLIENT,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_RETRY_POLICY,
  resolveApiClientOptions,
  type ApiClientOptions,
  type ApiRequestConfig,
  type BulkheadOptions,
  type CircuitBreakerOptions,
  type ResolvedApiClientOptions,
  type RetryBudgetOptions,
  type RetryPolicy,
} from './client/api-client.options.js';
export type { CallFacts, ClientEvent, RetryEvent } from './client/client-events.js';
export { isUpstreamFault, type BreakerState, type ClientStats } from './client/overload-guard.js';
export { RetryBudget } from './client/retry-budget.js';
export { getApiClientToken, InjectApiClient } from './client/api-client.tokens.js';
export {
  TRANSIENT_NETWORK_CODES,
  backoffDelay,
  parseRetryAfter,
  planRetry,
  type RetryPlan,
  type GiveUpCause,
  type AttemptFailure,
} from './client/retry.policy.js';
export {
  UpstreamException,
  isUpstreamException,
  type UpstreamFailure,
  type UpstreamFailureKind,
} from './client/upstream.exception.js';
export { ResponseInterceptors } from './client/response-interceptors.js';
export { redactUrl } from './client/redact.js';
export { currentRequestContext } from './core/request-context.js';
