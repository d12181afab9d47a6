/**
 * One bomb measurement, in a fresh child process so that its RSS is its
 * own: `node bomb-client.js <url> <transport> <coding>` makes an ApiClient,
 * warms it up on small coded answers, then calls the endless bomb with
 * `maxContentLength: 1 MiB` — once cold (the first bomb: the JIT compiling
 * the decoding path and the allocator growing are in that figure), then
 * again after ten more — and reports (IPC) the peak RSS growth and the time
 * to the rejection of both, and the error.
 */
import { ApiClient } from '../src/index.js';

const [url, transport, coding] = process.argv.slice(2) as [string, 'node' | 'undici', string];
const LIMIT = 1024 * 1024;
const collect = (globalThis as { gc?: () => void }).gc!;

const client = new ApiClient({ transport, baseURL: url, retry: false, budget: false, breaker: false });
const bomb = () =>
  client.get(`/bomb/${coding}`, { maxContentLength: LIMIT, responseType: 'arraybuffer' }).then(
    () => 'answered',
    (e: unknown) => (e as { cause?: { message?: string } }).cause?.message ?? String(e),
  );

/** Peak RSS growth over one bomb, from a collected heap: sampled, and the kernel's peak when it rose. */
async function measured(): Promise<{ growth: number; elapsedMs: number; error: string }> {
  collect();
  collect();
  const before = process.memoryUsage.rss();
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 1);
  const started = performance.now();
  const error = await bomb();
  const elapsedMs = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  const maxAfter = process.resourceUsage().maxRSS * 1024;
  if (maxAfter > maxBefore) peak = Math.max(peak, maxAfter);
  return { growth: peak - before, elapsedMs, error };
}

for (let i = 0; i < 200; i++) await client.get(`/json/${coding}`);
const cold = await measured();
for (let i = 0; i < 10; i++) await bomb();
const warm = await measured();
await client.close();
process.send?.({ cold, warm }, () => process.exit(0));
