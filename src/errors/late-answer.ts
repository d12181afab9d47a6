/**
 * What a handler writes after its request was answered at its deadline goes
 * nowhere: no second write, no "headers already sent" error, no crash.
 *
 * Node throws when headers are set after they were sent and emits an
 * `error` (uncaught, as nothing listens) for a write after the end; Fastify
 * warns on a second `send`. A handler that answers late — Nest replying with
 * its result, a `@Res()` handler writing itself, a stream still piping — is
 * doing nothing wrong, so its response's writing methods become no-ops once
 * the deadline answer is out. Only responses answered at their deadline get
 * this; no other response is touched.
 */
import type { ServerResponse } from 'node:http';

type Callback = (error?: Error | null) => void;

function returnThis<T>(this: T): T {
  return this;
}

function nothing(): void {}

/** Calls the callback a write or end was given, as Node would once it is done. */
function settle(args: unknown[]): void {
  const callback = args.findLast((arg) => typeof arg === 'function') as Callback | undefined;
  if (callback) process.nextTick(callback);
}

const MUTED: Partial<Record<keyof ServerResponse, unknown>> = {
  setHeader: returnThis,
  setHeaders: returnThis,
  appendHeader: returnThis,
  removeHeader: nothing,
  writeHead: returnThis,
  flushHeaders: nothing,
  write(...args: unknown[]): boolean {
    settle(args);
    return true;
  },
  end(this: ServerResponse, ...args: unknown[]): ServerResponse {
    settle(args);
    return this;
  },
};

/**
 * After the deadline answer to `response` (Express `res`, a Fastify reply
 * or a raw response): later sends of a Fastify reply are dropped at once,
 * and once the answer is written the raw response takes no more writes.
 */
export function silenceLateAnswer(response: unknown, raw: ServerResponse): void {
  if (response !== raw && typeof (response as { send?: unknown }).send === 'function') {
    Object.defineProperty(response, 'send', { value: returnThis, configurable: true, writable: true });
  }
  // the deadline answer may still be on its way out (a Fastify onSend hook, compression): mute after it
  if (raw.writableEnded) Object.assign(raw, MUTED);
  else raw.once('finish', () => Object.assign(raw, MUTED));
}
