/**
 * One attempt on the undici transport: its abort signal (the attempt's
 * timeout and the caller's cancellation), then the hops of its redirect
 * chain until an answer that is not followed, settled as axios settles it.
 */
import { type AxiosAdapter, type AxiosResponse, CanceledError, type InternalAxiosRequestConfig } from 'axios';
import type { Dispatcher } from 'undici';
import { type Outgoing, outgoing } from './outgoing-request.js';
import { RedirectChain } from './redirect-chain.js';
import type { BaseUrlCache } from './request-target.js';
import { cancelOnRequestStreamAbort, releaseWhenClosed } from './stream-cancellation.js';
import { settle, TIMEOUT, toAxiosError } from './transport-errors.js';
import {
  axiosResponse,
  bufferedAnswer,
  discard,
  type HopOptions,
  streamedAnswer,
} from './upstream-answer.js';

/**
 * One attempt; what only axios' http adapter sends as axios does goes to it
 * (`node`). `bases`: the base URLs the adapter has parsed.
 */
export async function sendAttempt(
  config: InternalAxiosRequestConfig,
  dispatcher: Dispatcher,
  node: AxiosAdapter,
  bases: BaseUrlCache,
): Promise<AxiosResponse> {
  const prepared = outgoing(config, bases);
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

/** The hops of one attempt, each answer read as the config asks, until one that is not a redirect to follow. */
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
