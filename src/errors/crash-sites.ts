/**
 * Where crashes were thrown, remembered by error class and message, so that
 * a flood of one crash is counted by the log protection without formatting
 * each one's stack: reading `stack` formats every frame, 20–30 µs in a Nest
 * app, more than the rest of a 500 answer.
 */

/** Distinct class-and-message pairs kept at once; past it the memory starts over. */
const MAX_REMEMBERED = 1000;
const MAX_MESSAGE = 200;

export class CrashSites {
  private readonly sites = new Map<string, string>();

  /** The throw site last read for an error of this class and message, if any. */
  recall(error: unknown): string | undefined {
    const key = memoKey(error);
    return key === undefined ? undefined : this.sites.get(key);
  }

  /** Remembers where an error of this class and message was thrown. */
  remember(error: unknown, site: string): void {
    const key = memoKey(error);
    if (key === undefined) return;
    if (this.sites.size >= MAX_REMEMBERED && !this.sites.has(key)) this.sites.clear();
    this.sites.set(key, site);
  }
}

function memoKey(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  try {
    const { name, message } = error;
    if (typeof name !== 'string' || typeof message !== 'string') return undefined;
    return `${name}\u0000${message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) : message}`;
  } catch {
    return undefined;
  }
}

/** `TypeError at OrdersService.total (file:///app/orders.service.js:12:7)`: the class and first frame of a stack. */
export function throwSite(stack: string): string {
  const newline = stack.indexOf('\n');
  const head = (newline === -1 ? stack : stack.slice(0, newline)).split(':', 1)[0]!;
  const frame = /\n\s+at ([^\n]+)/.exec(stack)?.[1] ?? '';
  return frame ? `${head} at ${frame}` : head;
}
