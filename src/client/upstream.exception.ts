import { brand } from '../core/brand.js';
import { DomainException } from '../core/domain.exception.js';
import { BuiltInErrors, type ErrorEntry } from '../core/error-catalog.js';

/**
 * How an outbound call finally failed:
 * - `status`: the upstream answered with an error status (502)
 * - `network`: reset, refused, TLS or another transport error (502)
 * - `timeout`: the last attempt ran out of time (504)
 * - `deadline`: the call's deadline passed, or a wait would have passed it (504)
 * - `unavailable`: the client refused to call (breaker open, budget empty, full) (503)
 */
export type UpstreamFailureKind = 'status' | 'network' | 'timeout' | 'deadline' | 'unavailable';

const ENTRY_OF: Readonly<Record<UpstreamFailureKind, ErrorEntry>> = {
  status: BuiltInErrors.UPSTREAM_ERROR,
  network: BuiltInErrors.UPSTREAM_ERROR,
  timeout: BuiltInErrors.UPSTREAM_TIMEOUT,
  deadline: BuiltInErrors.UPSTREAM_TIMEOUT,
  unavailable: BuiltInErrors.UPSTREAM_UNAVAILABLE,
};

/** Facts of a failed outbound call. */
export interface UpstreamFailure {
  readonly kind: UpstreamFailureKind;
  /** Name of the client that made the call. */
  readonly client: string;
  readonly method: string;
  /** The URL with credentials removed and secret-looking query values masked. */
  readonly url: string;
  /** The upstream's status, when it answered. */
  readonly upstreamStatus?: number;
  /** Attempts sent to the network (0 when the client refused to call). */
  readonly attempts: number;
  /** Milliseconds from the call to its failure, waits included. */
  readonly elapsedMs: number;
  /** Why the last attempt failed and why no other was made. */
  readonly reason: string;
  /** The last attempt's error (an AxiosError, with the upstream's response). Logged, never sent. */
  readonly cause?: unknown;
}

/**
 * The final failure of an {@link ApiClient} call. Uncaught, it answers 502
 * `UPSTREAM_ERROR`, 504 `UPSTREAM_TIMEOUT` or 503 `UPSTREAM_UNAVAILABLE`;
 * the redacted URL is in the log only, the upstream's body nowhere.
 */
export class UpstreamException extends DomainException {
  override readonly name: string = 'UpstreamException';
  readonly kind: UpstreamFailureKind;
  readonly client: string;
  readonly method: string;
  readonly url: string;
  readonly upstreamStatus: number | undefined;
  readonly attempts: number;
  readonly elapsedMs: number;
  readonly reason: string;

  constructor(failure: UpstreamFailure) {
    super(ENTRY_OF[failure.kind], { cause: failure.cause });
    this.kind = failure.kind;
    this.client = failure.client;
    this.method = failure.method;
    this.url = failure.url;
    this.upstreamStatus = failure.upstreamStatus;
    this.attempts = failure.attempts;
    this.elapsedMs = failure.elapsedMs;
    this.reason = failure.reason;
    const status = failure.upstreamStatus === undefined ? '' : ` with status ${failure.upstreamStatus}`;
    this.message =
      `${failure.method} ${failure.url} failed${status} after ${failure.attempts} attempt(s) ` +
      `in ${Math.round(failure.elapsedMs)}ms: ${failure.reason}`;
  }
}

/** Type guard for {@link UpstreamException}, also for one made by another copy of the package. */
export const isUpstreamException = brand(UpstreamException, 'UpstreamException');
