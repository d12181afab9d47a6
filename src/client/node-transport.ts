/**
 * axios' http adapter as ApiClient runs it — for `transport: 'node'` and for
 * the calls the undici transport hands to it. Two things are added, both
 * what the undici transport does too: a redirect to another origin drops the
 * call's secret headers (given to axios as `sensitiveHeaders`), and the
 * call's deadline bounds the attempt until its promise settles, body and
 * decoding included (axios' own `timeout` ends with the headers, and then
 * only an idle socket times out).
 */
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { callOf } from './axios-binding.js';
import type { OutboundCall } from './outbound-call.js';
import { isSecretHeader } from './redact.js';
import { releaseWhenClosed } from './undici/stream-cancellation.js';

/** `adapter` (axios' http adapter) under the call's deadline and with its secrets kept to their origin. */
export function nodeTransport(adapter: AxiosAdapter): AxiosAdapter {
  return (config) => {
    keepSecretsToOrigin(config);
    const call = callOf(config);
    return call ? withinDeadline(adapter, config, call) : adapter(config);
  };
}

/** Adds the call's secret-looking headers to `sensitiveHeaders` (one given that is not an array is axios' to refuse). */
function keepSecretsToOrigin(config: InternalAxiosRequestConfig): void {
  const given: unknown = config.sensitiveHeaders;
  if (given !== undefined && given !== null && !Array.isArray(given)) return;
  const secrets = Object.keys(config.headers).filter(isSecretHeader);
  if (secrets.length) config.sensitiveHeaders = [...new Set([...((given as string[]) ?? []), ...secrets])];
}

/**
 * The attempt, aborted when the deadline passes (failing as the deadline);
 * the caller's signal still reaches it, and a response stream until it
 * closes. axios reads `config.signal` during the attempt only, so it is this
 * attempt's own signal for that long.
 */
async function withinDeadline(
  adapter: AxiosAdapter,
  config: InternalAxiosRequestConfig,
  call: OutboundCall,
): Promise<AxiosResponse> {
  const caller = config.signal as AbortSignal | undefined;
  const attempt = new AbortController();
  const forward = (): void => attempt.abort(caller?.reason);
  if (caller?.aborted) forward();
  else caller?.addEventListener?.('abort', forward, { once: true });
  let passed = false;
  const timer = setTimeout(
    () => {
      passed = true;
      attempt.abort();
    },
    Math.max(1, Math.ceil(call.remainingMs())),
  );
  config.signal = attempt.signal;
  let streaming = false;
  try {
    const response = await adapter(config);
    streaming =
      config.responseType === 'stream' &&
      releaseWhenClosed(response.data, () => caller?.removeEventListener?.('abort', forward));
    return response;
  } catch (error) {
    throw passed ? call.deadlineError(config) : error;
  } finally {
    clearTimeout(timer);
    config.signal = caller;
    if (!streaming) caller?.removeEventListener?.('abort', forward);
  }
}
