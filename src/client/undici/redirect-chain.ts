/**
 * Redirects on the undici transport, as axios' http adapter follows them
 * (through follow-redirects): any 3xx with a `Location`, at most
 * `maxRedirects` of them (more fail with ERR_FR_TOO_MANY_REDIRECTS), POST
 * becoming GET on 301/302 and any method but GET and HEAD on 303, and never
 * to anything but an http(s) URL (ERR_FR_REDIRECTION_FAILURE). Every hop
 * drops `Proxy-Authorization`; a hop to another origin drops every secret
 * header (see `isSecretHeader`) and those named in axios' `sensitiveHeaders`.
 */
import { AxiosError, type InternalAxiosRequestConfig } from 'axios';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { isSecretHeader } from '../redact.js';
import { type Target, targetOfUrl } from './request-target.js';

/** follow-redirects' own default. */
const MAX_REDIRECTS = 21;
const CONTENT_HEADER = /^content-/;

/** The hop a call is at: where it goes, how, with what; moved on by each redirect it follows. */
export class RedirectChain {
  private redirects = 0;
  private readonly maxRedirects: number;

  constructor(
    private readonly config: InternalAxiosRequestConfig,
    public target: Target,
    public method: string,
    readonly headers: Record<string, string>,
    public body: string | Buffer | Readable | undefined,
  ) {
    this.maxRedirects = config.maxRedirects || (config.maxRedirects === 0 ? 0 : MAX_REDIRECTS);
  }

  /**
   * Is this answer a redirect to follow (or to fail on, past `maxRedirects`)?
   * Its body is then not read. A stream body that the hop would send again
   * cannot be: that redirect is the answer.
   */
  readonly follows = (status: number, headers: IncomingHttpHeaders): boolean =>
    status >= 300 &&
    status < 400 &&
    this.maxRedirects !== 0 &&
    typeof headers['location'] === 'string' &&
    !(this.body instanceof Readable && !this.becomesGet(status));

  /** Moves to the hop a followed redirect points at; throws what follow-redirects throws. */
  follow(status: number, headers: IncomingHttpHeaders): void {
    if (++this.redirects > this.maxRedirects) {
      throw new AxiosError('Maximum number of redirects exceeded', 'ERR_FR_TOO_MANY_REDIRECTS', this.config);
    }
    const next = targetOfUrl(this.resolve(headers['location'] as string));
    // axios drops it on every redirect (it belongs to the hop's proxy)
    delete this.headers['proxy-authorization'];
    if (next.origin !== this.target.origin) this.dropSecrets();
    if (this.becomesGet(status)) {
      this.method = 'GET';
      this.body = undefined;
      for (const name of Object.keys(this.headers)) if (CONTENT_HEADER.test(name)) delete this.headers[name];
    }
    this.target = next;
  }

  private becomesGet(status: number): boolean {
    return (
      ((status === 301 || status === 302) && this.method === 'POST') ||
      (status === 303 && this.method !== 'GET' && this.method !== 'HEAD')
    );
  }

  private resolve(location: string): URL {
    let url: URL;
    try {
      url = new URL(location, this.target.origin + this.target.path);
    } catch {
      throw this.failure('Invalid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw this.failure(`Unsupported protocol ${url.protocol}`);
    }
    return url;
  }

  private dropSecrets(): void {
    const listed: unknown = this.config.sensitiveHeaders;
    const named = new Set(Array.isArray(listed) ? listed.map((name) => String(name).toLowerCase()) : []);
    for (const name of Object.keys(this.headers)) {
      if (isSecretHeader(name) || named.has(name)) delete this.headers[name];
    }
  }

  private failure(why: string): AxiosError {
    return new AxiosError(`Redirected request failed: ${why}`, 'ERR_FR_REDIRECTION_FAILURE', this.config);
  }
}
