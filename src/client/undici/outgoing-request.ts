/**
 * The request side of the undici transport: what one attempt sends — target,
 * headers, body and timeout — as axios' http adapter would send it, and
 * which calls that adapter sends instead (options and bodies only it
 * implements). Checks that only rare configs need are tests on the config,
 * so a plain JSON call pays for none of them.
 */
import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import axios from 'axios';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { type BaseUrlCache, type Target, targetOf } from './request-target.js';

/** What one attempt sends. */
export interface Outgoing {
  readonly target: Target;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer | Readable | undefined;
  /** The attempt's timeout in milliseconds, read as axios reads `timeout` (0: none). */
  readonly timeout: number;
}

// axios' typings lack the named VERSION export that its runtime has
// oxlint-disable-next-line import/no-named-as-default-member
const USER_AGENT = `axios/${axios.VERSION}`;
/** What axios' http adapter accepts, zstd only when asked to and where zlib has it. */
const ACCEPT_ENCODING = 'gzip, compress, deflate, br';
const ACCEPT_ENCODING_WITH_ZSTD =
  typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function'
    ? `${ACCEPT_ENCODING}, zstd`
    : ACCEPT_ENCODING;
/** The request goes to axios' http adapter. */
const HAND_OFF = Symbol('hand off');

/**
 * Calls that axios' http adapter sends: options only it implements, and
 * bodies the undici transport does not send as it does (FormData of any
 * kind, which that adapter sends with its length; another Blob
 * implementation, a legacy stream, a typed array or a value axios refuses).
 */
export function needsNodeAdapter(config: InternalAxiosRequestConfig): boolean {
  return (
    Boolean(
      config.proxy ||
      config.socketPath ||
      config.beforeRedirect ||
      config.onUploadProgress ||
      config.onDownloadProgress ||
      config.maxRate ||
      config.httpAgent ||
      config.lookup ||
      config.family ||
      config.transport ||
      config.insecureHTTPParser,
    ) ||
    (config.httpVersion !== undefined && config.httpVersion !== 1) ||
    !sentByUndici(config.data)
  );
}

function sentByUndici(data: unknown): boolean {
  if (data === undefined || data === null || typeof data === 'string') return true;
  if (typeof data !== 'object') return false;
  if (
    Buffer.isBuffer(data) ||
    data instanceof ArrayBuffer ||
    data instanceof Readable ||
    data instanceof Blob
  ) {
    return true;
  }
  // another stream is read as an async iterable; a form-data instance has its own headers
  const stream = data as { pipe?: unknown; getHeaders?: unknown; [Symbol.asyncIterator]?: unknown };
  return (
    typeof stream.pipe === 'function' &&
    typeof stream[Symbol.asyncIterator] === 'function' &&
    stream.getHeaders === undefined
  );
}

/**
 * What one attempt sends, or `undefined` when axios' http adapter is to send
 * it (a `data:` or `file:` URL, a `Content-Length` of the caller's that is
 * not the body's own, a stream under `maxBodyLength`); a promise of it for a
 * Blob, read first. A mistake in the call throws what that adapter throws.
 * `bases`: the base URLs its adapter has parsed.
 */
export function outgoing(
  config: InternalAxiosRequestConfig,
  bases: BaseUrlCache,
): Outgoing | Promise<Outgoing> | undefined {
  const target = targetOf(config, bases);
  const protocol = target.protocol;
  if (protocol !== 'http:' && protocol !== 'https:') {
    if (protocol === 'data:' || protocol === 'file:') return undefined;
    throw new AxiosError(`Unsupported protocol ${protocol}`, AxiosError.ERR_BAD_REQUEST, config);
  }
  const headers = requestHeaders(config, target);
  const body = requestBody(config, headers);
  if (body === HAND_OFF) return undefined;
  const timeout = attemptTimeout(config);
  if (body instanceof Promise) return body.then((bytes) => ({ target, headers, body: bytes, timeout }));
  return { target, headers, body, timeout };
}

