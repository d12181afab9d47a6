/**
 * The failure of a request on its OpenTelemetry span: the span of the
 * server (or of the message, resolver, gateway) that was active when the
 * filter answered. Nothing is done without `@opentelemetry/api`, nor without a
 * recording span.
 */
import { openTelemetry } from '../shared/open-telemetry.js';

/** The attributes the filter sets on the active span. */
export const SERVER_SPAN_ATTRIBUTES = Object.freeze({
  errorType: 'error.type',
  code: 'nestjs_faultline.error.code',
  status: 'nestjs_faultline.error.status',
  requestId: 'nestjs_faultline.request_id',
});

/**
 * Records an answered failure on the active span: `error.type` is the
 * envelope's `reason`, with its `code`, the status answered and the request
 * id; a server fault (5xx) sets the span's status to ERROR, a 4xx leaves it
 * unset (the request was served as it should).
 */
export function recordFailureOnSpan(
  entry: { readonly reason: string; readonly code: number },
  status: number,
  serverFault: boolean,
  requestId: string,
): void {
  const api = openTelemetry();
  if (!api) return;
  const span = api.trace.getActiveSpan();
  if (!span?.isRecording()) return;
  span.setAttributes({
    [SERVER_SPAN_ATTRIBUTES.errorType]: entry.reason,
    [SERVER_SPAN_ATTRIBUTES.code]: entry.code,
    [SERVER_SPAN_ATTRIBUTES.status]: status,
    [SERVER_SPAN_ATTRIBUTES.requestId]: requestId,
  });
  if (serverFault) span.setStatus({ code: api.SpanStatusCode.ERROR, message: entry.reason });
}
