/**
 * Section 4 — memory: heap used and RSS (after full GCs) of the app with
 * ErrorsModule (Express, child process) after N and 10·N error responses,
 * and of this process after N and 10·N ApiClient calls against an upstream
 * that fails 10 % of requests.
 */
import { ours, runCount } from './clients.js';
import { cannon, ROUTES, startApp } from './inbound.js';
import { startUpstream } from './outbound.js';
import {
  assertChildrenAlive,
  type BenchArgs,
  fmt,
  memoryAfterGc,
  printTable,
  progress,
  verdict,
} from './shared.js';

interface Memory {
  rss: number;
  heapUsed: number;
}

/** Heap growth between the two points that still counts as noise. */
const HEAP_NOISE = 1024 * 1024;

function row(subject: string, first: number, total: number, before: Memory, after: Memory): string[] {
  const heapGrowth = after.heapUsed - before.heapUsed;
  return [
    subject,
    `${fmt.mb(before.heapUsed)} / ${fmt.mb(before.rss)}`,
    `${fmt.mb(after.heapUsed)} / ${fmt.mb(after.rss)}`,
    `${fmt.signedMb(heapGrowth)} / ${fmt.signedMb(after.rss - before.rss)}`,
    `${fmt.fixed(heapGrowth / (total - first), 1)} B`,
    `heap growth < ${fmt.mb(HEAP_NOISE)} ${verdict(heapGrowth < HEAP_NOISE)}`,
  ];
}

async function inboundMemory(first: number, total: number): Promise<string[]> {
  progress('memory: starting the ErrorsModule express app');
  const app = await startApp('ours', 'express');
  try {
    const errorRoutes = ROUTES.filter((route) => route.error).map(({ method, path, headers, body }) => ({
      method,
      path,
      headers,
      body,
    }));
    const send = async (amount: number): Promise<void> => {
      // bailout: a dead app fails the run instead of retrying forever; the limit bounds it in any case
      const result = await cannon(
        { url: app.url, connections: 10, amount, requests: errorRoutes, sampleInt: 100, bailout: 100 },
        120_000,
      );
      if (result.errors || result['2xx'] || result.requests.total !== amount) {
        throw new Error(`memory: unexpected answers ${JSON.stringify(result.statusCodeStats)}`);
      }
    };
    await send(first);
    const before = await app.ask<Memory>('memory');
    progress(`memory: app after ${fmt.int(first)} error responses, heap ${fmt.mb(before.heapUsed)}`);
    await send(total - first);
    const after = await app.ask<Memory>('memory');
    progress(`memory: app after ${fmt.int(total)} error responses, heap ${fmt.mb(after.heapUsed)}`);
    return row('app (ErrorsModule, express): 404/400/500 mix', first, total, before, after);
  } finally {
    await app.stop();
  }
}

async function outboundMemory(first: number, total: number): Promise<string[]> {
  progress('memory: starting the upstream (10 % 503)');
  const upstream = await startUpstream();
  const subject = ours('memory', upstream.url, { retry: { baseDelayMs: 20 } });
  try {
    await upstream.ask('configure', { failShare: 0.1 });
    await runCount(first, 50, () => subject.call());
    assertChildrenAlive();
    const before = memoryAfterGc();
    progress(`memory: bench after ${fmt.int(first)} ApiClient calls, heap ${fmt.mb(before.heapUsed)}`);
    await runCount(total - first, 50, () => subject.call());
    assertChildrenAlive();
    const after = memoryAfterGc();
    progress(`memory: bench after ${fmt.int(total)} ApiClient calls, heap ${fmt.mb(after.heapUsed)}`);
    return row('bench process: ApiClient calls, 10 % 503', first, total, before, after);
  } finally {
    await subject.close();
    await upstream.stop();
  }
}

export async function runMemory(args: BenchArgs): Promise<void> {
  const first = args.quick ? 2000 : 10_000;
  const total = args.quick ? 20_000 : 100_000;
  const rows = [await inboundMemory(first, total), await outboundMemory(first, total)];
  printTable(
    `## 4. Memory — heap used / RSS after gc(), after ${fmt.int(first)} and after ${fmt.int(total)} ` +
      'requests (one process each)',
    ['subject', `after ${fmt.int(first)}`, `after ${fmt.int(total)}`, 'growth', 'heap/request', 'target'],
    rows,
  );
  console.log(
    '\nThe verdict reads heap used (after two full GCs); RSS is shown for reference (allocator, not objects).',
  );
}
