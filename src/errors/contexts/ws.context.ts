/**
 * What the error filter needs from a WebSocket message, and how it answers on
 * Nest's `exception` event. Reads the gateway's client by shape, so
 * `@nestjs/websockets` stays optional.
 */
import type { ArgumentsHost } from '@nestjs/common';

/** The facts of one gateway message that the envelope is for. */
export interface SocketFacts {
  readonly client: unknown;
  /** The message's event name, for the log line (bounded). */
  readonly pattern: string;
  /** The handshake's `Accept-Language` and request id (socket.io); a `ws` socket keeps none. */
  header(name: string): string | undefined;
}

/** Nest's event for gateway errors. */
export const EXCEPTION_EVENT = 'exception';

const MAX_PATTERN_LENGTH = 200;

type HandshakeLike = { handshake?: { headers?: Record<string, unknown> } };
type NativeSocketLike = { readyState?: unknown; send?(data: string): unknown };
type EmitterLike = { emit?(event: string, payload: unknown): unknown };

/** Reads the facts of the gateway message behind `host` (a `ws` host). */
export function socketFacts(host: ArgumentsHost): SocketFacts {
  const ws = host.switchToWs();
  const client = ws.getClient<unknown>();
  let pattern: unknown;
  try {
    pattern = ws.getPattern();
  } catch {
    pattern = undefined;
  }
  const text = typeof pattern === 'string' ? pattern : '-';
  const headers = (client as HandshakeLike | undefined)?.handshake?.headers;
  return {
    client,
    pattern: text.length > MAX_PATTERN_LENGTH ? `${text.slice(0, MAX_PATTERN_LENGTH)}…` : text,
    header: (name) => {
      const value = headers?.[name.toLowerCase()];
      return typeof value === 'string' && value !== '' ? value : undefined;
    },
  };
}

/**
 * Sends `payload` on the `exception` event, as Nest's gateways do: a native
 * WebSocket (`ws`) gets `{"event":"exception","data":...}`, a socket.io
 * socket an `exception` event.
 */
export function emitException(client: unknown, payload: unknown): void {
  const native = client as NativeSocketLike;
  if (typeof native?.readyState === 'number' && typeof native.send === 'function') {
    // a socket that is closing or closed (readyState 2, 3) takes no more messages
    if (native.readyState === 1) native.send(JSON.stringify({ event: EXCEPTION_EVENT, data: payload }));
    return;
  }
  const emitter = client as EmitterLike;
  if (typeof emitter?.emit === 'function') emitter.emit(EXCEPTION_EVENT, payload);
}
