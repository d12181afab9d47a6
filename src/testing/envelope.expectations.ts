/**
 * What a test may ask of an error answer: every member optional, each one
 * given must match (strings exactly, or a regular expression, or a test
 * runner's asymmetric matcher such as `expect.any(String)`).
 */
import type { ErrorEntry } from '../core/error-catalog.js';

/** A field error the answer must hold, found by `field` (and `constraint` when given). */
export interface FieldErrorExpectation {
  readonly field: string;
  readonly constraint?: string;
  readonly pointer?: string;
  readonly message?: string | RegExp;
}

/** What both formats can be asked; every member is optional, and what is given must match. */
export interface AnswerExpectation {
  /** The HTTP status. Without it (and without `entry`), any 4xx or 5xx. */
  readonly status?: number;
  /** A catalog entry: its `code`, `reason` and `status` are expected (explicit members win). */
  readonly entry?: Pick<ErrorEntry, 'code' | 'reason' | 'status'>;
  readonly code?: number;
  readonly reason?: string;
  /** Equal to the answer's `details`; `undefined` asks for none. */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * Each one is in the answer's `errors`, and no other field failed (a field's other
   * constraints may be left out). `undefined` or `[]` asks for no field errors.
   */
  readonly errors?: readonly FieldErrorExpectation[];
  readonly requestId?: string | RegExp;
  /** The `Content-Language` of the answer. */
  readonly locale?: string;
  /** The header that echoes the request id (`requestIdHeader` of the module), or `false` to skip it. @default 'X-Request-Id' */
  readonly requestIdHeader?: string | false;
}

/** What `toBeEnvelope` asks of the default envelope. */
export interface EnvelopeExpectation extends AnswerExpectation {
  readonly message?: string | RegExp;
  readonly path?: string;
}

/** What `toBeProblem` asks of RFC 9457 problem details. */
export interface ProblemExpectation extends AnswerExpectation {
  readonly type?: string | RegExp;
  readonly title?: string;
  readonly detail?: string | RegExp;
  readonly instance?: string;
}
