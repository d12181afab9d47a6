/**
 * Section — decompression bombs: an endless gzip, br and deflate body of
 * zeros against ApiClient with `maxContentLength: 1 MiB`, on each transport.
 * Each round runs in a fresh child process; the table has the worst of the
 * rounds: peak RSS growth during a call of a warm client, the same for the
 * first bomb of a fresh one (JIT and allocator growth included), and the
 * time to the rejection (of either).
 * Then the normal case: req/s on a small coded JSON answer.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ApiClient } from '../src/index.js';
import { runFor } from './clients.js';
import { type BenchArgs, fmt, median, printTable, progress, startChild, verdict } from './shared.js';

const CODINGS = ['gzip', 'br', 'deflate'] as const;
const TRANSPORTS = ['undici', 'node'] as const;
const TARGET_GROWTH = 16 * 1024 * 1024;
const TARGET_MS = 250;

interface Measured {
  readonly growth: number;
  readonly elapsedMs: number;
  readonly error: string;
}

/** The first bomb of a fresh client, and one after ten more. */
interface Run {
  readonly cold: Measured;
  readonly warm: Measured;
}

function measure(url: string, transport: string, coding: string): Promise<Run> {
  const child = fork(fileURLToPath(new URL('./bomb-client.js', import.meta.url)), [url, transport, coding], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bomb ${transport}/${coding}: no answer within 60 s`));
    }, 60_000);
    child.once('message', (message: Run) => {
      clearTimeout(timer);
      resolve(message);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bomb ${transport}/${coding}: child exited (${code}) without a result`));
    });
  });
}

export async function runBomb(args: BenchArgs): Promise<void> {
  const rounds = args.quick ? 1 : 3;
  progress('bomb: starting the upstream');
  const upstream = await startChild(new URL('./bomb-upstream.js', import.meta.url), [], 'bomb upstream');
  const rows: string[][] = [];
  const speed: string[][] = [];
  try {
    for (const transport of TRANSPORTS) {
      for (const coding of CODINGS) {
        const runs: Run[] = [];
        for (let round = 0; round < rounds; round++)
          runs.push(await measure(upstream.url, transport, coding));
        const worst = (pick: (run: Run) => number): number => Math.max(...runs.map(pick));
        const growth = worst((run) => run.warm.growth);
        const elapsedMs = worst((run) => Math.max(run.cold.elapsedMs, run.warm.elapsedMs));
        const errors = [...new Set(runs.flatMap((run) => [run.cold.error, run.warm.error]))].join('; ');
        progress(`bomb ${transport}/${coding}: ${fmt.mb(growth)}, ${fmt.ms(elapsedMs)}`);
        const pass = growth <= TARGET_GROWTH && elapsedMs <= TARGET_MS && errors.includes('maxContentLength');
        rows.push([
          transport,
          coding,
          fmt.signedMb(growth),
          fmt.signedMb(worst((run) => run.cold.growth)),
          fmt.ms(elapsedMs),
          errors,
          verdict(pass),
        ]);
      }
    }
    for (const transport of TRANSPORTS) {
      const client = new ApiClient({
        transport,
        baseURL: upstream.url,
        retry: false,
        budget: false,
        breaker: false,
      });
      for (const coding of CODINGS) {
        const samples: number[] = [];
        const call = () => client.get(`/json/${coding}`);
        await runFor(args.quick ? 200 : 1000, 50, call);
        for (let round = 0; round < rounds; round++) {
          const { completed, elapsedMs } = await runFor(args.quick ? 500 : 2000, 50, call);
          samples.push((completed / elapsedMs) * 1000);
        }
        speed.push([transport, coding, fmt.int(median(samples))]);
      }
      await client.close();
    }
  } finally {
    await upstream.stop();
  }
  printTable(
    `## Decompression bombs — endless coded body of zeros, maxContentLength 1 MiB, worst of ${rounds} round(s), each call in a fresh process`,
    [
      'transport',
      'coding',
      'peak RSS growth',
      'first bomb (cold)',
      'rejected after',
      'error',
      `<= 16 MiB, <= ${TARGET_MS} ms`,
    ],
    rows,
  );
  printTable(
    `## Normal coded answers — req/s, 50 concurrent calls, a 4 KB JSON body (coded), median of ${rounds} round(s)`,
    ['transport', 'coding', 'req/s'],
    speed,
  );
}