function requestHeaders(config: InternalAxiosRequestConfig, target: Target): Record<string, string> {
  const headers: Record<string, string> = {};
  let agent: string | undefined = USER_AGENT;
  let encodings: string | undefined =
    config.transitional?.advertiseZstdAcceptEncoding === true ? ACCEPT_ENCODING_WITH_ZSTD : ACCEPT_ENCODING;
  // axios has made them an AxiosHeaders: its own keys are the names
  const given = config.headers as unknown as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    const value = given[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (value === null || value === false) {
      // a header the caller refused: not sent, and no default in its place
      if (lower === 'user-agent') agent = undefined;
      else if (lower === 'accept-encoding') encodings = undefined;
    } else if (Array.isArray(value)) {
      // a list as one comma-separated line (RFC 9110 5.3); cookies joined by '; ' as Node's client does
      headers[lower] = value.join(lower === 'cookie' ? '; ' : ', ');
    } else headers[lower] = String(value);
  }
  if (agent) headers['user-agent'] ??= agent;
  if (encodings) headers['accept-encoding'] ??= encodings;
  // `auth`, else the URL's credentials, over any Authorization header
  const auth = config.auth ? `${config.auth.username || ''}:${config.auth.password || ''}` : target.auth;
  if (auth !== undefined) headers['authorization'] = `Basic ${Buffer.from(auth).toString('base64')}`;
  return headers;
}

function requestBody(
  config: InternalAxiosRequestConfig,
  headers: Record<string, string>,
): string | Buffer | Readable | Promise<Buffer> | undefined | typeof HAND_OFF {
  const data: unknown = config.data;
  if (data instanceof Blob) return blobBody(data, config, headers);
  // a Content-Length of the caller's goes with the body only where it is the body's own length
  const declared = headers['content-length'];
  let body: string | Buffer | undefined;
  if (data === undefined || data === null) body = undefined;
  else if (typeof data === 'string' || Buffer.isBuffer(data)) body = data;
  else if (data instanceof ArrayBuffer) body = Buffer.from(data);
  // a stream: its length is known once sent, which axios' adapter checks as it sends
  else return declared === undefined && !limited(config) ? streamBody(data) : HAND_OFF;
  const length = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (declared !== undefined && declared !== String(length)) return HAND_OFF;
  if (limited(config) && length > config.maxBodyLength!) throw tooLarge(config);
  return body;
}

function streamBody(data: object): Readable {
  return data instanceof Readable ? data : Readable.from(data as AsyncIterable<unknown>);
}

/**
 * A Blob (or File) as axios' http adapter sends it: its type and size as
 * headers, its bytes read whole — as that adapter keeps what it sent, to send
 * it again on a 307 or 308 redirect.
 */
function blobBody(
  blob: Blob,
  config: InternalAxiosRequestConfig,
  headers: Record<string, string>,
): Promise<Buffer> | undefined {
  if (limited(config) && blob.size > config.maxBodyLength!) throw tooLarge(config);
  // axios sets both over the caller's, unless the caller refused one with `false`
  const refused = (name: string): boolean => AxiosHeaders.prototype.get.call(config.headers, name) === false;
  if (blob.size && !refused('content-type'))
    headers['content-type'] = blob.type || 'application/octet-stream';
  if (!refused('content-length')) headers['content-length'] = String(blob.size);
  return blob.size ? blob.arrayBuffer().then((bytes) => Buffer.from(bytes)) : undefined;
}

function limited(config: InternalAxiosRequestConfig): boolean {
  return config.maxBodyLength !== undefined && config.maxBodyLength > -1;
}

function tooLarge(config: InternalAxiosRequestConfig): AxiosError {
  return new AxiosError('Request body larger than maxBodyLength limit', AxiosError.ERR_BAD_REQUEST, config);
}

/** `timeout` as axios' http adapter reads it: an integer, or parsed as one. */
function attemptTimeout(config: InternalAxiosRequestConfig): number {
  const timeout: unknown = config.timeout;
  if (!timeout) return 0;
  if (Number.isInteger(timeout)) return timeout as number;
  const parsed = Number.parseInt(String(timeout), 10);
  if (Number.isNaN(parsed)) {
    throw new AxiosError(
      'error trying to parse `config.timeout` to int',
      AxiosError.ERR_BAD_OPTION_VALUE,
      config,
    );
  }
  return parsed;
}
