/**
 * Section 3 — outbound under faults: upstream attempts per logical GET,
 * success rate and wall time when the upstream answers 503 to 0 %, 10 % and
 * 100 % of requests; then the fail-fast latency of an open breaker.
 */
import { axiosRetryDefaults, ours, type OursSubject, runCount, type Subject } from './clients.js';
import { startUpstream } from './outbound.js';
import {
  type BenchArgs,
  type ChildHandle,
  fmt,
  median,
  percentile,
  printTable,
  progress,
  verdict,
} from './shared.js';

const CONCURRENCY = 50;
const SHARES = [0, 0.1, 1] as const;
const BASE_DELAY_MS = 20;
const OPEN_CALLS = 1000;

interface Contender {
  readonly name: string;
  readonly ours: boolean;
  make(url: string): Subject | OursSubject;
}

const CONTENDERS: readonly Contender[] = [
  {
    name: 'ApiClient (defaults)',
    ours: true,
    make: (url) => ours('faults', url, { retry: { baseDelayMs: BASE_DELAY_MS } }),
  },
  {
    name: 'ApiClient breaker: false',
    ours: true,
    make: (url) => ours('budget-only', url, { retry: { baseDelayMs: BASE_DELAY_MS }, breaker: false }),
  },
  { name: 'axios + axios-retry defaults', ours: false, make: axiosRetryDefaults },
];

function target(share: number, contender: Contender, perRequest: number, success: number): string {
  if (share === 1) {
    return contender.ours ? `<= 1.10 att/req ${verdict(perRequest <= 1.1)}` : 'reference (4.0)';
  }
  if (share === 0.1 && contender.ours) {
    return `>= 99.9 %, <= 1.12 att/req ${verdict(success >= 0.999 && perRequest <= 1.12)}`;
  }
  return '';
}

async function attempts(upstream: ChildHandle): Promise<number> {
  return (await upstream.ask<{ attempts: number }>('stats')).attempts;
}

/** 1,000 sequential calls while the breaker is open: latency and upstream attempts. */
async function openBreaker(subject: OursSubject, upstream: ChildHandle): Promise<string[]> {
  const state = subject.client.getStats().breaker;
  await upstream.ask('reset');
  const latencies: number[] = [];
  let succeeded = 0;
  for (let i = 0; i < OPEN_CALLS; i++) {
    const start = performance.now();
    try {
      await subject.call();
      succeeded++;
    } catch {
      // expected: the breaker refuses at once
    }
    latencies.push(performance.now() - start);
  }
  const seen = await attempts(upstream);
  const mid = median(latencies);
  return [
    state,
    fmt.ms(mid),
    fmt.ms(percentile(latencies, 99)),
    String(seen),
    String(succeeded),
    `median < 1 ms, 0 attempts ${verdict(mid < 1 && seen === 0 && state === 'open')}`,
  ];
}

export async function runFaults(args: BenchArgs): Promise<void> {
  const total = args.quick ? 2000 : 10_000;
  progress('faults: starting the upstream');
  const upstream = await startUpstream();
  const rows: string[][] = [];
  let open: string[] | undefined;
  try {
    for (const share of SHARES) {
      await upstream.ask('configure', { failShare: share });
      for (const contender of CONTENDERS) {
        const subject = contender.make(upstream.url);
        try {
          await upstream.ask('reset');
          const { succeeded, elapsedMs } = await runCount(total, CONCURRENCY, () => subject.call());
          const perRequest = (await attempts(upstream)) / total;
          const success = succeeded / total;
          progress(
            `faults ${fmt.pct(share, 0)} ${contender.name}: ${fmt.fixed(perRequest, 3)} attempts/request, ` +
              `${fmt.pct(success)} ok, ${fmt.int(elapsedMs)} ms`,
          );
          rows.push([
            fmt.pct(share, 0),
            contender.name,
            fmt.fixed(perRequest, 3),
            fmt.pct(success),
            fmt.ms(elapsedMs),
            target(share, contender, perRequest, success),
          ]);
          if (share === 1 && 'client' in subject && subject.client.settings.breaker) {
            open = await openBreaker(subject, upstream);
            progress(`faults: open breaker, median ${open[1]}, ${open[3]} upstream attempts`);
          }
        } finally {
          await subject.close();
        }
      }
    }
  } finally {
    await upstream.stop();
  }
  printTable(
    `## 3. Outbound under faults — ${fmt.int(total)} logical GETs per run, ${CONCURRENCY} concurrent, fresh client, ` +
      'upstream answers 503 to the share of requests (chosen at random), attempts counted by the upstream',
    ['503 share', 'client', 'attempts/request', 'success', 'wall time', 'target'],
    rows,
  );
  console.log(
    `\nApiClient runs use its defaults except retry: { baseDelayMs: ${BASE_DELAY_MS} } (default 200) to keep the run short; ` +
      '"breaker: false" leaves the retry budget alone in charge. axios-retry defaults: 3 retries, no delay.',
  );
  if (open) {
    printTable(
      `### Open breaker — ${OPEN_CALLS} sequential calls right after the 100 % run (ApiClient defaults)`,
      ['breaker', 'median', 'p99', 'upstream attempts', 'succeeded', 'target'],
      [open],
    );
  }
}
