/** Why no further attempt is made. */
export type GiveUpCause =
  | 'not-transient'
  | 'not-replayable'
  | 'exhausted'
  | 'deadline'
  | 'stream-body'
  | 'budget-exhausted'
  | 'breaker-open';

/** Facts every event about one call carries (the fields of the retry log line). */
export interface CallFacts {
  readonly client: string;
  readonly method: string;
  /** Redacted: no credentials, secret-looking query values masked. */
  readonly url: string;
  /** The inbound request id being served, if any. */
  readonly requestId: string | undefined;
}

/** One retry, as logged and as given to `onRetry`. */
export interface RetryEvent extends CallFacts {
  /** The attempt about to be made (2 for the first retry). */
  readonly attempt: number;
  /** The most attempts this call may make. */
  readonly maxAttempts: number;
  readonly delayMs: number;
  /** Why the previous attempt failed: `status 503`, `ECONNRESET`, `timeout`. */
  readonly reason: string;
}

/** What a client reports through `onEvent`, for metrics and alerts. */
export type ClientEvent =
  /** An attempt is sent to the network. */
  | (CallFacts & { readonly type: 'attempt'; readonly attempt: number; readonly maxAttempts: number })
  | (RetryEvent & { readonly type: 'retry' })
  /** The call failed for good. */
  | (CallFacts & {
      readonly type: 'give-up';
      readonly attempts: number;
      readonly reason: string;
      readonly cause: GiveUpCause;
    })
  /** A retry was refused: the retry budget is spent. */
  | (CallFacts & { readonly type: 'budget-exhausted'; readonly attempt: number; readonly reason: string })
  /** A call was refused: the concurrency limit is full. */
  | (CallFacts & { readonly type: 'bulkhead-rejected' })
  | { readonly type: 'breaker-open' | 'breaker-half-open' | 'breaker-close'; readonly client: string };
