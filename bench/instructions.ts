/**
 * Section 1d — instructions: what one answer costs in machine instructions,
 * counted by valgrind's callgrind, which no other tenant, clock or frequency
 * of the machine moves. Each app runs in its own process under callgrind,
 * served in process (instructions-app.ts); the count covers a fixed number of
 * answers after a warm-up, without the garbage collector (see GC_ENTRY).
 * Repeated counts of a Fastify cell agree within about a percent, where the
 * CPU time of section 1 strays by more: a view that time cannot give on a busy
 * machine (Node 20's Express cells vary by several percent between processes:
 * V8's slow paths there). CPU time still differs from it by what instructions
 * do not show (the collector, cache misses, the kernel, the network and the
 * HTTP parser).
 * Skipped when valgrind is not installed.
 */
import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type Route, ROUTES, STEADY_HEAP, type Variant } from './inbound.js';
import { NODE_24, otherNode24 } from './node-binary.js';
import { type BenchArgs, fmt, note, printTable, progress } from './shared.js';

const SUBJECTS = ['nest', 'hand', 'ours'] as const satisfies readonly Variant[];
type Subject = (typeof SUBJECTS)[number];
const ADAPTERS = ['express', 'fastify'] as const;
/**
 * The routes counted: every one but the DTO 400, whose three apps on two
 * adapters and two Node versions would add a quarter to the section's time
 * for cells that pass section 1 by a margin.
 */
const COUNTED_ROUTES: readonly Route[] = ROUTES.filter((route) => route.method === 'GET' || !route.error);

interface Counts {
  readonly warmUp: number;
  readonly counted: number;
}

function countsOf(args: BenchArgs): Counts {
  // 100,000 answers for the JIT to settle: after 10,000 a Node 20 Express GET still counted 3 % more, after
  // 40,000 the same (a margin, kept for Node 24 as well)
  return args.quick ? { warmUp: 3000, counted: 300 } : { warmUp: 100_000, counted: 3000 };
}

/**
 * Where V8 enters its garbage collector, on Node 20 and 24: every pause (a
 * scavenge, a full collection). Callgrind stops counting inside it (the
 * function named here flips counting on entry and back on exit, so the
 * pattern ends where the outer signature ends, not at Node 24's lambda inside
 * `CollectGarbage`, which would flip it back on). The counted process runs
 * with `--no-incremental-marking` as well: a full collection then marks inside
 * its pause, not in steps between the app's work, during which every store
 * the app makes also runs the marking barrier. Counted, that barrier was up
 * to 29 % of a window of 3,000 answers (Node 24, Fastify 200 GET), and the
 * steps up to half: where the window fell in the collector's cycle, not what
 * the app did. What an app's garbage costs is in the CPU-time sections.
 */
const GC_ENTRY = 'v8::internal::Heap::CollectGarbage(*Flags)';

const runs = (command: string): boolean =>
  spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;

/** True when valgrind's callgrind and its control tool can be run. */
function hasCallgrind(): boolean {
  return runs('valgrind') && runs('callgrind_control');
}

function control(pid: number, ...args: string[]): void {
  const result = spawnSync('callgrind_control', [...args, String(pid)], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`callgrind_control ${args.join(' ')}: ${result.stderr || result.stdout}`);
}

