/** What each client option allows, checked at startup by `resolveApiClientOptions`. */
import {
  arrayOf,
  described,
  either,
  orFalse,
  recordOf,
  required,
  type Rule,
  shape,
  type Shape,
} from '../shared/option-checks.js';
import {
  absoluteUrl,
  boolean,
  func,
  headerName,
  headerValue,
  integer,
  milliseconds,
  number,
  object,
  oneOf,
} from '../shared/option-values.js';
import type {
  ApiClientOptions,
  BulkheadOptions,
  CircuitBreakerOptions,
  RetryBudgetOptions,
  RetryPolicy,
  UndiciTransportOptions,
} from './api-client.options.js';

const RETRY_POLICY_RULES: Shape<RetryPolicy> = {
  retries: integer(0),
  baseDelayMs: milliseconds(0),
  maxDelayMs: milliseconds(0),
  maxRetryAfterMs: milliseconds(0),
  retryOnStatus: arrayOf(described(integer(100, 599), 'an HTTP status (100 to 599)')),
  retryOnDnsNotFound: boolean,
  retryNonIdempotent: boolean,
};

const UNDICI_RULES: Shape<{ readonly type: 'undici' } & UndiciTransportOptions> = {
  // 'node' too: a client's resolved options are options again
  type: required(oneOf(['undici', 'node'])),
  connections: integer(1),
  keepAliveTimeoutMs: milliseconds(1),
};

const API_CLIENT_RULES: Shape<ApiClientOptions> = {
  baseURL: absoluteUrl(['http:', 'https:']),
  headers: recordOf(headerValue, headerName),
  attemptTimeoutMs: milliseconds(1),
  deadlineMs: milliseconds(1),
  retry: orFalse(
    shape(RETRY_POLICY_RULES, {
      meant: { maxRetries: 'retries', retryDelay: 'baseDelayMs', statusCodes: 'retryOnStatus' },
    }),
  ),
  idempotencyKeys: boolean,
  requestIdHeader: orFalse(headerName),
  deadlineHeader: orFalse(headerName),
  onRetry: func,
  onEvent: func,
  budget: orFalse(
    shape({
      ratio: number({ atLeast: 0 }),
      maxTokens: integer(1),
      minPerSecond: number({ atLeast: 0 }),
    } satisfies Shape<RetryBudgetOptions>),
  ),
  breaker: orFalse(
    shape({
      threshold: number({ above: 0, below: 1 }),
      samplingDurationMs: milliseconds(1),
      minimumThroughput: integer(1),
      breakDurationMs: milliseconds(0),
    } satisfies Shape<CircuitBreakerOptions>),
  ),
  bulkhead: orFalse(
    shape({ maxConcurrent: required(integer(1)), maxQueued: integer(0) } satisfies Shape<BulkheadOptions>),
  ),
  transport: described(
    either(oneOf(['undici', 'node']), shape(UNDICI_RULES)),
    "'undici', 'node' or { type: 'undici', connections?, keepAliveTimeoutMs? }",
  ),
  // axios' own defaults: its keys are axios' business
  axios: object,
  clock: func,
  telemetry: boolean,
};

/** The rule of one client's options, also checked as part of `ErrorsModule`'s. */
export const API_CLIENT_OPTIONS_RULE: Rule = shape(API_CLIENT_RULES, {
  meant: {
    timeout: 'attemptTimeoutMs',
    retries: 'retry.retries',
    httpsAgent: 'axios.httpsAgent',
    maxRedirects: 'axios.maxRedirects',
    validateStatus: 'axios.validateStatus',
  },
});
