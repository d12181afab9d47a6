import { describe, it, expect } from 'vitest';
import * as fc from 'fast-check';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './api-client.options.js';
import {
  TRANSIENT_NETWORK_CODES,
  backoffDelay,
  failureReason,
  isReplayable,
  isTransient,
  parseRetryAfter,
  planRetry,
  type RetryInput,
} from './retry.policy.js';

const P = DEFAULT_RETRY_POLICY;
const NOW = Date.parse('2026-03-01T12:00:00Z');

function policy(extra: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...extra };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('DEFAULT_RETRY_POLICY', () => {
  it('holds the documented defaults', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({
      retries: 3,
      baseDelayMs: 200,
      maxDelayMs: 5000,
      maxRetryAfterMs: 30_000,
      retryOnStatus: [408, 429, 500, 502, 503, 504],
      retryOnDnsNotFound: false,
      retryNonIdempotent: false,
    });
  });

  it('is frozen, its status list included', () => {
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY.retryOnStatus)).toBe(true);
  });
});

describe('TRANSIENT_NETWORK_CODES', () => {
  it('holds exactly the transient transport errors', () => {
    expect([...TRANSIENT_NETWORK_CODES].toSorted()).toEqual([
      'EAI_AGAIN',
      'ECONNREFUSED',
      'ECONNRESET',
      'EPIPE',
      'ETIMEDOUT',
    ]);
  });

  it('does not hold ENOTFOUND, which has its own switch', () => {
    expect(TRANSIENT_NETWORK_CODES.has('ENOTFOUND')).toBe(false);
  });
});

describe('failureReason', () => {
  it('names the status when the upstream answered', () => {
    expect(failureReason({ status: 503 })).toBe('status 503');
  });

  it('prefers the status over every other fact', () => {
    expect(failureReason({ status: 429, code: 'ERR_BAD_RESPONSE', timedOut: true, canceled: true })).toBe(
      'status 429',
    );
  });

  it('says canceled before timeout', () => {
    expect(failureReason({ canceled: true, timedOut: true, code: 'ECONNABORTED' })).toBe('canceled');
  });

  it('says timeout before the code', () => {
    expect(failureReason({ timedOut: true, code: 'ECONNABORTED' })).toBe('timeout');
  });

  it('says body cut off rather than the code', () => {
    expect(failureReason({ code: 'ERR_BAD_RESPONSE', cutOff: true })).toBe('body cut off');
  });

  it('names the code of a transport error', () => {
    expect(failureReason({ code: 'ECONNRESET' })).toBe('ECONNRESET');
  });

  it('falls back to unknown error', () => {
    expect(failureReason({})).toBe('unknown error');
  });
});

describe('isTransient', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries status %i', (status) => {
    expect(isTransient({ status }, P)).toBe(true);
  });

  it.each([501, 505, 507, 511])('does not retry status %i', (status) => {
    expect(isTransient({ status }, P)).toBe(false);
  });

  it('retries no other 4xx than 408 and 429', () => {
    const retried = range(400, 499).filter((status) => isTransient({ status }, P));
    expect(retried).toEqual([408, 429]);
  });

  it('does not retry 1xx-3xx statuses', () => {
    const retried = [...range(100, 103), ...range(200, 206), ...range(300, 308)].filter((status) =>
      isTransient({ status }, P),
    );
    expect(retried).toEqual([]);
  });

  it('follows a custom status list', () => {
    const custom = policy({ retryOnStatus: [418] });
    expect(isTransient({ status: 418 }, custom)).toBe(true);
    expect(isTransient({ status: 503 }, custom)).toBe(false);
  });

  it('decides by the status even when a code is present', () => {
    expect(isTransient({ status: 404, code: 'ECONNRESET' }, P)).toBe(false);
    expect(isTransient({ status: 503, code: 'ERR_BAD_RESPONSE' }, P)).toBe(true);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'])('retries %s', (code) => {
    expect(isTransient({ code }, P)).toBe(true);
  });

  it('retries an attempt timeout', () => {
    expect(isTransient({ timedOut: true }, P)).toBe(true);
    expect(isTransient({ timedOut: true, code: 'ECONNABORTED' }, P)).toBe(true);
  });

  it('does not retry ECONNABORTED that was not a timeout', () => {
    expect(isTransient({ code: 'ECONNABORTED' }, P)).toBe(false);
  });

  it.each([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  ])('never retries the TLS error %s', (code) => {
    expect(isTransient({ code }, P)).toBe(false);
    expect(isTransient({ code }, policy({ retryOnDnsNotFound: true, retryNonIdempotent: true }))).toBe(false);
  });

  it('never retries a canceled call, whatever else is true', () => {
    expect(isTransient({ canceled: true }, P)).toBe(false);
    expect(isTransient({ canceled: true, timedOut: true }, P)).toBe(false);
    expect(isTransient({ canceled: true, code: 'ECONNRESET' }, P)).toBe(false);
    expect(isTransient({ canceled: true, status: 503 }, P)).toBe(false);
  });

  it('retries a body cut off after its headers, as a reset', () => {
    expect(isTransient({ code: 'ERR_BAD_RESPONSE', cutOff: true }, P)).toBe(true);
    expect(isTransient({ code: 'ERR_BAD_RESPONSE' }, P)).toBe(false);
  });

  it('decides by a rejected status before a body cut off', () => {
    expect(isTransient({ status: 404, cutOff: true }, P)).toBe(false);
  });

  it('retries ENOTFOUND only with retryOnDnsNotFound', () => {
    expect(isTransient({ code: 'ENOTFOUND' }, P)).toBe(false);
    expect(isTransient({ code: 'ENOTFOUND' }, policy({ retryOnDnsNotFound: true }))).toBe(true);
  });

  it('does not retry an unknown code or a failure without facts', () => {
    expect(isTransient({ code: 'ERR_SOMETHING' }, P)).toBe(false);
    expect(isTransient({}, P)).toBe(false);
  });
});

