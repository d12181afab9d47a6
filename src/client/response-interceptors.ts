import type { AxiosResponse } from 'axios';

type OnFulfilled = (response: AxiosResponse) => AxiosResponse | Promise<AxiosResponse>;
type OnRejected = (error: unknown) => unknown;

/**
 * Response interceptors that see a call's final result once, after every
 * retry — unlike axios' own, which a retrying instance runs per attempt.
 * Same `use` / `eject` / `clear` shape as axios' interceptor manager.
 */
export class ResponseInterceptors {
  private readonly handlers: ({ fulfilled?: OnFulfilled; rejected?: OnRejected } | null)[] = [];

  /** Adds a pair of handlers; returns its id for {@link eject}. */
  use(onFulfilled?: OnFulfilled | null, onRejected?: OnRejected | null): number {
    this.handlers.push({ fulfilled: onFulfilled ?? undefined, rejected: onRejected ?? undefined });
    return this.handlers.length - 1;
  }

  eject(id: number): void {
    if (this.handlers[id]) this.handlers[id] = null;
  }

  clear(): void {
    this.handlers.length = 0;
  }

  /** The final result passed through every handler, in the order they were added. */
  run(result: Promise<AxiosResponse>): Promise<AxiosResponse> {
    let chain = result;
    for (const handler of this.handlers) {
      if (handler) chain = chain.then(handler.fulfilled, handler.rejected) as Promise<AxiosResponse>;
    }
    return chain;
  }
}
