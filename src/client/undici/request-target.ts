/**
 * Where the undici transport sends an attempt: `baseURL` + `url` as axios
 * joins them, parsed as the WHATWG URL parser does. A relative URL under a
 * base URL its adapter has seen before is joined without parsing the whole
 * again.
 */
import { Axios, AxiosError, type InternalAxiosRequestConfig } from 'axios';

/** Where an attempt goes: what undici takes, and what axios reports as `response.request`. */
export interface Target {
  readonly origin: string;
  readonly path: string;
  readonly host: string;
  readonly protocol: string;
  /** `user:password` from the URL's credentials, decoded; `undefined` when it has none. */
  readonly auth?: string | undefined;
}

const urlBuilder = new Axios({});
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;
const MAX_BASES = 64;
export interface BaseUrl extends Omit<Target, 'path' | 'auth'> {
  /** The base's path without its trailing slash. */
  readonly prefix: string;
}
/**
 * A relative URL that `new URL` keeps as it is: no character it would encode,
 * no dot segment, no empty query (which it drops).
 */
const PLAIN_RELATIVE = /^[\w\-.~!$&()*+,;=:@%/?]*[\w\-.~!$&()*+,;=:@%/]$/;
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:[/?]|$)/;

/**
 * The base URLs one adapter has seen, parsed once (`null`: one that cannot
 * take the shortcut): a relative URL is then joined without parsing the
 * whole again. At most `MAX_BASES`; past that it starts over.
 */
export class BaseUrlCache {
  private readonly parsed = new Map<string, BaseUrl | null>();

  get(base: string): BaseUrl | null {
    let parsed = this.parsed.get(base);
    if (parsed !== undefined) return parsed;
    const url = new URL(`${base.replace(/\/?\/$/, '')}/`);
    parsed =
      url.search || url.hash || url.username || url.password
        ? null
        : { origin: url.origin, host: url.host, protocol: url.protocol, prefix: url.pathname.slice(0, -1) };
    if (this.parsed.size >= MAX_BASES) this.parsed.clear();
    this.parsed.set(base, parsed);
    return parsed;
  }
}

/** `baseURL` + `url` as axios combines them, parsed as `new URL` does. */
export function targetOf(config: InternalAxiosRequestConfig, bases: BaseUrlCache): Target {
  const url = config.url ?? '';
  const base = config.baseURL;
  if (
    base &&
    !config.params &&
    PLAIN_RELATIVE.test(url) &&
    !ABSOLUTE_URL.test(url) &&
    !DOT_SEGMENT.test(url)
  ) {
    const parsed = bases.get(base);
    if (parsed) {
      const { origin, host, protocol, prefix } = parsed;
      return {
        origin,
        host,
        protocol,
        path: `${prefix}/${url.charCodeAt(0) === 47 ? url.replace(/^\/+/, '') : url}`,
        auth: undefined,
      };
    }
  }
  return targetOfUrl(new URL(fullUrl(config)));
}

export function targetOfUrl(url: URL): Target {
  return {
    origin: url.origin,
    host: url.host,
    protocol: url.protocol,
    path: url.pathname + url.search,
    auth: url.username || url.password ? `${decoded(url.username)}:${decoded(url.password)}` : undefined,
  };
}

/** A credential as axios' http adapter decodes it: left as it is when it is not valid percent-encoding. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** `baseURL` + `url` as axios combines them; axios itself only when there are params to serialize. */
function fullUrl(config: InternalAxiosRequestConfig): string {
  if (config.params) return withParams(config);
  const url = config.url ?? '';
  const base = config.baseURL;
  if (!base || (ABSOLUTE_URL.test(url) && config.allowAbsoluteUrls !== false)) return url;
  return url ? `${base.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}` : base;
}

/** The URL with its params serialized; params that do not serialize fail as in axios' http adapter. */
function withParams(config: InternalAxiosRequestConfig): string {
  try {
    return urlBuilder.getUri(config);
  } catch (error) {
    throw AxiosError.from(error, AxiosError.ERR_BAD_REQUEST, config, null, undefined, {
      url: config.url,
      exists: true,
    });
  }
}
