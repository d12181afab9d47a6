/**
 * What the error filter needs from a microservice message (request id,
 * language, pattern) and the error shape Nest's RPC clients receive.
 * Reads Nest's RPC context by shape, so `@nestjs/microservices` stays optional.
 */
import type { ArgumentsHost } from '@nestjs/common';

/** The facts of one message that the envelope is for. */
export interface MessageFacts {
  /** The message's pattern, for the log line (bounded). */
  readonly pattern: string;
  /** A header the message carried (`X-Request-Id`, `Accept-Language`), if the transport has headers. */
  header(name: string): string | undefined;
}

type HeaderSource = Record<string, unknown> | { get(name: string): unknown } | undefined;
type RpcContextLike = {
  getPattern?(): unknown;
  getSubject?(): unknown;
  getChannel?(): unknown;
  getTopic?(): unknown;
  getMetadata?(): HeaderSource;
  getHeaders?(): HeaderSource;
};

const MAX_PATTERN_LENGTH = 200;

/** Reads the facts of the message behind `host` (an `rpc` host). */
export function messageFacts(host: ArgumentsHost): MessageFacts {
  const context = host.switchToRpc().getContext<RpcContextLike | undefined>();
  const headers = readHeaders(context);
  return {
    pattern: patternOf(context),
    header: (name) => headerValue(headers, name),
  };
}

function patternOf(context: RpcContextLike | undefined): string {
  let pattern: unknown;
  try {
    pattern =
      context?.getPattern?.() ?? context?.getSubject?.() ?? context?.getChannel?.() ?? context?.getTopic?.();
  } catch {
    pattern = undefined;
  }
  const text = typeof pattern === 'string' ? pattern : pattern === undefined ? '-' : safeJson(pattern);
  return text.length > MAX_PATTERN_LENGTH ? `${text.slice(0, MAX_PATTERN_LENGTH)}…` : text;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function readHeaders(context: RpcContextLike | undefined): HeaderSource {
  try {
    return context?.getMetadata?.() ?? context?.getHeaders?.();
  } catch {
    return undefined;
  }
}

/** A header by name, case-insensitively, from a plain record or a `get()`-able one (NATS). */
function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  let value: unknown;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    value = (headers as { get(name: string): unknown }).get(name);
  } else {
    const record = headers as Record<string, unknown>;
    value = record[name];
    if (value === undefined) {
      const lower = name.toLowerCase();
      for (const key of Object.keys(record)) {
        if (key.toLowerCase() === lower) {
          value = record[key];
          break;
        }
      }
    }
  }
  if (Array.isArray(value)) value = value[0];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