/** Instructions per answer of `subject` on `route`: one process under callgrind. */
async function countOne(
  execPath: string,
  subject: Subject,
  adapter: string,
  route: Route,
  counts: Counts,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-callgrind-'));
  const go = join(dir, 'go');
  const stop = join(dir, 'stop');
  let child: ChildProcessByStdio<null, Readable, null> | undefined;
  try {
    child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        '--instr-atstart=no',
        // the garbage collector's pauses are not counted: see GC_ENTRY
        `--toggle-collect=${GC_ENTRY}`,
        '--collect-atstart=yes',
        `--callgrind-out-file=${join(dir, 'callgrind.out')}`,
        '-q',
        execPath,
        // one thread for the JIT too: what it compiles is counted where it is compiled, every run alike
        '--single-threaded',
        // a full collection marks in its pause, which is not counted (see GC_ENTRY)
        '--no-incremental-marking',
        ...STEADY_HEAP,
        fileURLToPath(new URL('./instructions-app.js', import.meta.url)),
        subject,
        adapter,
        route.method,
        route.path,
        String(route.status),
        String(counts.warmUp),
        String(counts.counted),
        go,
        stop,
        ...(route.body === undefined ? [] : [route.body]),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const running = child;
    const exited = new Promise<number | null>((resolve) => running.once('exit', resolve));
    const lines = createInterface({ input: running.stdout })[Symbol.asyncIterator]();
    const expect = async (word: string): Promise<void> => {
      const line = await lines.next();
      if (line.done || line.value !== word) {
        throw new Error(
          `${subject}/${adapter} ${route.method} ${route.path} under callgrind: expected "${word}", got ${
            line.done ? `exit ${await exited}` : JSON.stringify(line.value)
          }`,
        );
      }
    };
    await expect('warm');
    control(running.pid!, '--instr=on');
    writeFileSync(go, '');
    await expect('done');
    control(running.pid!, '--instr=off');
    writeFileSync(stop, '');
    const code = await exited;
    if (code !== 0)
      throw new Error(`${subject}/${adapter} ${route.method} ${route.path} under callgrind exited ${code}`);
    let total = 0;
    for (const file of readdirSync(dir).filter((name) => name.startsWith('callgrind.out'))) {
      const totals = /^totals:\s+(\d+)/m.exec(readFileSync(join(dir, file), 'utf8'));
      if (totals) total += Number(totals[1]);
    }
    return total / counts.counted;
  } finally {
    // a failed or interrupted count leaves no process running under valgrind
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `tasks` one a core (a process under callgrind runs on one core; more would only queue). */
async function onEachCore<T>(tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker));
  return results;
}

/** Section 1d on the running Node, and on Node 24 too (as section 1). */
export async function runInstructions(args: BenchArgs): Promise<void> {
  if (!hasCallgrind()) {
    note('\n## 1d. Instructions per answer — skipped: valgrind is not installed (apt install valgrind)');
    return;
  }
  await countOn(args, process.execPath, `Node ${process.versions.node}`);
  const node24 = args.quick ? undefined : await otherNode24();
  if (node24) await countOn(args, node24, `Node ${NODE_24}`);
}

/** Instructions per answer of every subject on every counted route of both adapters, on the Node at `execPath`. */
async function countOn(args: BenchArgs, execPath: string, label: string): Promise<void> {
  const counts = countsOf(args);
  const cells = ADAPTERS.flatMap((adapter) =>
    COUNTED_ROUTES.flatMap((route) =>
      // on a success the hand filter runs what Nest default runs: counted on the error routes only
      SUBJECTS.filter((subject) => subject !== 'hand' || route.error).map((subject) => ({
        adapter,
        route,
        subject,
      })),
    ),
  );
  const counted = await onEachCore(
    cells.map((cell) => async () => {
      const perAnswer = await countOne(execPath, cell.subject, cell.adapter, cell.route, counts);
      progress(
        `instructions ${label} ${cell.adapter} ${cell.route.name} ${cell.subject}: ${fmt.int(perAnswer)}`,
      );
      return perAnswer;
    }),
  );
  const of = (adapter: string, route: Route, subject: Subject): number =>
    counted[
      cells.findIndex((cell) => cell.adapter === adapter && cell.route === route && cell.subject === subject)
    ]!;
  const rows = ADAPTERS.flatMap((adapter) =>
    COUNTED_ROUTES.map((route) => {
      const nest = of(adapter, route, 'nest');
      const ours = of(adapter, route, 'ours');
      const hand = route.error ? of(adapter, route, 'hand') : Number.NaN;
      return [
        adapter,
        route.name,
        fmt.int(nest),
        route.error ? fmt.int(hand) : '',
        fmt.int(ours),
        fmt.ratio(nest / ours),
        route.error ? fmt.ratio(hand / ours) : '',
      ];
    }),
  );
  printTable(
    `## 1d. Instructions per answer (${label}; callgrind, in process, no network, garbage collection not counted; ${fmt.int(counts.counted)} answers counted after ${fmt.int(counts.warmUp)})`,
    [
      'adapter',
      'route',
      'Nest default',
      'Nest + hand filter',
      'ErrorsModule',
      'ErrorsModule vs Nest default',
      'vs hand filter',
    ],
    rows,
  );
  note(
    'Read as answers per instruction: 1.00x is the same count, 0.97x means 3 % more instructions. ' +
      'On a success the hand filter runs what Nest default runs (not counted).',
  );
}
