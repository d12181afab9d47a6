/** A client's options resolved: checked (a bad one throws, naming it) and defaults applied once. */
import { withoutUndefined } from '../shared/objects.js';
import { checkOptions } from '../shared/option-checks.js';
import { API_CLIENT_OPTIONS_RULE } from './api-client.option-rules.js';
import {
  type ApiClientOptions,
  DEFAULT_API_CLIENT_OPTIONS,
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_RETRY_POLICY,
  type ResolvedApiClientOptions,
  type RetryPolicy,
} from './api-client.options.js';

/** Applies the defaults to a policy override (`false`: no retries). */
export function resolveRetryPolicy(
  base: RetryPolicy,
  override: Partial<RetryPolicy> | false | undefined,
): RetryPolicy {
  if (override === false) return base.retries === 0 ? base : Object.freeze({ ...base, retries: 0 });
  if (!override) return base;
  return Object.freeze({ ...base, ...withoutUndefined(override) });
}

/** Checks a client's options (throws on the first bad one) and applies the defaults. */
export function resolveApiClientOptions(
  name: string,
  options: ApiClientOptions = {},
): ResolvedApiClientOptions {
  if (typeof name !== 'string' || name === '') {
    throw new Error(`ApiClient: the name must be a non-empty string, got ${typeof name}`);
  }
  checkOptions(`ApiClient '${name}'`, options, API_CLIENT_OPTIONS_RULE);
  return {
    name,
    baseURL: options.baseURL,
    headers: { ...options.headers },
    attemptTimeoutMs: options.attemptTimeoutMs ?? DEFAULT_API_CLIENT_OPTIONS.attemptTimeoutMs,
    deadlineMs: options.deadlineMs ?? DEFAULT_API_CLIENT_OPTIONS.deadlineMs,
    retry: resolveRetryPolicy(DEFAULT_RETRY_POLICY, options.retry),
    idempotencyKeys: options.idempotencyKeys ?? DEFAULT_API_CLIENT_OPTIONS.idempotencyKeys,
    requestIdHeader: options.requestIdHeader ?? DEFAULT_API_CLIENT_OPTIONS.requestIdHeader,
    deadlineHeader: options.deadlineHeader ?? DEFAULT_API_CLIENT_OPTIONS.deadlineHeader,
    onRetry: options.onRetry,
    onEvent: options.onEvent,
    budget:
      options.budget === false
        ? false
        : { ...DEFAULT_RETRY_BUDGET, ...withoutUndefined(options.budget ?? {}) },
    breaker:
      options.breaker === false
        ? false
        : { ...DEFAULT_CIRCUIT_BREAKER, ...withoutUndefined(options.breaker ?? {}) },
    bulkhead: options.bulkhead ?? false,
    transport: resolveTransport(options.transport ?? DEFAULT_API_CLIENT_OPTIONS.transport),
    axios: { ...options.axios },
    clock: options.clock,
    telemetry: options.telemetry ?? DEFAULT_API_CLIENT_OPTIONS.telemetry,
  };
}

function resolveTransport(
  transport: NonNullable<ApiClientOptions['transport']> | { readonly type: 'node' },
): ResolvedApiClientOptions['transport'] {
  if (transport === 'node' || (typeof transport === 'object' && transport.type === 'node')) {
    return { type: 'node' };
  }
  const pool = typeof transport === 'string' ? {} : withoutUndefined(transport);
  return { ...DEFAULT_API_CLIENT_OPTIONS.transport, ...pool, type: 'undici' };
}
