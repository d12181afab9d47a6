/**
 * The policies around a client's calls, in the order they apply, outermost
 * first — as cockatiel's `wrap(bulkhead, timeout, breaker, retry)` reads:
 *
 *   bulkhead → deadline → breaker → budget → retry
 *
 * `run` is the bulkhead around a whole call; `attempt` puts each attempt
 * under the call's deadline and through the breaker, and a healthy answer
 * fills the budget; `admitRetry` lets a retry the policy planned go only
 * while the breaker is closed and the budget pays for it. Every failure is
 * judged by its call's one verdict (`classifyFailure`).
 */
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import {
  bulkhead,
  type BulkheadPolicy,
  circuitBreaker,
  type CircuitBreakerPolicy,
  CircuitState,
  handleWhen,
  SamplingBreaker,
} from 'cockatiel';
import type { BulkheadOptions, CircuitBreakerOptions, RetryBudgetOptions } from './api-client.options.js';
import type { ClientEvent } from './client-events.js';
import { type BreakerState, type ClientStats, noTotals } from './client-stats.js';
import type { OutboundCall } from './outbound-call.js';
import { RetryBudget } from './retry-budget.js';
import type { GiveUpCause } from './retry.policy.js';

/** What a client's policies are made from. */
export interface ResilienceOptions {
  readonly client: string;
  readonly bulkhead: BulkheadOptions | false;
  readonly breaker: CircuitBreakerOptions | false;
  readonly budget: RetryBudgetOptions | false;
  /** The clock the budget refills by (tests move it on); `performance.now` by default. */
  readonly clock?: (() => number) | undefined;
  readonly emit: (event: ClientEvent) => void;
  /** Whether a failed attempt blames the upstream (what the breaker counts): its call's verdict. */
  readonly blamesUpstream: (error: unknown) => boolean;
}

const STATE_NAMES: Readonly<Record<CircuitState, BreakerState>> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** One client's bulkhead, breaker and retry budget, and its totals. */
export class Resilience {
  readonly #totals = noTotals();
  readonly #client: string;
  readonly #bulkheadOptions: BulkheadOptions | false;
  readonly #bulkhead: BulkheadPolicy | undefined;
  readonly #breaker: CircuitBreakerPolicy | undefined;
  readonly #budget: RetryBudget | undefined;

  constructor(options: ResilienceOptions) {
    this.#client = options.client;
    this.#bulkheadOptions = options.bulkhead;
    if (options.bulkhead)
      this.#bulkhead = bulkhead(options.bulkhead.maxConcurrent, options.bulkhead.maxQueued ?? 0);
    if (options.breaker) this.#breaker = breakerOf(options.breaker, options);
    if (options.budget) this.#budget = new RetryBudget(options.budget, options.clock);
  }

  /** bulkhead: one whole call, within the concurrency limit (`BulkheadRejectedError` when full). */
  run<T>(call: OutboundCall, work: () => Promise<T>): Promise<T> {
    this.#totals.calls++;
    return this.#bulkhead ? this.#inBulkhead(this.#bulkhead, call, work) : work();
  }

  /** Counts a call that does not pass the bulkhead (one made on the axios instance directly). */
  countCall(): void {
    this.#totals.calls++;
  }

  /**
   * deadline → breaker → budget: one attempt of `call`. Past the deadline
   * none is made; its timeout ends by the deadline; the breaker refuses it
   * while open (`BrokenCircuitError`, without sending) and counts its
   * failure; a healthy answer fills the budget.
   */
  attempt(
    call: OutboundCall,
    config: InternalAxiosRequestConfig,
    transport: AxiosAdapter,
  ): Promise<AxiosResponse> {
    if (call.remainingMs() <= 0) return Promise.reject(call.deadlineError(config));
    config.timeout = call.boundAttemptTimeout(config.timeout);
    call.forwardDeadline(config);
    return this.#throughBreaker(call, () => {
      this.#totals.attempts++;
      call.attempted();
      return transport(config);
    });
  }

  /** retry: may a retry the policy planned go? The cause it may not, else `undefined` (and it is paid for). */
  admitRetry(): GiveUpCause | undefined {
    if (this.#breaker?.state === CircuitState.Open) return 'breaker-open';
    if (this.#budget && !this.#budget.tryWithdraw()) {
      this.#totals.budgetExhausted++;
      return 'budget-exhausted';
    }
    this.#totals.retries++;
    return undefined;
  }

  stats(): ClientStats {
    const limit = this.#bulkheadOptions;
    const slots = this.#bulkhead;
    return {
      client: this.#client,
      breaker: this.#breaker ? STATE_NAMES[this.#breaker.state] : 'disabled',
      budgetTokens: this.#budget ? Math.round(this.#budget.level * 100) / 100 : null,
      budgetMaxTokens: this.#budget ? this.#budget.options.maxTokens : null,
      inFlight: slots && limit ? limit.maxConcurrent - slots.executionSlots : 0,
      queued: slots && limit ? (limit.maxQueued ?? 0) - slots.queueSlots : 0,
      totals: { ...this.#totals },
    };
  }

  async #inBulkhead<T>(limit: BulkheadPolicy, call: OutboundCall, work: () => Promise<T>): Promise<T> {
    try {
      return await limit.execute(work);
    } catch (error) {
      if (call.verdictOf(error).blame === 'bulkhead') this.#totals.bulkheadRejections++;
      throw error;
    }
  }

  async #throughBreaker(call: OutboundCall, send: () => Promise<AxiosResponse>): Promise<AxiosResponse> {
    try {
      const response = await (this.#breaker ? this.#breaker.execute(send) : send());
      this.#budget?.deposit();
      return response;
    } catch (error) {
      const { blame } = call.verdictOf(error);
      if (blame === 'breaker') this.#totals.breakerRejections++;
      else if (blame === 'upstream') this.#totals.failures++;
      else if (blame === 'answer') this.#budget?.deposit();
      throw error;
    }
  }
}

/** A breaker that counts the attempts whose verdict blames the upstream, reporting its changes. */
function breakerOf(
  settings: CircuitBreakerOptions,
  { client, emit, blamesUpstream }: ResilienceOptions,
): CircuitBreakerPolicy {
  const { threshold, samplingDurationMs, minimumThroughput, breakDurationMs } = settings;
  const breaker = circuitBreaker(handleWhen(blamesUpstream), {
    halfOpenAfter: breakDurationMs,
    breaker: new SamplingBreaker({
      threshold,
      duration: samplingDurationMs,
      minimumRps: minimumThroughput / (samplingDurationMs / 1000),
    }),
  });
  breaker.onBreak(() => emit({ type: 'breaker-open', client }));
  breaker.onHalfOpen(() => emit({ type: 'breaker-half-open', client }));
  breaker.onReset(() => emit({ type: 'breaker-close', client }));
  return breaker;
}
