/**
 * A client's OpenTelemetry: what each call reports to, found through the
 * global providers of `@opentelemetry/api` when the app has it. While no SDK
 * is registered a call costs two look-ups and makes no span.
 */
import type { Meter, MeterProvider, Tracer, TracerProvider } from '@opentelemetry/api';
import { type OpenTelemetry, openTelemetry } from '../../shared/open-telemetry.js';
import type { CallFacts } from '../client-events.js';
import type { ClientStats } from '../client-stats.js';
import { CallTelemetry } from './call-telemetry.js';
import { ClientInstruments } from './client-instruments.js';
import { INSTRUMENTATION_SCOPE } from './telemetry.names.js';

type Delegating = TracerProvider & { getDelegate?: () => TracerProvider };

export class ClientTelemetry {
  readonly #api: OpenTelemetry;
  readonly #client: string;
  readonly #stats: () => ClientStats;
  /** What the global tracer provider delegates to while none is registered. */
  readonly #noTracerProvider: TracerProvider;
  readonly #noMeter: Meter;
  #tracerProvider: TracerProvider | undefined = undefined;
  #tracer: Tracer | undefined = undefined;
  #meterProvider: MeterProvider | undefined = undefined;
  #instruments: ClientInstruments | undefined = undefined;
  #closed = false;

  private constructor(api: OpenTelemetry, client: string, stats: () => ClientStats) {
    this.#api = api;
    this.#client = client;
    this.#stats = stats;
    this.#noTracerProvider = new api.ProxyTracerProvider().getDelegate();
    this.#noMeter = api.createNoopMeter();
    // the gauges report from now on, calls or not
    this.#currentInstruments();
  }

  /** The telemetry of client `name` (`stats` tells its breaker and budget), or none without the API. */
  static of(name: string, stats: () => ClientStats): ClientTelemetry | undefined {
    const api = openTelemetry();
    return api && new ClientTelemetry(api, name, stats);
  }

  /** A call's telemetry, or `undefined` when neither a tracer nor a meter provider is registered. */
  begin(call: { readonly facts: CallFacts }): CallTelemetry | undefined {
    const tracer = this.#currentTracer();
    const instruments = this.#currentInstruments();
    if (!tracer && !instruments) return undefined;
    return new CallTelemetry(this.#api, call.facts, tracer, instruments);
  }

  /** Stops the gauges of a closed client. */
  close(): void {
    this.#closed = true;
    this.#instruments?.detach();
    this.#instruments = undefined;
  }

  /** The tracer of the registered provider; none while only the API's no-op one is there. */
  #currentTracer(): Tracer | undefined {
    const global = this.#api.trace.getTracerProvider() as Delegating;
    const provider = global.getDelegate?.() ?? global;
    if (provider !== this.#tracerProvider) {
      this.#tracerProvider = provider;
      this.#tracer =
        provider === this.#noTracerProvider ? undefined : provider.getTracer(INSTRUMENTATION_SCOPE);
    }
    return this.#tracer;
  }

  /** The instruments on the registered meter provider's meter, made again when another is registered. */
  #currentInstruments(): ClientInstruments | undefined {
    const provider = this.#api.metrics.getMeterProvider();
    if (provider !== this.#meterProvider && !this.#closed) {
      this.#meterProvider = provider;
      this.#instruments?.detach();
      const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
      this.#instruments =
        meter === this.#noMeter ? undefined : new ClientInstruments(meter, this.#client, this.#stats);
    }
    return this.#instruments;
  }
}
