/**
 * The thin binding of an {@link OutboundCall} to axios and axios-retry: the
 * call rides in the axios config, and every hook only forwards to its step —
 * the adapter to `attempt`, `retryCondition` to `decide`, `retryDelay` to
 * `delayMs`, `onRetry` to `retrying`.
 */
import type { AxiosAdapter, AxiosInstance, AxiosRequestConfig } from 'axios';
import axiosRetry, { namespace as RETRY_STATE } from 'axios-retry';
import { isAxiosError } from 'axios';
import { classifyFailure, type FailureVerdict } from './failure-verdict.js';
import type { CallContext } from './call-request.js';
import { OutboundCall } from './outbound-call.js';

/** Where a call rides along in the axios config (a string key: axios drops symbols). */
export const CALL = 'faultlineCall';

type ConfigWithCall = AxiosRequestConfig & { [CALL]?: OutboundCall };

/**
 * Makes `transport` the instance's adapter and attaches axios-retry, both
 * forwarding to each config's call. A call made on the instance directly
 * (`axiosRef`, `httpService`) is adopted at its first attempt. The adapter
 * sits past axios' cancellation check, so an aborted attempt never reaches it.
 */
export function bindAxios(instance: AxiosInstance, transport: AxiosAdapter, context: CallContext): void {
  instance.defaults.adapter = (config) =>
    (callOf(config) ?? adopt(context, config)).attempt(config, transport);
  const { requestInterceptorId } = axiosRetry(instance, {
    // each call's own policy bounds its attempts (decide), so no per-call axios-retry config
    retries: Number.MAX_SAFE_INTEGER,
    shouldResetTimeout: true,
    retryCondition: (error) => callOf(error.config)?.decide(error) ?? false,
    retryDelay: (_retryNumber, error) => callOf(error.config)?.delayMs ?? 0,
    onRetry: (retryNumber, _error, config) => callOf(config)?.retrying(retryNumber),
  });
  onlyForRetryState(instance, requestInterceptorId);
}

/**
 * axios-retry's request interceptor stamps each attempt's config with its
 * state: a count its response interceptor starts anyway when an attempt
 * fails, the attempt's start time (read only when timeouts are not reset,
 * and they are here) and `validateResponse` (not set here). So it runs only
 * for a config that carries axios-retry state or options: a retried attempt,
 * or a call that set some of its own. Skipped, it leaves axios no
 * asynchronous request interceptor, and a call goes to the adapter without
 * a promise chain in front.
 */
function onlyForRetryState(instance: AxiosInstance, id: number): void {
  const handler = instance.interceptors.request.handlers?.[id];
  if (handler) handler.runWhen = (config) => config[RETRY_STATE] !== undefined;
}

/** The call a config carries. */
export function callOf(config: AxiosRequestConfig | undefined): OutboundCall | undefined {
  return (config as ConfigWithCall | undefined)?.[CALL];
}

/** The verdict on a failure, as the call its config carries keeps it (classified once). */
export function verdictOf(error: unknown): FailureVerdict {
  const call = isAxiosError(error) ? callOf(error.config) : undefined;
  return call ? call.verdictOf(error) : classifyFailure(error);
}

function adopt(context: CallContext, config: Parameters<AxiosAdapter>[0]): OutboundCall {
  const call = OutboundCall.adopt(context, config);
  (config as ConfigWithCall)[CALL] = call;
  return call;
}
