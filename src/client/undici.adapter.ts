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
import axios from 'axios';
import type { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { axiosResponse, bufferedAnswer, discard, type HopOptions, streamedAnswer } from './undici.answer.js';
import { RedirectChain } from './undici.redirects.js';
import { targetOf } from './undici.target.js';

/** Connection pool settings of the undici transport. */
export interface UndiciTransportOptions {
  /**
   * Connections kept per origin.
   * @default 64
   */
  readonly connections?: number;
  /**
   * How long an idle connection is kept open, in milliseconds (below the
   * common 5 s server default, so the client closes first).
   * @default 4000
   */
  readonly keepAliveTimeoutMs?: number;
}

export const DEFAULT_UNDICI_TRANSPORT: Required<UndiciTransportOptions> = Object.freeze({
  connections: 64,
  keepAliveTimeoutMs: 4000,
});

/** undici's own error codes, as the Node codes the rest of the client knows. */
const NODE_CODES: Readonly<Record<string, string>> = {
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
};
const TIMEOUT = Symbol('timeout');
// axios' typings lack the named VERSION export that its runtime has
// oxlint-disable-next-line import/no-named-as-default-member
const USER_AGENT = `axios/${axios.VERSION}`;

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
  const node = getAdapter('http');
  const adapter = ((config: InternalAxiosRequestConfig) =>
    needsNodeAdapter(config) ? node(config) : send(config, dispatcherFor(config))) as AxiosAdapter & {
    close(): Promise<void>;
  };
  adapter.close = async () => {
    await Promise.all([...pools].map((pool) => pool.close()));
  };
  return adapter;
}

/** Options only axios' own http adapter implements: such calls go through it. */
function needsNodeAdapter(config: InternalAxiosRequestConfig): boolean {
  return Boolean(
    config.proxy ||
    config.socketPath ||
    config.beforeRedirect ||
    config.onUploadProgress ||
    config.onDownloadProgress ||
    config.maxRate ||
    config.httpAgent,
  );
}

async function send(config: InternalAxiosRequestConfig, dispatcher: Dispatcher): Promise<AxiosResponse> {
  const signal = new AttemptSignal();
  const cancel = (reason?: unknown): void =>
    signal.abort(reason ?? new CanceledError(undefined, undefined, config));
  const unsubscribe = subscribeCancellation(config, cancel);
  const timer = config.timeout ? setTimeout(() => cancel(TIMEOUT), config.timeout) : undefined;
  try {
    return await exchange(config, dispatcher, signal);
  } catch (error) {
    throw toAxiosError(error, config, signal);
  } finally {
    if (timer) clearTimeout(timer);
    unsubscribe();
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
): Promise<AxiosResponse> {
  const headers = requestHeaders(config);
  const hop = new RedirectChain(
    config,
    targetOf(config),
    (config.method ?? 'get').toUpperCase(),
    headers,
    requestBody(config, headers),
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

function requestHeaders(config: InternalAxiosRequestConfig): Record<string, string> {
  const headers: Record<string, string> = {};
  // axios has made them an AxiosHeaders: its own keys are the names (false: removed)
  const given = config.headers as unknown as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    const value = given[name];
    if (value !== undefined && value !== null && value !== false)
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  headers['user-agent'] ??= USER_AGENT;
  if (config.decompress !== false) headers['accept-encoding'] ??= 'gzip, deflate, br';
  if (config.auth && !headers['authorization']) {
    const { username = '', password = '' } = config.auth;
    headers['authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  return headers;
}

function requestBody(
  config: InternalAxiosRequestConfig,
  headers: Record<string, string>,
): string | Buffer | Readable | undefined {
  const data: unknown = config.data;
  if (data === undefined || data === null) return undefined;
  let body: string | Buffer | Readable;
  if (typeof FormData !== 'undefined' && data instanceof FormData) {
    // Node's global FormData is not undici 7's: encoded by the global Response, boundary included
    const encoded = new Response(data);
    headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
    return Readable.fromWeb(encoded.body as Parameters<typeof Readable.fromWeb>[0]);
  }
  if (typeof data === 'string' || Buffer.isBuffer(data)) body = data;
  else if (data instanceof ArrayBuffer) body = Buffer.from(data);
  else if (ArrayBuffer.isView(data)) body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  else if (data instanceof Readable) body = data;
  else if (typeof (data as { pipe?: unknown }).pipe === 'function') {
    body = Readable.from(data as AsyncIterable<unknown>);
    const formHeaders = (data as { getHeaders?: () => Record<string, string> }).getHeaders?.();
    if (formHeaders)
      for (const [name, value] of Object.entries(formHeaders)) headers[name.toLowerCase()] = value;
  } else body = String(data);
  const length =
    typeof body === 'string' ? Buffer.byteLength(body) : Buffer.isBuffer(body) ? body.length : undefined;
  if (
    length !== undefined &&
    config.maxBodyLength !== undefined &&
    config.maxBodyLength > -1 &&
    length > config.maxBodyLength
  ) {
    throw new AxiosError('Request body larger than maxBodyLength limit', AxiosError.ERR_BAD_REQUEST, config);
  }
  return body;
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
    return signal.reason instanceof CanceledError
      ? signal.reason
      : new CanceledError(undefined, undefined, config);
  }
  const cause = error as { code?: string; cause?: { code?: string } };
  const code = NODE_CODES[cause.code ?? ''] ?? cause.cause?.code ?? cause.code;
  return AxiosError.from(error as Error, code, config);
}
