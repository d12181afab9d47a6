import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_BUDGET } from './api-client.options.js';
import { RetryBudget } from './retry-budget.js';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RetryBudget', () => {
  it('starts full and allows one retry per token', () => {
    const time = clock();
    const budget = new RetryBudget({ ratio: 0, maxTokens: 3, minPerSecond: 0 }, time.now);
    expect([budget.tryWithdraw(), budget.tryWithdraw(), budget.tryWithdraw(), budget.tryWithdraw()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(budget.level).toBe(0);
  });

  it('takes nothing when refusing', () => {
    const budget = new RetryBudget({ ratio: 0.5, maxTokens: 1, minPerSecond: 0 }, clock().now);
    budget.tryWithdraw();
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(false);
    expect(budget.level).toBe(0.5);
  });

  it('is filled by successes at the ratio, up to maxTokens', () => {
    const budget = new RetryBudget({ ratio: 0.25, maxTokens: 2, minPerSecond: 0 }, clock().now);
    budget.tryWithdraw();
    budget.tryWithdraw();
    for (let i = 0; i < 4; i++) budget.deposit();
    expect(budget.level).toBe(1);
    for (let i = 0; i < 100; i++) budget.deposit();
    expect(budget.level).toBe(2);
  });

  it('refills at the floor rate with time alone, up to maxTokens', () => {
    const time = clock();
    const budget = new RetryBudget({ ratio: 0, maxTokens: 5, minPerSecond: 2 }, time.now);
    for (let i = 0; i < 5; i++) budget.tryWithdraw();
    time.advance(499);
    expect(budget.tryWithdraw()).toBe(false);
    time.advance(1);
    expect(budget.tryWithdraw()).toBe(true);
    time.advance(60_000);
    expect(budget.level).toBe(5);
  });

  it('keeps retries under the ratio in a full outage, and allows them all at a 10 % failure rate', () => {
    const outage = new RetryBudget(DEFAULT_RETRY_BUDGET, clock().now);
    let retries = 0;
    for (let call = 0; call < 10_000; call++) if (outage.tryWithdraw()) retries++;
    // only the initial tokens: nothing refills it in an outage (no time passes here)
    expect(retries).toBe(DEFAULT_RETRY_BUDGET.maxTokens);

    const partial = new RetryBudget(DEFAULT_RETRY_BUDGET, clock().now);
    let refused = 0;
    for (let call = 0; call < 10_000; call++) {
      // nine successes, then a failure that wants one retry (which succeeds)
      if (call % 10 === 9) {
        if (partial.tryWithdraw()) partial.deposit();
        else refused++;
      } else partial.deposit();
    }
    expect(refused).toBe(0);
  });

  it('rejects impossible options', () => {
    expect(() => new RetryBudget({ ratio: -1, maxTokens: 5, minPerSecond: 0 })).toThrow('Retry budget');
    expect(() => new RetryBudget({ ratio: 0, maxTokens: 0.5, minPerSecond: 0 })).toThrow('Retry budget');
    expect(() => new RetryBudget({ ratio: Number.NaN, maxTokens: 5, minPerSecond: 0 })).toThrow(
      'Retry budget',
    );
  });
});
