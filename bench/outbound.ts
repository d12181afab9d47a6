/**
 * Section 2 — outbound success path: each client at 50 concurrent calls to a
 * loopback upstream in a child process that always answers 200. First every
 * client in turn (req/s and the bench process' CPU time per call), then each
 * target's two clients alternating in short slices, its ratio the median of
 * the ratios of neighbouring slices: the machine's speed drifts from one
 * second to the next more than two neighbours differ.
 */
import {
  apiClient,
  axiosRetryUndici,
  httpService,
  httpServiceRetry,
  rawAxios,
  runFor,
  type Subject,
  type SubjectFactory,
  undiciRequest,
} from './clients.js';
import {
  assertChildrenAlive,
  type BenchArgs,
  type ChildHandle,
  fmt,
  median,
  percentile,
  printTable,
  progress,
  startChild,
  verdict,
} from './shared.js';

const CONCURRENCY = 50;
/** ApiClient (undici transport) against HttpService + axios-retry, and against raw undici. */
const TARGET_VS_RETRY = 3.0;
const TARGET_VS_UNDICI = 0.5;
/** ApiClient with OpenTelemetry's API installed and no SDK registered, against `telemetry: false`: at most 2 % slower. */
const TARGET_TELEMETRY_IDLE = 0.98;
const NO_TELEMETRY = 'ApiClient telemetry: false';
const UNDICI = 'undici request';
const RETRYING_SERVICE = 'HttpService + axios-retry';

/** The targets: ApiClient against a client, at least `target` times its speed. */
const TARGETS: readonly { readonly base: string; readonly target: number }[] = [
  { base: RETRYING_SERVICE, target: TARGET_VS_RETRY },
  { base: UNDICI, target: TARGET_VS_UNDICI },
  { base: NO_TELEMETRY, target: TARGET_TELEMETRY_IDLE },
];

/** One slice of calls of one client: its req/s, and the CPU time of this process per call. */
interface Slice {
  readonly rps: number;
  readonly cpuUs: number;
}

/** The median of ratios, and their interquartile range. */
function spread(values: readonly number[]): string {
  return `${fmt.ratio(median(values))} (${percentile(values, 25).toFixed(2)}–${percentile(values, 75).toFixed(2)})`;
}

export function startUpstream(): Promise<ChildHandle> {
  return startChild(new URL('./upstream.js', import.meta.url), [], 'upstream');
}

const FACTORIES: readonly SubjectFactory[] = [
  undiciRequest,
  rawAxios,
  httpService,
  httpServiceRetry,
  apiClient('ApiClient'),
  apiClient(NO_TELEMETRY, { telemetry: false }),
  apiClient("ApiClient transport: 'node'", { transport: 'node' }),
  axiosRetryUndici,
];

