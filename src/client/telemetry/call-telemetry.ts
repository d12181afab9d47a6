/**
 * One call's telemetry: its span (INTERNAL, the logical call), a CLIENT span
 * per attempt as the HTTP semantic conventions describe it, the trace
 * context on each attempt's headers, and its measurements.
 */
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { OpenTelemetry } from '../../shared/open-telemetry.js';
import type { CallFacts, RetryEvent } from '../client-events.js';
import type { Blame } from '../failure-verdict.js';
import type { GiveUpCause } from '../retry.policy.js';
import type { UpstreamException } from '../upstream.exception.js';
import type { ClientInstruments } from './client-instruments.js';
import { attemptErrorType, type HttpTarget, httpTarget } from './http-attributes.js';
import { ABORTED, ATTRIBUTES, EVENTS } from './telemetry.names.js';

export class CallTelemetry {
  readonly #api: OpenTelemetry;
  readonly #tracer: Tracer | undefined;
  readonly #instruments: ClientInstruments | undefined;
  readonly #client: string;
  readonly #target: HttpTarget;
  /** The call's span, once `traced` started it (calls made on `axiosRef` directly have none). */
  #span: Span | undefined = undefined;
  #spanContext: Context | undefined = undefined;
  #attempts = 0;
  #lastStatus: number | undefined = undefined;
  #lastErrorType: string | undefined = undefined;
  /** Trace context headers the caller set: they are kept, never overwritten. */
  #callerHeaders: Set<string> | undefined = undefined;

  constructor(
    api: OpenTelemetry,
    facts: CallFacts,
    tracer: Tracer | undefined,
    instruments: ClientInstruments | undefined,
  ) {
    this.#api = api;
    this.#tracer = tracer;
    this.#instruments = instruments;
    this.#client = facts.client;
    this.#target = httpTarget(facts.client, facts.method, facts.url, facts.requestId);
  }

