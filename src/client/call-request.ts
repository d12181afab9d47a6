/**
 * What a call asks for (its request, the headers the client adds to it, its
 * URL) and what the calls of one client share.
 */
import type { Logger } from '@nestjs/common';
import type { AxiosHeaders, AxiosInstance, AxiosRequestConfig } from 'axios';
import { randomUUID } from 'node:crypto';
import { currentRequestContext, type RequestContext } from '../core/request-context.js';
import type { ApiRequestConfig, ResolvedApiClientOptions } from './api-client.options.js';
import type { Resilience } from './resilience.js';
import type { ClientTelemetry } from './telemetry/client-telemetry.js';

const IDEMPOTENCY_KEY = 'Idempotency-Key';

/** What a call may set over the client's options. */
export type CallSettings = Pick<
  ApiRequestConfig,
  'retry' | 'deadlineMs' | 'requestDeadline' | 'idempotencyKey' | 'timeout'
>;

/** What every call of one client shares. */
export interface CallContext {
  readonly settings: ResolvedApiClientOptions;
  readonly resilience: Resilience;
  readonly logger: Logger;
  readonly instance: AxiosInstance;
  /** The client's own headers carry an `Idempotency-Key` for every call. */
  readonly defaultIdempotencyKey: boolean;
  /** Spans, trace context and metrics: none with `telemetry: false` or without `@opentelemetry/api`. */
  readonly telemetry: ClientTelemetry | undefined;
}

/** One call as asked for: its `headers` get the `Idempotency-Key` and request id. */
export interface CallRequest {
  readonly method: string;
  readonly url: string | undefined;
  /** The axios config its URL is worked out from, when a log, event or failure needs it. */
  readonly target: AxiosRequestConfig | undefined;
  readonly headers: AxiosHeaders;
  readonly data: unknown;
  readonly settings: CallSettings | undefined;
}

/**
 * Sets the call's `Idempotency-Key` on `headers` — the one asked for, or a
 * new UUID when asked for or when the client makes them for POST and PATCH —
 * and returns it (`undefined`: none set).
 */
export function setIdempotencyKey(
  method: string,
  requested: string | true | undefined,
  headers: AxiosHeaders,
  generate: boolean,
): string | undefined {
  const key = idempotencyKeyOf(method, requested, headers, generate);
  if (key) headers.set(IDEMPOTENCY_KEY, key);
  return key;
}

export function hasIdempotencyKey(headers: AxiosHeaders): boolean {
  return headers.has(IDEMPOTENCY_KEY);
}

/** Forwards the id of the inbound request being served in `header`, unless set; returns the id. */
export function forwardRequestId(
  headers: AxiosHeaders,
  header: string | false,
  inbound: RequestContext | undefined = currentRequestContext(),
): string | undefined {
  const requestId = inbound?.requestId;
  if (requestId && header && !headers.has(header)) headers.set(header, requestId);
  return requestId;
}

function idempotencyKeyOf(
  method: string,
  requested: string | true | undefined,
  headers: AxiosHeaders,
  generate: boolean,
): string | undefined {
  if (typeof requested === 'string') return requested;
  if (headers.has(IDEMPOTENCY_KEY)) return undefined;
  if (requested === true || (generate && (method === 'POST' || method === 'PATCH'))) return randomUUID();
  return undefined;
}

/**
 * A call's URL as axios builds it, for logs, events and failures; without its
 * params when they do not serialize (the call fails saying why).
 */
export function uriOf(instance: AxiosInstance, config: AxiosRequestConfig): string {
  try {
    return instance.getUri(config);
  } catch {
    return instance.getUri({ ...config, params: undefined });
  }
}
