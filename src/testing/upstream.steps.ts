/**
 * What a scripted upstream does with one request, and what it records of it.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/** An answer of the scripted upstream. */
export interface UpstreamReply {
  readonly status: number;
  /** Response headers (`Retry-After`, `Content-Type`, ...); they win over the defaults. */
  readonly headers?: Readonly<Record<string, string | number | readonly string[]>>;
  /**
   * A string (`text/plain`) or bytes (`application/octet-stream`) are sent as they
   * are; any other value as JSON (`application/json`). Without one the body is empty.
   */
  readonly body?: unknown;
  /** Answers this many milliseconds after the request arrived. */
  readonly delayMs?: number;
  /** Answers once this settles: an answer the test holds and releases. */
  readonly after?: PromiseLike<unknown>;
}

/**
 * One step of a script: an answer, a status alone (`503` is `{ status: 503 }`),
 * `'reset'` (the connection is destroyed without an answer: the client sees a
 * reset or "socket hang up") or `'hang'` (no answer until the upstream closes).
 */
export type UpstreamStep = UpstreamReply | number | 'reset' | 'hang';

/** One request as the upstream saw it. */
export interface UpstreamHit {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** The path alone (no query): what a script is chosen by. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** `performance.now()` when the request arrived: the time between attempts is the difference. */
  readonly at: number;
}

/** The step as an answer, or `reset` / `hang`; throws for what is no step. */
export function stepAction(step: UpstreamStep): UpstreamReply | 'reset' | 'hang' {
  if (step === 'reset' || step === 'hang') return step;
  const reply = typeof step === 'number' ? { status: step } : step;
  if (
    typeof reply !== 'object' ||
    reply === null ||
    !Number.isInteger(reply.status) ||
    reply.status < 100 ||
    reply.status > 599
  ) {
    throw new TypeError(
      `ScriptedUpstream: a step is a status (100-599), { status, headers?, body?, delayMs?, after? }, 'reset' or 'hang'; received ${String(JSON.stringify(step))}`,
    );
  }
  if (reply.delayMs !== undefined && !(Number.isFinite(reply.delayMs) && reply.delayMs >= 0)) {
    throw new TypeError(`ScriptedUpstream: delayMs must be a number >= 0; received ${String(reply.delayMs)}`);
  }
  return reply;
}

/** Writes `reply` to `res`, unless the connection is gone. */
export function writeReply(res: ServerResponse, reply: UpstreamReply): void {
  if (res.destroyed || res.headersSent) return;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  const { bytes, type } = encode(reply.body);
  if (type && !res.hasHeader('content-type')) res.setHeader('Content-Type', type);
  res.writeHead(reply.status);
  res.end(bytes);
}

function encode(body: unknown): { bytes?: Buffer; type?: string } {
  if (body === undefined) return {};
  if (typeof body === 'string') return { bytes: Buffer.from(body), type: 'text/plain; charset=utf-8' };
  if (body instanceof Uint8Array) return { bytes: Buffer.from(body), type: 'application/octet-stream' };
  return { bytes: Buffer.from(JSON.stringify(body) ?? ''), type: 'application/json; charset=utf-8' };
}
