/**
 * Keeps `process.nextTick` on V8's fast path for the life of the process.
 *
 * Each `process.nextTick` makes its queue entry with one object literal
 * whose first keys are computed (the entry's async ids). V8 compiles each
 * such store for the one object shape it has seen there, and holds those
 * shapes only weakly: full collections that find no queue entry alive free
 * them, the next entry builds them anew, and from then on each store has
 * seen two shapes and goes through the runtime on every tick, for good.
 * Node's HTTP server queues several ticks per request, so a process that
 * loses the shapes once spends 2–6 µs more CPU on every request after it
 * (the bench's Fastify app lost them in most processes on Node 20 and in
 * about half on Node 24). One entry kept alive keeps the shapes alive.
 *
 * `ErrorsModule`'s file calls it as it is imported: before the first
 * collections that could free the shapes, and outside any
 * `AsyncLocalStorage` context, whose stores an entry holds on Node 24.
 */
import { executionAsyncResource } from 'node:async_hooks';

let kept: object | undefined;
let asked = false;

/**
 * Keeps one `process.nextTick` queue entry alive from the next tick on (the
 * resource a tick's callback runs with is its entry). Once per process;
 * costs one tick.
 */
export function keepTickEntryShapes(): void {
  if (asked) return;
  asked = true;
  process.nextTick(() => {
    kept = executionAsyncResource();
  });
}

/** The entry kept, once its tick has run. */
export function keptTickEntry(): object | undefined {
  return kept;
}