describe('isReplayable', () => {
  const reset = { code: 'ECONNRESET' };

  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])('replays %s', (method) => {
    expect(isReplayable(method, reset, P, false)).toBe(true);
  });

  it('reads the method case-insensitively', () => {
    expect(isReplayable('get', reset, P, false)).toBe(true);
    expect(isReplayable('Delete', reset, P, false)).toBe(true);
  });

  it.each(['POST', 'PATCH', 'post'])('does not replay %s by default', (method) => {
    expect(isReplayable(method, reset, P, false)).toBe(false);
    expect(isReplayable(method, { status: 503 }, P, false)).toBe(false);
    expect(isReplayable(method, { timedOut: true }, P, false)).toBe(false);
  });

  it.each(['POST', 'PATCH'])('replays %s with an idempotency key', (method) => {
    expect(isReplayable(method, reset, P, true)).toBe(true);
  });

  it.each(['POST', 'PATCH'])('replays %s with retryNonIdempotent', (method) => {
    expect(isReplayable(method, reset, policy({ retryNonIdempotent: true }), false)).toBe(true);
  });

  it.each(['POST', 'PATCH'])('replays %s when the connection was refused', (method) => {
    expect(isReplayable(method, { code: 'ECONNREFUSED' }, P, false)).toBe(true);
  });
});

