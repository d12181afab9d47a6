import { describe, expect, it } from 'vitest';
import { type LimiterClock, LogRateLimiter, type SuppressedLines } from './log-rate-limit.js';

/** A clock the test moves by hand; its timers fire when the time passes them. */
class ManualClock implements LimiterClock {
  private time = 0;
  private timers: { at: number; fn: () => void }[] = [];

  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { at: this.time + ms, fn };
    this.timers.push(timer);
    return timer;
  }
  clearTimeout(timer: unknown): void {
    this.timers = this.timers.filter((t) => t !== timer);
  }
  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    for (const timer of due) timer.fn();
  }
  pending(): number {
    return this.timers.length;
  }
}

function setup(lines = 3, intervalMs = 1000) {
  const clock = new ManualClock();
  const summaries: SuppressedLines[] = [];
  const limiter = new LogRateLimiter({ lines, intervalMs }, (summary) => summaries.push(summary), clock);
  const burst = (key: string, count: number) =>
    Array.from({ length: count }, () => limiter.admit(key, `label of ${key}`)).filter(Boolean).length;
  return { clock, summaries, limiter, burst };
}

describe('LogRateLimiter', () => {
  it('counts a line of a kind whose lines are spent, and nothing of one that may still write', () => {
    const { clock, limiter, burst, summaries } = setup(2, 1000);
    // not seen yet, and not spent yet: nothing counted, the caller admits its line
    expect(limiter.countIfSpent('a')).toBe(false);
    expect(burst('a', 1)).toBe(1);
    expect(limiter.countIfSpent('a')).toBe(false);
    expect(burst('a', 1)).toBe(1);
    // spent: counted here, as admit would count it
    expect(limiter.countIfSpent('a')).toBe(true);
    expect(limiter.countIfSpent('a')).toBe(true);
    expect(limiter.countIfSpent('b')).toBe(false);
    expect(clock.pending()).toBe(1);
    clock.advance(1000);
    expect(summaries).toEqual([{ key: 'a', label: 'label of a', suppressed: 2, windowMs: 1000 }]);
    // a window that ended is not spent: the next line is admitted and opens a new one
    expect(limiter.countIfSpent('a')).toBe(false);
    expect(limiter.admit('a', 'label of a')).toBe(true);
  });

  it('summarizes a window that ended unfired as spent only while it lasts', () => {
    const { limiter, summaries, clock } = setup(1, 1000);
    limiter.admit('k', 'k');
    expect(limiter.countIfSpent('k')).toBe(true);
    // time jumps past the window without the timer firing (a blocked event loop)
    (clock as unknown as { time: number }).time = 5000;
    expect(limiter.countIfSpent('k')).toBe(false);
    expect(limiter.admit('k', 'k')).toBe(true);
    expect(summaries).toEqual([{ key: 'k', label: 'k', suppressed: 1, windowMs: 1000 }]);
    expect(clock.pending()).toBe(0);
  });

  it('writes the first lines of a kind in a window and counts the rest', () => {
    const { burst, summaries } = setup(3);
    expect(burst('404 NOT_FOUND', 10)).toBe(3);
    expect(summaries).toEqual([]);
  });

  it('writes one summary with the count when the window ends', () => {
    const { burst, summaries, clock } = setup(3, 1000);
    burst('404 NOT_FOUND', 10);
    clock.advance(999);
    expect(summaries).toEqual([]);
    clock.advance(1);
    expect(summaries).toEqual([
      { key: '404 NOT_FOUND', label: 'label of 404 NOT_FOUND', suppressed: 7, windowMs: 1000 },
    ]);
  });

  it('starts a fresh window afterwards', () => {
    const { burst, summaries, clock } = setup(3, 1000);
    burst('k', 5);
    clock.advance(1000);
    expect(burst('k', 5)).toBe(3);
    clock.advance(1000);
    expect(summaries.map((s) => s.suppressed)).toEqual([2, 2]);
  });

  it('summarizes a window that ended before its timer fired, at the next line of the kind', () => {
    const { limiter, summaries, clock } = setup(1, 1000);
    limiter.admit('k', 'k');
    limiter.admit('k', 'k');
    // time jumps past the window without the timer firing (a blocked event loop)
    (clock as unknown as { time: number }).time = 5000;
    expect(limiter.admit('k', 'k')).toBe(true);
    expect(summaries).toEqual([{ key: 'k', label: 'k', suppressed: 1, windowMs: 1000 }]);
    expect(clock.pending()).toBe(0);
  });

  it('counts each kind on its own', () => {
    const { burst } = setup(2);
    expect(burst('404 NOT_FOUND', 5)).toBe(2);
    expect(burst('500 INTERNAL_ERROR Error at a.ts:1', 5)).toBe(2);
    expect(burst('500 INTERNAL_ERROR Error at b.ts:9', 1)).toBe(1);
  });

  it('writes no summary and sets no timer when nothing was left out', () => {
    const { burst, summaries, clock } = setup(3);
    burst('k', 3);
    expect(clock.pending()).toBe(0);
    clock.advance(10_000);
    expect(summaries).toEqual([]);
  });

  it('flushes pending summaries at shutdown and cancels their timers', () => {
    const { burst, summaries, clock, limiter } = setup(1, 1000);
    burst('a', 3);
    burst('b', 2);
    clock.advance(250);
    limiter.flush();
    expect(summaries).toEqual([
      { key: 'a', label: 'label of a', suppressed: 2, windowMs: 250 },
      { key: 'b', label: 'label of b', suppressed: 1, windowMs: 250 },
    ]);
    expect(clock.pending()).toBe(0);
  });

  it('keeps its memory bounded when every line is of a new kind', () => {
    const { limiter, clock } = setup(1, 1000);
    for (let i = 0; i < 5000; i++) {
      limiter.admit(`kind ${i}`, 'x');
      if (i % 100 === 0) clock.advance(10);
    }
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(1000);
  });
});
