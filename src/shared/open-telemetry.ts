/**
 * `@opentelemetry/api`, an optional peer: loaded on first use, once, and
 * only if the app has it. Without it, nothing of the library's telemetry runs.
 */
import { createRequire } from 'node:module';
import type * as OpenTelemetryApi from '@opentelemetry/api';

/** The OpenTelemetry API as the library uses it. */
export type OpenTelemetry = typeof OpenTelemetryApi;

let loaded: OpenTelemetry | null | undefined;

/**
 * The app's `@opentelemetry/api`, or `undefined` when it is not installed.
 * Required (not imported), so that loading it stays synchronous and the
 * library stays loadable by `require()`; the API keeps its providers on
 * `globalThis`, so this copy sees what the app registered through its own.
 */
export function openTelemetry(): OpenTelemetry | undefined {
  if (loaded === undefined) loaded = load();
  return loaded ?? undefined;
}

function load(): OpenTelemetry | null {
  try {
    const api = createRequire(import.meta.url)('@opentelemetry/api') as Partial<OpenTelemetry>;
    return typeof api.trace?.getTracerProvider === 'function' &&
      typeof api.metrics?.getMeterProvider === 'function'
      ? (api as OpenTelemetry)
      : null;
  } catch {
    return null;
  }
}
