/**
 * `nestjs-faultline/advanced`: the building blocks under `ErrorsModule` and
 * `ApiClient`, for those who compose their own — the pure retry policy and
 * budget, the breaker's fault rule, URL redaction, request context helpers
 * and the option resolvers. Apps need none of them; they may change between
 * minor versions more readily than the root entry.
 */
export { isSafeRequestId, requestContext } from './core/request-context.js';
export { resolveApiClientOptions } from './client/api-client.options-resolver.js';
export { isUpstreamFault } from './client/failure-verdict.js';
export { RetryBudget } from './client/retry-budget.js';
export {
  TRANSIENT_NETWORK_CODES,
  backoffDelay,
  parseRetryAfter,
  planRetry,
  type RetryPlan,
  type AttemptFailure,
} from './client/retry.policy.js';
export { ResponseInterceptors } from './client/response-interceptors.js';
export { redactUrl } from './client/redact.js';
