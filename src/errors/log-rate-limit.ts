/**
 * Keeps a burst of identical failures from flooding the log: at most
 * `lines` lines per kind of failure in each `intervalMs` window, then one
 * summary line with the count of what was left out. Pure apart from the
 * clock and timer it is given.
 */
import type { LogRateLimitOptions } from './errors.options.js';

/** The time source and timer of a limiter (tests give their own). */
export interface LimiterClock {
  now(): number;
  /** Calls `fn` once after `ms`; the timer must not keep the process alive. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

export const SYSTEM_CLOCK: LimiterClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/** What a summary line says: which kind, how many were left out, over how long. */
export interface SuppressedLines {
  readonly key: string;
  readonly label: string;
  readonly suppressed: number;
  readonly windowMs: number;
}

interface Window {
  start: number;
  written: number;
  suppressed: number;
  label: string;
  timer: unknown;
}

/** More kinds than this at once (an attack on many routes): windows that ended are dropped. */
const MAX_KINDS = 1000;

export class LogRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly options: LogRateLimitOptions,
    private readonly onSuppressed: (summary: SuppressedLines) => void,
    private readonly clock: LimiterClock = SYSTEM_CLOCK,
  ) {}

  /**
   * True when a line of kind `key` may be written now; false when it is
   * counted instead. `label` names the kind in the summary line.
   */
  admit(key: string, label: string): boolean {
    const now = this.clock.now();
    let window = this.windows.get(key);
    if (window && now - window.start >= this.options.intervalMs) {
      this.summarize(key, window);
      window = undefined;
    }
    if (!window) {
      if (this.windows.size >= MAX_KINDS) this.dropEnded(now);
      window = { start: now, written: 0, suppressed: 0, label, timer: undefined };
      this.windows.set(key, window);
    }
    if (window.written < this.options.lines) {
      window.written++;
      return true;
    }
    this.count(key, window, now);
    return false;
  }

  /**
   * When lines of kind `key` are being counted instead of written (its
   * window's lines are spent), counts this one and returns true; otherwise
   * counts nothing and returns false, for the caller to build its line and
   * {@link admit} it. One lookup for a kind in a flood.
   */
  countIfSpent(key: string): boolean {
    const window = this.windows.get(key);
    if (window === undefined || window.written < this.options.lines) return false;
    const now = this.clock.now();
    if (now - window.start >= this.options.intervalMs) return false;
    this.count(key, window, now);
    return true;
  }

  /** Writes the summary of every window that left lines out (at shutdown). */
  flush(): void {
    for (const [key, window] of this.windows) this.summarize(key, window);
    this.windows.clear();
  }

  /** Counts a line left out, and sees to the summary at the end of its window. */
  private count(key: string, window: Window, now: number): void {
    window.suppressed++;
    if (window.timer !== undefined) return;
    const due = window.start + this.options.intervalMs - now;
    window.timer = this.clock.setTimeout(() => {
      window.timer = undefined;
      this.summarize(key, window);
    }, due);
  }

  private summarize(key: string, window: Window): void {
    if (window.timer !== undefined) {
      this.clock.clearTimeout(window.timer);
      window.timer = undefined;
    }
    if (window.suppressed === 0) return;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    this.onSuppressed({
      key,
      label: window.label,
      suppressed,
      windowMs: Math.min(this.clock.now() - window.start, this.options.intervalMs),
    });
  }

  private dropEnded(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.options.intervalMs) {
        this.summarize(key, window);
        this.windows.delete(key);
      }
    }
    if (this.windows.size >= MAX_KINDS) this.flush();
  }
}
