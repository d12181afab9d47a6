/**
 * One client's instruments on one meter: the attempt duration histogram of
 * the HTTP semantic conventions, counters of retries and give-ups, and gauges
 * of the breaker's state and the retry budget's level, read from the
 * client's stats when the meter collects.
 */
import type { BatchObservableResult, Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import type { BreakerState, ClientStats } from '../client-stats.js';
import { ATTRIBUTES, METRICS } from './telemetry.names.js';

/** The buckets the conventions advise for `http.client.request.duration`, in seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The states the breaker gauge has a series for: 1 for the current one, 0 for the others. */
const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half-open', 'isolated'];

export class ClientInstruments {
  /** Seconds of each attempt, failed ones included. */
  readonly duration: Histogram;
  readonly retries: Counter;
  readonly giveUps: Counter;
  readonly #meter: Meter;
  readonly #gauges: ObservableGauge[];
  readonly #observe: (result: BatchObservableResult) => void;

  constructor(meter: Meter, client: string, stats: () => ClientStats) {
    this.#meter = meter;
    this.duration = meter.createHistogram(METRICS.duration, {
      unit: 's',
      description: 'Duration of HTTP client requests.',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.retries = meter.createCounter(METRICS.retries, {
      unit: '{retry}',
      description: 'Retries a client made after a failed attempt.',
    });
    this.giveUps = meter.createCounter(METRICS.giveUps, {
      unit: '{call}',
      description: 'Calls of a client that failed for good, by cause.',
    });
    const breaker = meter.createObservableGauge(METRICS.breakerState, {
      unit: '1',
      description: "The client's circuit breaker: 1 for its current state, 0 for the others.",
    });
    const budget = meter.createObservableGauge(METRICS.budgetTokens, {
      unit: '{token}',
      description: "Tokens in the client's retry budget.",
    });
    this.#gauges = [breaker, budget];
    this.#observe = (result) => {
      const now = stats();
      if (now.breaker !== 'disabled') {
        for (const state of BREAKER_STATES) {
          result.observe(breaker, now.breaker === state ? 1 : 0, {
            [ATTRIBUTES.client]: client,
            [ATTRIBUTES.breakerState]: state,
          });
        }
      }
      if (now.budgetTokens !== null)
        result.observe(budget, now.budgetTokens, { [ATTRIBUTES.client]: client });
    };
    meter.addBatchObservableCallback(this.#observe, this.#gauges);
  }

  /** Stops reporting the gauges (the client is closed, or the app registered another meter provider). */
  detach(): void {
    this.#meter.removeBatchObservableCallback(this.#observe, this.#gauges);
  }
}