describe('backoffDelay', () => {
  it('waits nothing when random gives 0', () => {
    expect(backoffDelay(1, P, () => 0)).toBe(0);
    expect(backoffDelay(3, P, () => 0)).toBe(0);
  });

  it('waits half the ceiling when random gives 0.5', () => {
    expect(backoffDelay(1, P, () => 0.5)).toBe(100);
  });

  it('waits just under the ceiling when random gives 0.999999', () => {
    expect(backoffDelay(1, P, () => 0.999999)).toBe(199);
  });

  it('doubles the ceiling per retry', () => {
    const half = [1, 2, 3, 4, 5].map((n) => backoffDelay(n, P, () => 0.5));
    expect(half).toEqual([100, 200, 400, 800, 1600]);
    const top = [1, 2, 3, 4, 5].map((n) => backoffDelay(n, P, () => 0.999999));
    expect(top).toEqual([199, 399, 799, 1599, 3199]);
  });

  it('caps the wait at maxDelayMs after jitter', () => {
    // retry 6: ceiling 6400, jitter 3200 stays under the cap, 6399 does not
    expect(backoffDelay(6, P, () => 0.5)).toBe(3200);
    expect(backoffDelay(6, P, () => 0.999999)).toBe(5000);
    expect(backoffDelay(7, P, () => 0.5)).toBe(5000);
  });

  it('holds the cap for a far retry, with no Infinity or NaN', () => {
    for (const random of [0, 0.5, 0.999999]) {
      const delay = backoffDelay(40, P, () => random);
      expect(Number.isFinite(delay)).toBe(true);
      expect(delay).toBeLessThanOrEqual(P.maxDelayMs);
    }
    expect(backoffDelay(40, P, () => 0)).toBe(0);
    expect(backoffDelay(40, P, () => 0.5)).toBe(5000);
    expect(backoffDelay(40, P, () => 0.999999)).toBe(5000);
  });

  it('follows a custom base and cap', () => {
    const custom = policy({ baseDelayMs: 1000, maxDelayMs: 1500 });
    expect(backoffDelay(1, custom, () => 0.5)).toBe(500);
    expect(backoffDelay(2, custom, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, custom, () => 0.5)).toBe(1500);
  });

  it('treats retry 0 like the first retry', () => {
    expect(backoffDelay(0, P, () => 0.5)).toBe(100);
  });

  it('uses Math.random by default', () => {
    const delays = Array.from({ length: 50 }, () => backoffDelay(1, P));
    expect(delays.every((d) => Number.isInteger(d) && d >= 0 && d < 200)).toBe(true);
  });

  it('returns an integer in [0, maxDelayMs] for any retry, policy and random', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true }),
        fc.nat(),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseDelayMs, maxDelayMs, random) => {
          const delay = backoffDelay(retry, policy({ baseDelayMs, maxDelayMs }), () => random);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(maxDelayMs);
        },
      ),
      { numRuns: 2000 },
    );
  });

  // BUG: past ~retry 1018 the ceiling overflows to Infinity and 0 * Infinity is NaN
  it('stays a number when the ceiling overflows', () => {
    expect(backoffDelay(1100, P, () => 0)).toBe(0);
    expect(backoffDelay(1100, policy({ baseDelayMs: 0 }), () => 0.5)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['5', 5000],
    [' 7 ', 7000],
    ['120', 120_000],
  ])('reads delta-seconds %j', (header, ms) => {
    expect(parseRetryAfter(header, NOW)).toBe(ms);
  });

  it('reads a number', () => {
    expect(parseRetryAfter(5, NOW)).toBe(5000);
    expect(parseRetryAfter(0, NOW)).toBe(0);
  });

  it('reads the first value of an array', () => {
    expect(parseRetryAfter(['3', '9'], NOW)).toBe(3000);
    expect(parseRetryAfter([' 4 '], NOW)).toBe(4000);
    expect(parseRetryAfter([], NOW)).toBeUndefined();
  });

  it('reads an HTTP-date in the future', () => {
    expect(parseRetryAfter(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:01:00 GMT', NOW)).toBe(60_000);
  });

  it('reads an HTTP-date in the past as 0', () => {
    expect(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0);
  });

  it.each(['soon', '', '   ', '5s', '1e3', '0x10'])('ignores the garbage %j', (header) => {
    expect(parseRetryAfter(header, NOW)).toBeUndefined();
  });

  it.each([undefined, null, true, {}, [undefined]])('ignores %j', (header) => {
    expect(parseRetryAfter(header, NOW)).toBeUndefined();
  });

  // BUG: V8's lenient Date.parse reads these as dates, so invalid headers mean "retry now" (0)
  it('ignores fractional and negative values', () => {
    expect(parseRetryAfter('1.5', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
    expect(parseRetryAfter(2.5, NOW)).toBeUndefined();
    expect(parseRetryAfter(-1, NOW)).toBeUndefined();
  });
});

function input(extra: Partial<RetryInput> = {}): RetryInput {
  return {
    failure: { status: 503 },
    method: 'GET',
    policy: P,
    retriesDone: 0,
    hasIdempotencyKey: false,
    streamBody: false,
    remainingMs: 10_000,
    now: NOW,
    random: () => 0.5,
    ...extra,
  };
}

describe('planRetry', () => {
  it('retries a transient failure after the backoff', () => {
    expect(planRetry(input())).toEqual({ retry: true, delayMs: 100, reason: 'status 503' });
  });

  it('grows the backoff with the retries done', () => {
    expect(planRetry(input({ retriesDone: 1 }))).toEqual({ retry: true, delayMs: 200, reason: 'status 503' });
    expect(planRetry(input({ retriesDone: 2 }))).toEqual({ retry: true, delayMs: 400, reason: 'status 503' });
  });

  it('retries a transport error with its code as reason', () => {
    expect(planRetry(input({ failure: { code: 'ECONNRESET' } }))).toEqual({
      retry: true,
      delayMs: 100,
      reason: 'ECONNRESET',
    });
  });

  it('gives up when the retries are exhausted', () => {
    expect(planRetry(input({ retriesDone: 3 }))).toEqual({
      retry: false,
      reason: 'status 503',
      giveUp: 'exhausted',
    });
    expect(planRetry(input({ policy: policy({ retries: 0 }) }))).toEqual({
      retry: false,
      reason: 'status 503',
      giveUp: 'exhausted',
    });
  });

  it('gives up on a failure that is not transient', () => {
    expect(planRetry(input({ failure: { status: 404 } }))).toEqual({
      retry: false,
      reason: 'status 404',
      giveUp: 'not-transient',
    });
    expect(planRetry(input({ failure: { canceled: true } }))).toEqual({
      retry: false,
      reason: 'canceled',
      giveUp: 'not-transient',
    });
  });

  it('gives up on a POST that may not be replayed', () => {
    expect(planRetry(input({ method: 'POST' }))).toEqual({
      retry: false,
      reason: 'status 503',
      giveUp: 'not-replayable',
    });
  });

  it('retries a POST with an idempotency key or a refused connection', () => {
    expect(planRetry(input({ method: 'POST', hasIdempotencyKey: true }))).toMatchObject({ retry: true });
    expect(planRetry(input({ method: 'POST', failure: { code: 'ECONNREFUSED' } }))).toMatchObject({
      retry: true,
    });
  });

  it('gives up on a stream body', () => {
    expect(planRetry(input({ streamBody: true }))).toEqual({
      retry: false,
      reason: 'status 503',
      giveUp: 'stream-body',
    });
  });

  it('reports not-transient before stream-body', () => {
    expect(planRetry(input({ streamBody: true, failure: { status: 400 } }))).toMatchObject({
      giveUp: 'not-transient',
    });
  });

  it.each([429, 503])('honours Retry-After on %i', (status) => {
    expect(planRetry(input({ failure: { status }, retryAfter: '2' }))).toEqual({
      retry: true,
      delayMs: 2000,
      reason: `status ${status}`,
    });
  });

  it('honours a Retry-After HTTP-date', () => {
    const retryAfter = new Date(NOW + 3000).toUTCString();
    expect(planRetry(input({ failure: { status: 429 }, retryAfter }))).toMatchObject({
      retry: true,
      delayMs: 3000,
    });
  });

  it('honours a Retry-After of 0 (no wait)', () => {
    expect(planRetry(input({ retryAfter: '0' }))).toMatchObject({ retry: true, delayMs: 0 });
  });

  it.each([500, 502, 504, 408])('ignores Retry-After on %i', (status) => {
    expect(planRetry(input({ failure: { status }, retryAfter: '2' }))).toEqual({
      retry: true,
      delayMs: 100,
      reason: `status ${status}`,
    });
  });

  it('falls back to the backoff when Retry-After is unreadable', () => {
    expect(planRetry(input({ retryAfter: 'soon' }))).toMatchObject({ retry: true, delayMs: 100 });
  });

  it('caps Retry-After at maxRetryAfterMs', () => {
    expect(planRetry(input({ retryAfter: '120', remainingMs: 60_000 }))).toMatchObject({
      retry: true,
      delayMs: 30_000,
    });
    expect(planRetry(input({ retryAfter: '120', policy: policy({ maxRetryAfterMs: 1000 }) }))).toMatchObject({
      retry: true,
      delayMs: 1000,
    });
  });

  it('gives up when the Retry-After wait reaches the deadline', () => {
    expect(planRetry(input({ retryAfter: '5', remainingMs: 5000 }))).toEqual({
      retry: false,
      reason: 'status 503; waiting 5000ms would pass the deadline',
      giveUp: 'deadline',
    });
    expect(planRetry(input({ retryAfter: '5', remainingMs: 5001 }))).toMatchObject({
      retry: true,
      delayMs: 5000,
    });
  });

  it('gives up when the backoff wait reaches the deadline', () => {
    const plan = planRetry(input({ failure: { code: 'ETIMEDOUT' }, remainingMs: 100 }));
    expect(plan).toMatchObject({ retry: false, giveUp: 'deadline' });
    expect(plan.reason).toContain('would pass the deadline');
    expect(plan.reason).toMatch(/^ETIMEDOUT; waiting 100ms/);
  });

  it('gives up when no time is left at all', () => {
    expect(planRetry(input({ random: () => 0, remainingMs: 0 }))).toMatchObject({
      retry: false,
      giveUp: 'deadline',
    });
  });

  it('uses Math.random when no random is given', () => {
    const plan = planRetry({ ...input(), random: undefined });
    expect(plan.retry).toBe(true);
    expect(plan).toEqual({ retry: true, delayMs: expect.any(Number), reason: 'status 503' });
    expect((plan as { delayMs: number }).delayMs).toBeLessThan(200);
  });
});
