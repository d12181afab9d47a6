/**
 * A retry budget: a token bucket that successful traffic fills and retries
 * drain, so that retries stay a bounded share of what the upstream handles
 * and a full outage cannot multiply the load. Pure: the clock is passed in.
 */
import type { RetryBudgetOptions } from './api-client.options.js';

/** A retry costs one token. */
const RETRY_COST = 1;

export class RetryBudget {
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly options: RetryBudgetOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(options.ratio >= 0) || !(options.maxTokens >= RETRY_COST) || !(options.minPerSecond >= 0)) {
      throw new Error(
        `Retry budget: ratio and minPerSecond must be >= 0 and maxTokens >= 1 (got ${JSON.stringify(options)}).`,
      );
    }
    this.tokens = options.maxTokens;
    this.refilledAt = now();
  }

  /** A successful attempt: its share goes into the bucket. */
  deposit(): void {
    this.refill();
    this.tokens = Math.min(this.options.maxTokens, this.tokens + this.options.ratio);
  }

  /** Takes the cost of one retry; `false` (and nothing taken) when the budget is spent. */
  tryWithdraw(): boolean {
    this.refill();
    if (this.tokens < RETRY_COST) return false;
    this.tokens -= RETRY_COST;
    return true;
  }

  /** Tokens in the bucket now. */
  get level(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = now - this.refilledAt;
    if (elapsed > 0 && this.options.minPerSecond > 0) {
      this.tokens = Math.min(
        this.options.maxTokens,
        this.tokens + (elapsed / 1000) * this.options.minPerSecond,
      );
    }
    this.refilledAt = now;
  }
}
