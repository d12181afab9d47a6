/**
 * The time left of a deadline as it travels between services in a header.
 * Relative, not a point in time, so the clocks of two hosts need not agree.
 *
 * - `grpc-timeout` carries gRPC's format (as gRPC-over-HTTP gateways and
 *   Envoy read it): at most 8 digits and a unit, `H` hours, `M` minutes,
 *   `S` seconds, `m` milliseconds, `u` microseconds, `n` nanoseconds
 *   (`1500m`);
 * - any other header carries whole milliseconds (`1500`), as Envoy's
 *   `x-envoy-expected-rq-timeout-ms` does.
 *
 * Either form is read from any header name.
 */

/** The header a deadline travels in unless told otherwise. */
export const GRPC_TIMEOUT_HEADER = 'grpc-timeout';

const UNIT_MS: Readonly<Record<string, number>> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};
const GRPC_FORM = /^(\d{1,8})([HMSmun])$/;
const MILLISECONDS_FORM = /^\d{1,10}$/;
/** gRPC's largest value of one unit. */
const MAX_GRPC_VALUE = 99_999_999;

/**
 * The milliseconds a header value grants (`1500m`, `2S`, `1500`);
 * `undefined` for anything else (a list, a sign, a fraction, spaces, an
 * unknown unit, too many digits), which is then ignored.
 */
export function parseDeadlineHeader(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const grpc = GRPC_FORM.exec(value);
  if (grpc) return Number(grpc[1]) * UNIT_MS[grpc[2]!]!;
  return MILLISECONDS_FORM.test(value) ? Number(value) : undefined;
}

/**
 * `ms` (whole, at least 0) written for `header`: gRPC's form for
 * `grpc-timeout` (in seconds past gRPC's 8 digits of milliseconds, rounded
 * down), whole milliseconds for any other header.
 */
export function formatDeadlineHeader(header: string, ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  if (header.length !== GRPC_TIMEOUT_HEADER.length || header.toLowerCase() !== GRPC_TIMEOUT_HEADER) {
    return String(whole);
  }
  if (whole <= MAX_GRPC_VALUE) return `${whole}m`;
  return `${Math.min(MAX_GRPC_VALUE, Math.floor(whole / 1000))}S`;
}