export async function runOutbound(args: BenchArgs): Promise<void> {
  const rounds = args.quick ? 1 : 6;
  const sliceMs = args.quick ? 300 : 1000;
  const pairs = args.quick ? 2 : 50;
  const pairSliceMs = args.quick ? 150 : 300;
  const warmupMs = args.quick ? 200 : 1000;
  progress('outbound: starting the upstream');
  const upstream = await startUpstream();
  const subjects: Subject[] = [];
  const samples = new Map<string, Slice[]>();
  const compared = new Map<string, { speed: number[]; cpu: number[] }>();
  let failures = 0;
  const slice = async (subject: Subject, durationMs: number): Promise<Slice> => {
    const cpu = process.cpuUsage();
    const { completed, failed, elapsedMs } = await runFor(durationMs, CONCURRENCY, () => subject.call());
    const used = process.cpuUsage(cpu);
    failures += failed;
    assertChildrenAlive();
    return { rps: (completed / elapsedMs) * 1000, cpuUs: (used.user + used.system) / Math.max(1, completed) };
  };
  try {
    await upstream.ask('configure', { failShare: 0 });
    for (const factory of FACTORIES) subjects.push(factory(upstream.url));
    for (const subject of subjects) await slice(subject, warmupMs);
    progress('outbound: warmed up');
    for (let round = 1; round <= rounds; round++) {
      for (const subject of subjects) {
        const sample = await slice(subject, sliceMs);
        samples.set(subject.name, [...(samples.get(subject.name) ?? []), sample]);
        progress(`outbound round ${round}/${rounds} ${subject.name}: ${fmt.int(sample.rps)} req/s`);
      }
    }
    const named = (name: string): Subject => subjects.find((subject) => subject.name === name)!;
    const ours = named('ApiClient');
    for (const { base } of TARGETS) {
      const other = named(base);
      const speed: number[] = [];
      const cpu: number[] = [];
      for (let pair = 0; pair < pairs; pair++) {
        // each pair in the other order than the one before, so neither side always goes first
        const first = pair % 2 ? other : ours;
        const a = await slice(first, pairSliceMs);
        const b = await slice(first === ours ? other : ours, pairSliceMs);
        const [mine, theirs] = first === ours ? [a, b] : [b, a];
        speed.push(mine.rps / theirs.rps);
        cpu.push(theirs.cpuUs / mine.cpuUs);
      }
      compared.set(base, { speed, cpu });
      progress(`outbound: ApiClient against ${base}: ${fmt.ratio(median(speed))}`);
    }
  } finally {
    await Promise.all(subjects.map((subject) => subject.close()));
    await upstream.stop();
  }
  const of = (name: string): Slice[] => samples.get(name)!;
  // a ratio is taken within each round, whose subjects ran one after the other, then the median
  const ratioTo = (name: string, base: string): number =>
    median(of(name).map((value, round) => value.rps / of(base)[round]!.rps));
  printTable(
    `## 2. Outbound success path — req/s, median of ${rounds} round(s) × ${sliceMs / 1000} s ` +
      `(ratios: median of the per-round ratios), ` +
      `${CONCURRENCY} concurrent calls, upstream (200, small JSON) in a child process`,
    ['client', 'req/s', 'CPU µs/call', `vs ${RETRYING_SERVICE}`, 'vs undici'],
    subjects.map((subject) => [
      subject.name,
      fmt.int(median(of(subject.name).map((value) => value.rps))),
      fmt.fixed(median(of(subject.name).map((value) => value.cpuUs)), 1),
      fmt.ratio(ratioTo(subject.name, RETRYING_SERVICE)),
      fmt.ratio(ratioTo(subject.name, UNDICI)),
    ]),
  );
  printTable(
    `\n## 2b. Outbound targets — ApiClient and each client alternating, ${pairs} pairs of ` +
      `${pairSliceMs} ms slices; median of the pairs' ratios (interquartile range)`,
    ['ApiClient against', 'req/s ratio', 'CPU ratio (theirs / ours per call)', 'target (req/s)'],
    TARGETS.map(({ base, target }) => {
      const { speed, cpu } = compared.get(base)!;
      return [base, spread(speed), spread(cpu), `>= ${target}x ${verdict(median(speed) >= target)}`];
    }),
  );
  console.log(
    [
      '',
      'Each client is fresh, on its own keep-alive agent (undici request: its own Agent). ApiClient:',
      "  new ApiClient({ baseURL }) with its defaults (transport 'undici', its own keep-alive pool);",
      "  ApiClient transport: 'node': axios' http adapter on a keep-alive agent, like the axios rows.",
      '  ApiClient telemetry: false: the same client without its OpenTelemetry look-ups; the default',
      '  ApiClient runs with @opentelemetry/api installed and no SDK registered, as most apps would.',
      '  axios + axios-retry on the undici adapter: a bare axios instance (stock defaults) with',
      "  axios-retry on ApiClient's transport and nothing else: what the transport alone gives.",
      'CPU µs/call: CPU time of the bench process (the clients; the upstream is another process) per call.',
    ].join('\n'),
  );
  if (failures) console.log(`WARNING: ${failures} call(s) failed on the success path.`);
}
