/**
 * Where crashes were thrown, remembered by error class and message, so that
 * a flood of one crash is counted by the log protection without formatting
 * each one's stack: reading `stack` formats every frame, 20–30 µs in a Nest
 * app, more than the rest of a 500 answer.
 */

/** Distinct class-and-message pairs kept at once; past it the memory starts over. */
const MAX_REMEMBERED = 1000;
const MAX_MESSAGE = 200;

/** Where errors of one class and message were last thrown. */
export class CrashSite {
  private kind = '';
  private key = '';

  /** `TypeError at OrdersService.total (file:///app/orders.service.js:12:7)`: see {@link throwSite}. */
  constructor(readonly at: string) {}

  /**
   * The log protection's key of a failure of `kind` thrown here: made once
   * while the kind stays the same, so a flood of one crash builds (and
   * hashes) no new string per request.
   */
  keyOf(kind: string): string {
    if (kind !== this.kind) {
      this.key = `${kind} ${this.at}`;
      this.kind = kind;
    }
    return this.key;
  }
}

export class CrashSites {
  /** By class name, then message: lookups of strings that are mostly the same objects each time, no key built. */
  private readonly sites = new Map<string, Map<string, CrashSite>>();
  private size = 0;

  /** Where an error of this class and message was last thrown, if known. */
  recall(error: unknown): CrashSite | undefined {
    const identity = identify(error);
    return identity && this.sites.get(identity.name)?.get(identity.message);
  }

  /**
   * Remembers where an error of this class and message was thrown, and
   * gives the site back; `undefined` for what cannot be told apart.
   */
  remember(error: unknown, at: string): CrashSite | undefined {
    const identity = identify(error);
    if (!identity) return undefined;
    let byMessage = this.sites.get(identity.name);
    const known = byMessage?.get(identity.message);
    if (known?.at === at) return known;
    if (known === undefined) {
      if (this.size >= MAX_REMEMBERED) {
        this.sites.clear();
        this.size = 0;
        byMessage = undefined;
      }
      this.size++;
    }
    if (byMessage === undefined) {
      byMessage = new Map();
      this.sites.set(identity.name, byMessage);
    }
    const site = new CrashSite(at);
    byMessage.set(identity.message, site);
    return site;
  }
}

/** The class name and message (its first characters) of an error whose name and message both read as strings. */
function identify(error: unknown): { name: string; message: string } | undefined {
  if (!(error instanceof Error)) return undefined;
  try {
    const { name, message } = error;
    if (typeof name !== 'string' || typeof message !== 'string') return undefined;
    return { name, message: message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) : message };
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
