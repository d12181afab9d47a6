/**
 * `nestjs-faultline`: `ErrorsModule` (one envelope for every failure, and
 * the outbound clients it registers), the inbound pieces (also alone under
 * `nestjs-faultline/errors`) and `ApiClient`. Building blocks for those who
 * compose their own are under `nestjs-faultline/advanced`.
 */
export * from './errors/index.js';
export { ErrorsModule, type ErrorsModuleExtras, ERRORS_MODULE_OPTIONS } from './module/errors.module.js';
export {
  resolveErrorsOptions,
  type ErrorsModuleOptions,
  type ResolvedErrorsOptions,
} from './module/errors-module.options.js';
export { ApiClient } from './client/api-client.js';
export {
  DEFAULT_API_CLIENT_OPTIONS,
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_CLIENT,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_RETRY_POLICY,
  DEFAULT_UNDICI_TRANSPORT,
  type ApiClientOptions,
  type ApiRequestConfig,
  type BulkheadOptions,
  type CircuitBreakerOptions,
  type ResolvedApiClientOptions,
  type RetryBudgetOptions,
  type RetryPolicy,
  type UndiciTransportOptions,
} from './client/api-client.options.js';
export type { CallFacts, ClientEvent, RetryEvent } from './client/client-events.js';
export type { BreakerState, ClientStats } from './client/client-stats.js';
export type { GiveUpCause } from './client/retry.policy.js';
export { getApiClientToken, InjectApiClient } from './client/api-client.tokens.js';
export {
  UpstreamException,
  isUpstreamException,
  type UpstreamFailure,
  type UpstreamFailureKind,
} from './client/upstream.exception.js';
export * from './deprecated.js';
