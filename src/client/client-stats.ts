/** What `ApiClient.getStats()` reports, and the totals behind it. */

/** Breaker states as reported. */
export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated' | 'disabled';

/** Counts since a client was made. */
export interface ClientTotals {
  calls: number;
  attempts: number;
  retries: number;
  failures: number;
  budgetExhausted: number;
  breakerRejections: number;
  bulkheadRejections: number;
}

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
  readonly totals: Readonly<ClientTotals>;
}

/** Totals at zero. */
export function noTotals(): ClientTotals {
  return {
    calls: 0,
    attempts: 0,
    retries: 0,
    failures: 0,
    budgetExhausted: 0,
    breakerRejections: 0,
    bulkheadRejections: 0,
  };
}
