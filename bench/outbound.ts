/**
 * Section 2 — outbound success path: requests/s of each client at 50
 * concurrent calls to a loopback upstream in a child process that always
 * answers 200.
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
  const rounds = args.quick ? 1 : 5;
  const durationMs = args.quick ? 500 : 2000;
  const warmupMs = args.quick ? 200 : 1000;
  progress('outbound: starting the upstream');
  const upstream = await startUpstream();
  const subjects: Subject[] = [];
  const samples = new Map<string, number[]>();
  let failures = 0;
  try {
    await upstream.ask('configure', { failShare: 0 });
    for (const factory of FACTORIES) subjects.push(factory(upstream.url));
    for (const subject of subjects)
      failures += (await runFor(warmupMs, CONCURRENCY, () => subject.call())).failed;
    progress('outbound: warmed up');
    for (let round = 1; round <= rounds; round++) {
      for (const subject of subjects) {
        const { completed, failed, elapsedMs } = await runFor(durationMs, CONCURRENCY, () => subject.call());
        failures += failed;
        assertChildrenAlive();
        const rps = (completed / elapsedMs) * 1000;
        samples.set(subject.name, [...(samples.get(subject.name) ?? []), rps]);
        progress(`outbound round ${round}/${rounds} ${subject.name}: ${fmt.int(rps)} req/s`);
      }
    }
  } finally {
    await Promise.all(subjects.map((subject) => subject.close()));
    await upstream.stop();
  }
  const rps = (name: string): number => median(samples.get(name)!);
  // a ratio is taken within each round, whose subjects ran one after the other, then the median:
  // the machine's speed drifts between rounds more than between neighbours
  const ratioTo = (name: string, base: string): number => {
    const baseSamples = samples.get(base)!;
    return median(samples.get(name)!.map((value, round) => value / baseSamples[round]!));
  };
  printTable(
    `## 2. Outbound success path — req/s, median of ${rounds} round(s) × ${durationMs / 1000} s ` +
      `(ratios: median of the per-round ratios), ` +
      `${CONCURRENCY} concurrent calls, upstream (200, small JSON) in a child process`,
    ['client', 'req/s', 'vs HttpService+axios-retry', 'vs undici', 'target'],
    subjects.map((subject) => {
      const value = rps(subject.name);
      const ratio = ratioTo(subject.name, 'HttpService + axios-retry');
      const vsUndici = ratioTo(subject.name, 'undici request');
      const idle = subject.name === NO_TELEMETRY ? ratioTo('ApiClient', NO_TELEMETRY) : undefined;
      return [
        subject.name,
        fmt.int(value),
        fmt.ratio(ratio),
        fmt.ratio(vsUndici),
        subject.name === 'ApiClient'
          ? `>= ${TARGET_VS_RETRY}x HttpService+axios-retry ${verdict(ratio >= TARGET_VS_RETRY)}, ` +
            `>= ${TARGET_VS_UNDICI}x undici ${verdict(vsUndici >= TARGET_VS_UNDICI)}`
          : idle !== undefined
            ? `ApiClient ${idle.toFixed(3)}x of this, >= ${TARGET_TELEMETRY_IDLE}x ${verdict(idle >= TARGET_TELEMETRY_IDLE)}`
            : subject === subjects.at(-1) || subject.name.startsWith('ApiClient')
              ? 'for reference'
              : '',
      ];
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
    ].join('\n'),
  );
  if (failures) console.log(`WARNING: ${failures} call(s) failed on the success path.`);
}
