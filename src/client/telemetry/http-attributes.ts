/**
 * What the HTTP semantic conventions ask of a client span, worked out from a
 * call's method, its redacted URL and an attempt's failure: pure functions.
 */
import { ATTRIBUTES } from './telemetry.names.js';

/** Methods the conventions know; any other is `_OTHER`, with the original kept. */
const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/** The attributes of one call's target, on its spans and on its measurements. */
export interface HttpTarget {
  /** `GET`, or `HTTP` for a method the conventions do not know. */
  readonly spanName: string;
  /** Every attempt span's attributes from its start. */
  readonly spanAttributes: Readonly<Record<string, string | number>>;
  /** The attributes every measurement of the call has: method, server, client. */
  readonly metricAttributes: Readonly<Record<string, string | number>>;
}

/**
 * The target of a call by `client` with `method` to `url` (already
 * redacted), with the inbound request id it forwards, if any.
 */
export function httpTarget(
  client: string,
  method: string,
  url: string,
  requestId: string | undefined,
): HttpTarget {
  const known = KNOWN_METHODS.has(method);
  const server = serverOf(url);
  const metricAttributes: Record<string, string | number> = {
    [ATTRIBUTES.method]: known ? method : '_OTHER',
    [ATTRIBUTES.client]: client,
  };
  if (server) {
    metricAttributes[ATTRIBUTES.serverAddress] = server.address;
    metricAttributes[ATTRIBUTES.serverPort] = server.port;
  }
  const spanAttributes: Record<string, string | number> = { ...metricAttributes, [ATTRIBUTES.url]: url };
  if (!known) spanAttributes[ATTRIBUTES.methodOriginal] = method;
  if (requestId !== undefined) spanAttributes[ATTRIBUTES.requestId] = requestId;
  return {
    spanName: known ? method : 'HTTP',
    spanAttributes: Object.freeze(spanAttributes),
    metricAttributes: Object.freeze(metricAttributes),
  };
}

/** Host and port of an absolute URL (the scheme's port when it names none); `undefined` for another. */
export function serverOf(url: string): { address: string; port: number } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
  if (port === undefined || parsed.hostname === '') return undefined;
  return { address: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * `error.type` of a failed attempt: the status of an error answer (`503`),
 * else the error's code (`ECONNRESET`, `ETIMEDOUT`, `ERR_CANCELED`), else its
 * class, else `_OTHER`.
 */
export function attemptErrorType(error: unknown): string {
  const { response, code, name } = (error ?? {}) as {
    response?: { status?: unknown };
    code?: unknown;
    name?: unknown;
  };
  const status = response?.status;
  if (typeof status === 'number' && status >= 400) return String(status);
  if (typeof code === 'string' && code !== '') return code;
  if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
  return '_OTHER';
}