  /**
   * Runs the whole call (`work`) under its span, which a success ends; a
   * failure ends it in `failed`, `threw` or `aborted`.
   */
  traced<T>(work: () => Promise<T>): Promise<T> {
    if (!this.#tracer) return work();
    const parent = this.#api.context.active();
    this.#span = this.#tracer.startSpan(
      `ApiClient:${this.#client} ${this.#target.spanName}`,
      { kind: this.#api.SpanKind.INTERNAL, attributes: this.#target.spanAttributes },
      parent,
    );
    this.#spanContext = this.#api.trace.setSpan(parent, this.#span);
    return this.#api.context.with(this.#spanContext, work).then((result) => {
      this.#end(this.#lastStatus === undefined ? {} : { [ATTRIBUTES.status]: this.#lastStatus });
      return result;
    });
  }

  /** `transport` with a span and a measurement around each attempt it sends. */
  sending(transport: AxiosAdapter): AxiosAdapter {
    return (config) => this.#send(config, transport);
  }

  /** A retry is about to wait: counted (with the failed attempt's `error.type`), and an event on the call's span. */
  retrying(event: RetryEvent): void {
    this.#instruments?.retries.add(1, this.#measured(undefined, this.#lastErrorType));
    this.#span?.addEvent(EVENTS.retry, {
      [ATTRIBUTES.attempt]: event.attempt,
      [ATTRIBUTES.delayMs]: event.delayMs,
      [ATTRIBUTES.reason]: event.reason,
    });
  }

  /** A retry the policy planned was refused: by the budget, or by the open breaker. */
  refused(cause: GiveUpCause, reason: string): void {
    const name = cause === 'budget-exhausted' ? EVENTS.budgetExhausted : EVENTS.breakerRejected;
    this.#span?.addEvent(name, { [ATTRIBUTES.attempt]: this.#attempts, [ATTRIBUTES.reason]: reason });
  }

  /** The call failed for good with `failure`. */
  failed(failure: UpstreamException, cause: GiveUpCause, blame: Blame): void {
    if (blame === 'breaker' || blame === 'bulkhead') {
      const name = blame === 'breaker' ? EVENTS.breakerRejected : EVENTS.bulkheadRejected;
      this.#span?.addEvent(name, {
        [ATTRIBUTES.attempt]: this.#attempts,
        [ATTRIBUTES.reason]: failure.reason,
      });
    }
    const errorType = failure.entry?.reason ?? failure.name;
    this.#instruments?.giveUps.add(1, {
      ...this.#measured(undefined, errorType),
      [ATTRIBUTES.giveUpCause]: cause,
    });
    const ended: Attributes = {
      [ATTRIBUTES.errorType]: errorType,
      [ATTRIBUTES.giveUpCause]: cause,
      [ATTRIBUTES.failureKind]: failure.kind,
    };
    if (failure.upstreamStatus !== undefined) ended[ATTRIBUTES.status] = failure.upstreamStatus;
    this.#end(ended, failure.message);
  }

  /**
   * The call failed with no upstream failure (a mistake in the call, a
   * response interceptor's error): its class only, as its message may hold
   * what a trace should not (an unredacted URL, an app's data).
   */
  threw(error: unknown): void {
    const name = (error as { name?: unknown } | null)?.name;
    const errorType = typeof name === 'string' && name !== '' ? name : '_OTHER';
    this.#end({ [ATTRIBUTES.errorType]: errorType }, errorType);
  }

  /** The caller aborted the call. */
  aborted(): void {
    this.#end({ [ATTRIBUTES.errorType]: ABORTED }, 'aborted by the caller');
  }

  async #send(config: InternalAxiosRequestConfig, transport: AxiosAdapter): Promise<AxiosResponse> {
    const resendCount = this.#attempts++;
    const span = this.#tracer ? this.#attemptSpan(resendCount) : undefined;
    const context = span && this.#api.trace.setSpan(this.#spanContext ?? this.#api.context.active(), span);
    if (context) this.#inject(context, config);
    const startedAt = performance.now();
    try {
      const response = await (context
        ? this.#api.context.with(context, transport, undefined, config)
        : transport(config));
      const status = response.status;
      this.#attempted(span, startedAt, status, status >= 400 ? String(status) : undefined);
      return response;
    } catch (error) {
      const status = (error as { response?: { status?: number } }).response?.status;
      this.#attempted(span, startedAt, status, attemptErrorType(error));
      throw error;
    }
  }

  #attemptSpan(resendCount: number): Span {
    const attributes: Attributes = { ...this.#target.spanAttributes };
    if (resendCount > 0) attributes[ATTRIBUTES.resendCount] = resendCount;
    return this.#tracer!.startSpan(
      this.#target.spanName,
      { kind: this.#api.SpanKind.CLIENT, attributes },
      this.#spanContext ?? this.#api.context.active(),
    );
  }

  /** The attempt span's context on the attempt's headers, through the registered propagator. */
  #inject(context: Context, config: InternalAxiosRequestConfig): void {
    const fields: Record<string, string> = {};
    this.#api.propagation.inject(context, fields);
    const headers = config.headers;
    this.#callerHeaders ??= new Set(Object.keys(fields).filter((name) => headers.has(name)));
    for (const [name, value] of Object.entries(fields)) {
      if (!this.#callerHeaders.has(name)) headers.set(name, value);
    }
  }

  #attempted(
    span: Span | undefined,
    startedAt: number,
    status: number | undefined,
    errorType: string | undefined,
  ): void {
    this.#lastStatus = status;
    this.#lastErrorType = errorType;
    this.#instruments?.duration.record(
      (performance.now() - startedAt) / 1000,
      this.#measured(status, errorType),
    );
    if (!span) return;
    if (status !== undefined) span.setAttribute(ATTRIBUTES.status, status);
    if (errorType !== undefined) {
      span.setAttribute(ATTRIBUTES.errorType, errorType);
      span.setStatus({ code: this.#api.SpanStatusCode.ERROR });
    }
    span.end();
  }

  #measured(status: number | undefined, errorType: string | undefined): Attributes {
    const attributes: Attributes = { ...this.#target.metricAttributes };
    if (status !== undefined) attributes[ATTRIBUTES.status] = status;
    if (errorType !== undefined) attributes[ATTRIBUTES.errorType] = errorType;
    return attributes;
  }

  #end(attributes: Attributes, error?: string): void {
    const span = this.#span;
    if (!span) return;
    this.#span = undefined;
    span.setAttributes({ ...attributes, [ATTRIBUTES.attempts]: this.#attempts });
    if (error !== undefined) span.setStatus({ code: this.#api.SpanStatusCode.ERROR, message: error });
    span.end();
  }
}
