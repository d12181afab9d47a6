/**
 * A real HTTP server on 127.0.0.1 that answers each path from a script and
 * records every request, so that retries, timeouts and `Retry-After` are
 * tested against sockets rather than mocks.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { stepAction, writeReply, type UpstreamHit, type UpstreamStep } from './upstream.steps.js';

/** How a {@link ScriptedUpstream} is made. */
export interface ScriptedUpstreamOptions {
  /** A key and certificate (PEM): the upstream speaks HTTPS. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /**
   * The answer to a path that has no script.
   * @default { status: 404, body: { error: 'no script for this path' } }
   */
  readonly fallback?: UpstreamStep;
}

interface Script {
  readonly steps: readonly UpstreamStep[];
  next: number;
}

interface Waiter {
  readonly count: number;
  readonly path: string | undefined;
  readonly resolve: (hits: UpstreamHit[]) => void;
  readonly reject: (error: Error) => void;
}

const DEFAULT_FALLBACK: UpstreamStep = { status: 404, body: { error: 'no script for this path' } };

/**
 * An upstream on 127.0.0.1 (a free port) with a script per path:
 *
 * ```ts
 * const upstream = await ScriptedUpstream.start();
 * upstream.script('/quotes', 503, { status: 503, headers: { 'Retry-After': '0' } }, { status: 200, body: { price: 42 } });
 * // ... call `${upstream.url}/quotes`, then:
 * expect(upstream.hitsOf('/quotes')).toHaveLength(3);
 * await upstream.close();
 * ```
 *
 * Each request to a path takes the next step of its script; once the steps
 * run out the last one repeats. A path without a script gets the `fallback`.
 */
export class ScriptedUpstream {
  private readonly server: Server;
  private readonly scheme: 'http' | 'https';
  private readonly fallback: UpstreamStep;
  private readonly recorded: UpstreamHit[] = [];
  private readonly scripts = new Map<string, Script>();
  private readonly waiters = new Set<Waiter>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private base: string | undefined;
  private closed = false;

  /** The upstream, not listening yet (see {@link listen}, or {@link ScriptedUpstream.start}). */
  constructor(options: ScriptedUpstreamOptions = {}) {
    this.fallback = options.fallback ?? DEFAULT_FALLBACK;
    stepAction(this.fallback);
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    this.scheme = options.tls ? 'https' : 'http';
    this.server = options.tls
      ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
      : createHttpServer(handler);
  }

  /** Makes an upstream and waits until it listens. */
  static async start(options?: ScriptedUpstreamOptions): Promise<ScriptedUpstream> {
    return new ScriptedUpstream(options).listen();
  }

  /** Listens on 127.0.0.1, on a port the system picks. */
  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.base = `${this.scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The base URL, `http://127.0.0.1:<port>` (no trailing slash). */
  get url(): string {
    if (this.base === undefined)
      throw new Error('ScriptedUpstream: not listening yet (await listen() or start())');
    return this.base;
  }

  /** Every request so far, in the order they arrived. */
  get hits(): readonly UpstreamHit[] {
    return this.recorded;
  }

  /**
   * Sets the steps of a path (its query is ignored), one per request, and
   * starts it over; the last step repeats. No steps: the path gets the fallback again.
   */
  script(path: string, ...steps: UpstreamStep[]): this {
    for (const step of steps) stepAction(step);
    if (steps.length === 0) this.scripts.delete(path);
    else this.scripts.set(path, { steps, next: 0 });
    return this;
  }

  /** The requests that reached a path (query ignored). */
  hitsOf(path: string): UpstreamHit[] {
    return this.recorded.filter((hit) => hit.path === path);
  }

  /**
   * Resolves with the requests (to `path`, or to any path) once there are at
   * least `count`; rejects if the upstream closes first.
   */
  waitForHits(count: number, path?: string): Promise<UpstreamHit[]> {
    const hits = this.matching(path);
    if (hits.length >= count) return Promise.resolve(hits);
    if (this.closed) return Promise.reject(this.closedEarly(count, path));
    return new Promise((resolve, reject) => this.waiters.add({ count, path, resolve, reject }));
  }

  /** Forgets the requests and every script (the counts start over); held and hanging requests stay. */
  reset(): void {
    this.recorded.length = 0;
    this.scripts.clear();
  }

  /** Stops listening and cuts every connection, hanging and held requests included. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const waiter of this.waiters) waiter.reject(this.closedEarly(waiter.count, waiter.path));
    this.waiters.clear();
    this.server.closeAllConnections();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      const url = req.url ?? '/';
      const path = url.split('?')[0]!;
      this.record({
        method: req.method ?? '',
        url,
        path,
        headers: req.headers,
        body: Buffer.concat(chunks),
        at,
      });
      this.act(this.nextStep(path), req, res, at);
    });
  }

  private nextStep(path: string): UpstreamStep {
    const script = this.scripts.get(path);
    if (!script) return this.fallback;
    const step = script.steps[Math.min(script.next, script.steps.length - 1)]!;
    script.next += 1;
    return step;
  }

  private act(step: UpstreamStep, req: IncomingMessage, res: ServerResponse, at: number): void {
    const action = stepAction(step);
    if (action === 'reset') {
      req.socket.destroy();
      return;
    }
    if (action === 'hang') return;
    const send = () => writeReply(res, action);
    if (action.after) {
      void Promise.resolve(action.after).then(send, send);
    } else if (action.delayMs) {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          send();
        },
        Math.max(0, action.delayMs - (performance.now() - at)),
      );
      this.timers.add(timer);
    } else send();
  }

  private record(hit: UpstreamHit): void {
    this.recorded.push(hit);
    for (const waiter of this.waiters) {
      const hits = this.matching(waiter.path);
      if (hits.length < waiter.count) continue;
      this.waiters.delete(waiter);
      waiter.resolve(hits);
    }
  }

  private matching(path: string | undefined): UpstreamHit[] {
    return path === undefined ? [...this.recorded] : this.hitsOf(path);
  }

  private closedEarly(count: number, path: string | undefined): Error {
    const seen = this.matching(path).length;
    return new Error(
      `ScriptedUpstream closed after ${seen} of ${count} requests${path ? ` to ${path}` : ''}`,
    );
  }
}
