/**
 * Helpers shared by the bench sections: arguments, progress on stderr,
 * medians, tables on stdout, child processes (started, asked over IPC,
 * always stopped) and a Nest logger that writes to /dev/null.
 */
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { type ChildProcess, fork } from 'node:child_process';
import { openSync, writeSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

export const SECTIONS = [
  'inbound',
  'instructions',
  'outbound',
  'faults',
  'memory',
  'hostile',
  'bomb',
] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchArgs {
  readonly quick: boolean;
  readonly only: ReadonlySet<Section>;
  /** How many times the inbound tables measure every app anew, with new processes; their rounds pool. */
  readonly repeat: number;
}

const MAX_REPEAT = 10;

export function parseArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let only = new Set<Section>(SECTIONS);
  let repeat = 1;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--repeat=')) {
      repeat = Number(arg.slice('--repeat='.length));
      if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT)
        throw new Error(
          `--repeat: a whole number from 1 to ${MAX_REPEAT}, not ${arg.slice('--repeat='.length)}`,
        );
    } else if (arg.startsWith('--only=')) {
      const names = arg.slice('--only='.length).split(',').filter(Boolean);
      const unknown = names.filter((name) => !SECTIONS.includes(name as Section));
      if (unknown.length)
        throw new Error(`--only: unknown section(s) ${unknown.join(', ')} (${SECTIONS.join(', ')})`);
      only = new Set(names as Section[]);
    } else throw new Error(`Unknown argument ${arg} (use --quick, --only=${SECTIONS.join(',')}, --repeat=N)`);
  }
  return { quick, only, repeat };
}

const started = performance.now();

/** One progress line on stderr, with the time since the bench started. */
export function progress(message: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const fmt = {
  int: (value: number): string => Math.round(value).toLocaleString('en-US'),
  fixed: (value: number, digits = 2): string => value.toFixed(digits),
  ratio: (value: number): string => `${value.toFixed(2)}x`,
  pct: (value: number, digits = 2): string => `${(value * 100).toFixed(digits)} %`,
  mb: (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`,
  signedMb: (bytes: number): string =>
    `${bytes >= 0 ? '+' : '-'}${(Math.abs(bytes) / 1024 / 1024).toFixed(2)} MB`,
  ms: (value: number): string => `${value < 10 ? value.toFixed(3) : value.toFixed(0)} ms`,
};

export function verdict(pass: boolean): string {
  return pass ? 'PASS' : 'MISS';
}

/** Prints a plain-text table on stdout (first column left-aligned, others right-aligned). */
export function printTable(
  title: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

export function note(text: string): void {
  console.log(text);
}

export function machine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown CPU';
  return `${model}, ${list.length} cores, Node ${process.version}, ${process.platform} ${process.arch}`;
}

/** Heap and RSS after two full collections (needs --expose-gc). */
export function memoryAfterGc(): { rss: number; heapUsed: number } {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('Run with node --expose-gc');
  collect();
  collect();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

// ---------------------------------------------------------------- children

const children = new Set<ChildProcess>();
const stopping = new WeakSet<ChildProcess>();
let childFailure: Error | undefined;

/** Throws when a child died on its own: its numbers would mean nothing. */
export function assertChildrenAlive(): void {
  if (childFailure) throw childFailure;
}

/** A child process started by the bench, with a server on 127.0.0.1:port. */
export interface ChildHandle {
  readonly port: number;
  readonly url: string;
  /** Sends `{ cmd, ...rest }` over IPC and resolves with the child's reply. */
  ask<T>(cmd: string, rest?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

interface Reply {
  id?: number;
  type?: string;
  port?: number;
  result?: unknown;
  error?: string;
}

/** Forks a compiled bench script and waits until its server listens. */
export async function startChild(
  script: URL,
  args: readonly string[],
  label: string,
  execPath: string = process.execPath,
  nodeFlags: readonly string[] = [],
): Promise<ChildHandle> {
  const child = fork(fileURLToPath(script), args, {
    execPath,
    execArgv: ['--expose-gc', ...nodeFlags],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => children.delete(child));
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let onReady: ((port: number) => void) | undefined;
  child.on('message', (message: Reply) => {
    if (message.type === 'ready' && message.port) onReady?.(message.port);
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.error) waiter.reject(new Error(`${label}: ${message.error}`));
    else waiter.resolve(message.result);
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${label} exited (${code ?? signal})`));
    pending.clear();
    if (!stopping.has(child)) {
      childFailure ??= new Error(`${label} exited unexpectedly (${code ?? signal})`);
      progress(childFailure.message);
    }
  });
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label} did not start within 30 s`)), 30_000);
      onReady = (ready) => {
        clearTimeout(timer);
        resolve(ready);
      };
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited (${code ?? signal}) before it listened`));
      });
    });
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    ask: <T>(cmd: string, rest: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        if (!child.connected) {
          reject(new Error(`${label} is not running`));
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ ...rest, cmd, id }, (error) => {
          if (!error) return;
          pending.delete(id);
          reject(error);
        });
      }),
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  stopping.add(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Stops every child still running (used at the end and on error). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await stopChild(child, exited);
    }),
  );
}

// Last resort if the bench itself dies: no child outlives it.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** In a child: announces the port and answers the parent's IPC commands. */
export function serveParent(
  port: number,
  handlers: Record<string, (message: Record<string, unknown>) => unknown>,
): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: Record<string, unknown>) => {
    const id = message.id as number;
    void (async () => {
      try {
        const handler = handlers[message.cmd as string];
        if (!handler) throw new Error(`unknown command ${String(message.cmd)}`);
        process.send?.({ id, result: await handler(message) });
      } catch (error) {
        process.send?.({ id, error: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  process.send?.({ type: 'ready', port });
}

// ---------------------------------------------------------------- logging

const devNull = openSync('/dev/null', 'w');

/**
 * Nest's `ConsoleLogger`, default levels and format, writing to /dev/null
 * (synchronously, as `process.stdout` does to a file) instead of stdout.
 */
export class DevNullLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: LogLevel = 'log',
    _writeStreamType?: 'stdout' | 'stderr',
    _errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    for (const message of messages) {
      const line = this.formatMessage(
        logLevel,
        message,
        this.formatPid(process.pid),
        logLevel.toUpperCase().padStart(7, ' '),
        this.formatContext(context),
        this.updateAndGetTimestampDiff(),
        params,
      );
      writeSync(devNull, line);
    }
  }

  protected override printStackTrace(stack: string): void {
    if (stack) writeSync(devNull, `${stack}\n`);
  }
}
