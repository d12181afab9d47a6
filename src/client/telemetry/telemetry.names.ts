/**
 * The names a client's telemetry uses: the OpenTelemetry HTTP semantic
 * conventions where they say something, the library's own (`nestjs_faultline.*`)
 * where they do not.
 */

/** The instrumentation scope of every span and instrument. */
export const INSTRUMENTATION_SCOPE = 'nestjs-faultline';

/** Span and metric attributes. */
export const ATTRIBUTES = Object.freeze({
  method: 'http.request.method',
  methodOriginal: 'http.request.method_original',
  url: 'url.full',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  status: 'http.response.status_code',
  errorType: 'error.type',
  resendCount: 'http.request.resend_count',
  client: 'nestjs_faultline.client.name',
  requestId: 'nestjs_faultline.request_id',
  attempts: 'nestjs_faultline.attempts',
  giveUpCause: 'nestjs_faultline.give_up.cause',
  failureKind: 'nestjs_faultline.failure.kind',
  attempt: 'nestjs_faultline.attempt',
  delayMs: 'nestjs_faultline.retry.delay_ms',
  reason: 'nestjs_faultline.reason',
  breakerState: 'nestjs_faultline.breaker.state',
});

/** Events on a call's span. */
export const EVENTS = Object.freeze({
  retry: 'nestjs_faultline.retry',
  budgetExhausted: 'nestjs_faultline.budget_exhausted',
  breakerRejected: 'nestjs_faultline.breaker_rejected',
  bulkheadRejected: 'nestjs_faultline.bulkhead_rejected',
});

/** Instruments of every client. */
export const METRICS = Object.freeze({
  duration: 'http.client.request.duration',
  retries: 'nestjs_faultline.client.retries',
  giveUps: 'nestjs_faultline.client.give_ups',
  breakerState: 'nestjs_faultline.client.breaker.state',
  budgetTokens: 'nestjs_faultline.client.budget.tokens',
});

/** `error.type` of a call the caller aborted. */
export const ABORTED = 'aborted';
