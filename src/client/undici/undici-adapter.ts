/**
 * An axios adapter over undici, Node's own HTTP client: the axios API (and
 * axios-retry, and HttpService) on a faster transport. It keeps the axios
 * behaviours a client relies on — bodies, response types, decompression,
 * size limits, timeouts and cancellation with axios' error codes, redirects,
 * TLS options, validateStatus — and gives network errors the Node codes the
 * retry policy classifies (ECONNRESET, ECONNREFUSED, TLS codes, ...).
 */
import {
  AxiosError,
  type AxiosAdapter,
  type AxiosResponse,
  CanceledError,
  getAdapter,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { Agent as HttpsAgent } from 'node:https';
import { Agent, type Dispatcher } from 'undici';
import { DEFAULT_UNDICI_TRANSPORT, type UndiciTransportOptions } from '../api-client.options.js';
import { nodeTransport } from '../node-transport.js';
import { axiosResponse, bufferedAnswer, discard, type HopOptions, streamedAnswer } from './upstream-answer.js';
import { nodeCodeOf } from './transport-errors.js';
import { RedirectChain } from './redirect-chain.js';
import { needsNodeAdapter, type Outgoing, outgoing } from './outgoing-request.js';
import { cancelOnRequestStreamAbort, releaseWhenClosed } from './stream-cancellation.js';

const TIMEOUT = Symbol('timeout');

/** Makes the adapter; its connection pools live as long as it does (see `close`). */
export function createUndiciAdapter(
  options: UndiciTransportOptions = {},
): AxiosAdapter & { close(): Promise<void> } {
  const settings = { ...DEFAULT_UNDICI_TRANSPORT, ...options };
  const plain = new Agent({
    connections: settings.connections,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
  });
  const secured = new WeakMap<object, Agent>();
  const pools = new Set<Agent>([plain]);
  const dispatcherFor = (config: InternalAxiosRequestConfig): Agent => {
    const https = config.httpsAgent as (HttpsAgent & { options?: Record<string, unknown> }) | undefined;
    if (!https?.options) return plain;
    let agent = secured.get(https);
    if (!agent) {
      const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = https.options;
      agent = new Agent({
        connections: settings.connections,
        keepAliveTimeout: settings.keepAliveTimeoutMs,
        connect: { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } as never,
      });
      secured.set(https, agent);
      pools.add(agent);
    }
    return agent;
  };
  const node = nodeTransport(getAdapter('http'));
  const adapter = ((config: InternalAxiosRequestConfig) =>
    needsNodeAdapter(config) ? node(config) : send(config, dispatcherFor(config), node)) as AxiosAdapter & {
    close(): Promise<void>;
  };
  adapter.close = async () => {
    await Promise.all([...pools].map((pool) => pool.close()));
  };
  return adapter;
}

/** One attempt; what only axios' http adapter sends as axios does goes to it (`node`). */
async function send(
  config: InternalAxiosRequestConfig,
  dispatcher: Dispatcher,
  node: AxiosAdapter,
): Promise<AxiosResponse> {
  const prepared = outgoing(config);
  if (!prepared) return node(config);
  const request = prepared instanceof Promise ? await prepared : prepared;
  const signal = new AttemptSignal();
  const cancel = (reason?: unknown): void => signal.abort(reason ?? new CanceledError(undefined, config));
  const unsubscribe = subscribeCancellation(config, cancel);
  cancelOnRequestStreamAbort(config, cancel);
  const timer = request.timeout ? setTimeout(() => cancel(TIMEOUT), request.timeout) : undefined;
  // as on axios' http adapter, the timeout ends with the headers of a stream, and a cancellation does not
  let streaming = false;
  try {
    const response = await exchange(config, dispatcher, signal, request);
    streaming = config.responseType === 'stream' && releaseWhenClosed(response.data, unsubscribe);
    return response;
  } catch (error) {
    throw toAxiosError(error, config, signal);
  } finally {
    if (timer) clearTimeout(timer);
    if (!streaming) unsubscribe();
  }
}

/**
 * The abort signal of one attempt (its timeout or its cancellation), as
 * undici takes it: one listener, without an `AbortController` and its
 * EventTarget, whose setup costs microseconds per attempt on Node 20.
 */
class AttemptSignal {
  aborted = false;
  reason: unknown = undefined;
  private listener: (() => void) | undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listener = listener;
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.listener === listener) this.listener = undefined;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }
}

async function exchange(
  config: InternalAxiosRequestConfig,
  dispatcher: Dispatcher,
  signal: AttemptSignal,
  request: Outgoing,
): Promise<AxiosResponse> {
  const { headers } = request;
  const hop = new RedirectChain(
    config,
    request.target,
    (config.method ?? 'get').toUpperCase(),
    headers,
    request.body,
  );
  for (;;) {
    const options: HopOptions = {
      origin: hop.target.origin,
      path: hop.target.path,
      method: hop.method as Dispatcher.HttpMethod,
      headers,
      body: hop.body,
      headersTimeout: 0,
      bodyTimeout: 0,
    };
    const answer =
      config.responseType === 'stream'
        ? await streamedAnswer(dispatcher, options, signal)
        : await bufferedAnswer(dispatcher, options, signal, config, hop.follows);
    if (!hop.follows(answer.status, answer.headers)) {
      return settle(await axiosResponse(answer, config, hop.method, hop.target), config);
    }
    discard(answer);
    hop.follow(answer.status, answer.headers);
  }
}

function settle(response: AxiosResponse, config: InternalAxiosRequestConfig): AxiosResponse {
  const validate = config.validateStatus;
  if (!response.status || !validate || validate(response.status)) return response;
  // the same error as axios' own settle()
  throw new AxiosError(
    `Request failed with status code ${response.status}`,
    [AxiosError.ERR_BAD_REQUEST, AxiosError.ERR_BAD_RESPONSE][Math.floor(response.status / 100) - 4],
    config,
    response.request,
    response,
  );
}

const NOTHING_TO_UNSUBSCRIBE = (): void => undefined;

/** axios' two ways to cancel: `signal` and `cancelToken` (which HttpService uses). */
function subscribeCancellation(
  config: InternalAxiosRequestConfig,
  cancel: (reason?: unknown) => void,
): () => void {
  const signal = config.signal as AbortSignal | undefined;
  const token = config.cancelToken as
    | {
        reason?: unknown;
        subscribe(fn: (reason: unknown) => void): void;
        unsubscribe(fn: (reason: unknown) => void): void;
      }
    | undefined;
  if (!signal && !token) return NOTHING_TO_UNSUBSCRIBE;
  const onAbort = (): void => cancel();
  const onCancel = (reason: unknown): void => cancel(reason);
  if (signal?.aborted) cancel();
  else signal?.addEventListener?.('abort', onAbort, { once: true });
  if (token?.reason) cancel(token.reason);
  else token?.subscribe(onCancel);
  return () => {
    signal?.removeEventListener?.('abort', onAbort);
    token?.unsubscribe(onCancel);
  };
}

function toAxiosError(error: unknown, config: InternalAxiosRequestConfig, signal: AttemptSignal): unknown {
  if (error instanceof AxiosError) return error;
  if (signal.aborted) {
    if (signal.reason === TIMEOUT) {
      const transitional = config.transitional;
      return new AxiosError(
        config.timeoutErrorMessage ?? `timeout of ${config.timeout}ms exceeded`,
        transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED,
        config,
      );
    }
    return signal.reason instanceof CanceledError ? signal.reason : new CanceledError(undefined, config);
  }
  return AxiosError.from(error as Error, nodeCodeOf(error), config);
}
