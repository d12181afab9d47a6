import { isAxiosError } from 'axios';
import {
  bulkhead,
  type BulkheadPolicy,
  circuitBreaker,
  type CircuitBreakerPolicy,
  CircuitState,
  handleWhen,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  SamplingBreaker,
} from 'cockatiel';
import { attemptFailure } from './call-state.js';
import type { ClientEvent } from './client-events.js';
import type { BulkheadOptions, CircuitBreakerOptions, RetryBudgetOptions } from './api-client.options.js';
import { RetryBudget } from './retry-budget.js';

/** Breaker states as reported. */
export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated' | 'disabled';

/** What `getStats()` reports of a client. */
export interface ClientStats {
  readonly client: string;
  readonly breaker: BreakerState;
  /** Tokens in the retry budget, or `null` without a budget. */
  readonly budgetTokens: number | null;
  readonly budgetMaxTokens: number | null;
  /** Calls in flight and waiting, with a bulkhead. */
  readonly inFlight: number;
  readonly queued: number;
  /** Since the client was made. */
  readonly totals: Readonly<{
    calls: number;
    attempts: number;
    retries: number;
    failures: number;
    budgetExhausted: number;
    breakerRejections: number;
    bulkheadRejections: number;
  }>;
}

const STATE_NAMES: Readonly<Record<CircuitState, BreakerState>> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * True for an attempt's failure that says the upstream is unwell (network,
 * timeout, 5xx, 408, 429) — not for a 4xx answer or a cancelled call.
 */
export function isUpstreamFault(error: unknown): boolean {
  if (!isAxiosError(error) || error.code === 'ERR_CANCELED') return false;
  // a body that failed after a status validateStatus took is the upstream's fault too
  const status = attemptFailure(error).status;
  return status === undefined || status >= 500 || status === 408 || status === 429;
}

/**
 * A client's protection of its upstream and of the app: the breaker sees
 * every attempt, the budget every retry, the bulkhead every call.
 */
export class OverloadGuard {
  readonly totals = {
    calls: 0,
    attempts: 0,
    retries: 0,
    failures: 0,
    budgetExhausted: 0,
    breakerRejections: 0,
    bulkheadRejections: 0,
  };
  private readonly breaker: CircuitBreakerPolicy | undefined;
  private readonly budget: RetryBudget | undefined;
  private readonly bulkhead: BulkheadPolicy | undefined;
  private readonly bulkheadOptions: BulkheadOptions | false;

  constructor(
    private readonly client: string,
    options: {
      breaker: CircuitBreakerOptions | false;
      budget: RetryBudgetOptions | false;
      bulkhead: BulkheadOptions | false;
      clock?: () => number;
    },
    private readonly emit: (event: ClientEvent) => void,
  ) {
    this.budget = options.budget ? new RetryBudget(options.budget, options.clock) : undefined;
    if (options.breaker) {
      const { threshold, samplingDurationMs, minimumThroughput, breakDurationMs } = options.breaker;
      this.breaker = circuitBreaker(handleWhen(isUpstreamFault), {
        halfOpenAfter: breakDurationMs,
        breaker: new SamplingBreaker({
          threshold,
          duration: samplingDurationMs,
          minimumRps: minimumThroughput / (samplingDurationMs / 1000),
        }),
      });
      this.breaker.onBreak(() => emit({ type: 'breaker-open', client }));
      this.breaker.onHalfOpen(() => emit({ type: 'breaker-half-open', client }));
      this.breaker.onReset(() => emit({ type: 'breaker-close', client }));
    }
    this.bulkheadOptions = options.bulkhead;
    if (options.bulkhead) {
      this.bulkhead = bulkhead(options.bulkhead.maxConcurrent, options.bulkhead.maxQueued ?? 0);
    }
  }

  /** Runs one call within the concurrency limit (throws `BulkheadRejectedError` when full). */
  runCall<T>(call: () => Promise<T>): Promise<T> {
    this.countCall();
    return this.bulkhead ? this.inBulkhead(this.bulkhead, call) : call();
  }

  /** Counts a call that does not pass the bulkhead (one made on the axios instance directly). */
  countCall(): void {
    this.totals.calls++;
  }

  private async inBulkhead<T>(limit: BulkheadPolicy, call: () => Promise<T>): Promise<T> {
    try {
      return await limit.execute(call);
    } catch (error) {
      if (isBulkheadRejectedError(error)) this.totals.bulkheadRejections++;
      throw error;
    }
  }

  /**
   * Runs one attempt through the breaker (throws `BrokenCircuitError` when
   * open, without calling `send`); a healthy answer fills the budget.
   */
  async runAttempt<T>(send: () => Promise<T>): Promise<T> {
    const counted = (): Promise<T> => {
      this.totals.attempts++;
      return send();
    };
    try {
      const result = await (this.breaker ? this.breaker.execute(counted) : counted());
      this.budget?.deposit();
      return result;
    } catch (error) {
      if (isBrokenCircuitError(error)) this.totals.breakerRejections++;
      else if (isUpstreamFault(error)) this.totals.failures++;
      else if (isAxiosError(error) && error.response) this.budget?.deposit();
      throw error;
    }
  }

  /** True while the breaker refuses attempts (a retry would fail at once). */
  get isOpen(): boolean {
    return this.breaker?.state === CircuitState.Open;
  }

  /** Takes one retry from the budget; `false` when it is spent. */
  tryRetry(): boolean {
    if (this.budget && !this.budget.tryWithdraw()) {
      this.totals.budgetExhausted++;
      return false;
    }
    this.totals.retries++;
    return true;
  }

  stats(): ClientStats {
    return {
      client: this.client,
      breaker: this.breaker ? STATE_NAMES[this.breaker.state] : 'disabled',
      budgetTokens: this.budget ? Math.round(this.budget.level * 100) / 100 : null,
      budgetMaxTokens: this.budget ? this.budget.options.maxTokens : null,
      inFlight:
        this.bulkhead && this.bulkheadOptions
          ? this.bulkheadOptions.maxConcurrent - this.bulkhead.executionSlots
          : 0,
      queued:
        this.bulkhead && this.bulkheadOptions
          ? (this.bulkheadOptions.maxQueued ?? 0) - this.bulkhead.queueSlots
          : 0,
      totals: { ...this.totals },
    };
  }
}
