/**
 * Redirects on the undici transport, as axios' http adapter follows them:
 * up to `maxRedirects` hops, POST becoming GET on 301/302/303, credentials
 * dropped on a hop to another origin.
 */
import type { InternalAxiosRequestConfig } from 'axios';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { type Target, targetOfUrl } from './undici.target.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin. */
const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization'];

/** The hop a call is at: where it goes, how, with what; moved on by each redirect it follows. */
export class RedirectChain {
  private redirects = 0;
  private readonly maxRedirects: number;

  constructor(
    config: InternalAxiosRequestConfig,
    public target: Target,
    public method: string,
    readonly headers: Record<string, string>,
    public body: string | Buffer | Readable | undefined,
  ) {
    this.maxRedirects = config.maxRedirects ?? 21;
  }

  /** Is this answer a redirect to follow? (Its body is then not read.) */
  readonly follows = (status: number, headers: IncomingHttpHeaders): boolean =>
    REDIRECTS.has(status) &&
    typeof headers['location'] === 'string' &&
    this.redirects < this.maxRedirects &&
    // 307 and 308 resend the body, which a stream cannot
    !(this.body instanceof Readable && status >= 307);

  /** Moves to the hop a followed redirect points at. */
  follow(status: number, headers: IncomingHttpHeaders): void {
    this.redirects++;
    const location = headers['location'] as string;
    const next = targetOfUrl(new URL(location, this.target.origin + this.target.path));
    if (next.origin !== this.target.origin) for (const name of CREDENTIALS) delete this.headers[name];
    if (status === 303 || ((status === 301 || status === 302) && this.method === 'POST')) {
      this.method = this.method === 'HEAD' ? 'HEAD' : 'GET';
      this.body = undefined;
      delete this.headers['content-type'];
      delete this.headers['content-length'];
    }
    this.target = next;
  }
}
