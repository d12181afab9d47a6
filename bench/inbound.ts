/**
 * Section 1 — inbound error path: requests/s of Nest's defaults (with Nest's
 * ValidationPipe) against `ErrorsModule.forRoot()`, same routes, same
 * adapter, the app in a child process and autocannon in this one.
 */
import autocannon from 'autocannon';
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

export type Variant = 'nest' | 'ours';
const VARIANTS: readonly Variant[] = ['nest', 'ours'];
const ADAPTERS = ['express', 'fastify'] as const;
const CONNECTIONS = 10;
const TARGET = 0.95;

export interface Route {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** An error route (held to the target); the 200 is for reference. */
  readonly error: boolean;
}

export const INVALID_ORDER = JSON.stringify({
  name: 'Al',
  email: 'not-an-email',
  items: [
    { sku: 'A-1', qty: 0 },
    { sku: 7, qty: 2 },
  ],
});

export const ROUTES: readonly Route[] = [
  { name: '404 domain error', method: 'GET', path: '/users/42', status: 404, error: true },
  {
    name: '400 DTO validation',
    method: 'POST',
    path: '/orders',
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: INVALID_ORDER,
    error: true,
  },
  { name: '500 crash', method: 'GET', path: '/crash', status: 500, error: true },
  { name: '200 (reference)', method: 'GET', path: '/users/1', status: 200, error: false },
];

export function startApp(variant: Variant, adapter: string): Promise<ChildHandle> {
  return startChild(
    new URL('./inbound-app.js', import.meta.url),
    [variant, adapter],
    `${variant}/${adapter} app`,
  );
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
  clean: boolean;
}

/** One autocannon run against an app: responses per second, and whether every answer had the route's status. */
async function load(app: ChildHandle, route: Route, seconds: number): Promise<Load> {
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
  const total = result.requests.total;
  const expected = result.statusCodeStats?.[`${route.status}`]?.count ?? 0;
  return {
    rps: total / result.duration,
    clean: result.errors === 0 && expected === total && total > 0,
  };
}

/** Fails early when an app does not answer what the bench expects. */
async function checkApp(url: string, variant: Variant): Promise<void> {
  for (const route of ROUTES) {
    const response = await fetch(url + route.path, {
      method: route.method,
      headers: route.headers,
      body: route.body,
      signal: AbortSignal.timeout(5000),
    });
    const body = (await response.json()) as Record<string, unknown>;
    const shape = route.status === 200 || (variant === 'ours' ? 'reason' in body : 'statusCode' in body);
    if (response.status !== route.status || !shape) {
      throw new Error(`${variant} ${route.method} ${route.path}: ${response.status} ${JSON.stringify(body)}`);
    }
  }
}

export async function runInbound(args: BenchArgs): Promise<void> {
  const rounds = args.quick ? 1 : 3;
  const seconds = args.quick ? 1 : 2;
  const warmupSeconds = args.quick ? 0.2 : 1;
  const rows: string[][] = [];
  let unclean = 0;
  progress('inbound: starting the four apps');
  const apps = new Map<string, ChildHandle>();
  try {
    await Promise.all(
      ADAPTERS.flatMap((adapter) =>
        VARIANTS.map(async (variant) => apps.set(`${variant}/${adapter}`, await startApp(variant, adapter))),
      ),
    );
    for (const adapter of ADAPTERS) {
      const app = (variant: Variant): ChildHandle => apps.get(`${variant}/${adapter}`)!;
      for (const variant of VARIANTS) await checkApp(app(variant).url, variant);
      for (const route of ROUTES) {
        for (const variant of VARIANTS) await load(app(variant), route, warmupSeconds);
      }
      progress(`inbound: ${adapter} warmed up`);
      const samples = new Map<string, Load[]>();
      for (let round = 1; round <= rounds; round++) {
        for (const route of ROUTES) {
          for (const variant of VARIANTS) {
            const run = await load(app(variant), route, seconds);
            if (!run.clean) unclean++;
            const key = `${route.name}/${variant}`;
            samples.set(key, [...(samples.get(key) ?? []), run]);
            progress(
              `inbound ${adapter} round ${round}/${rounds} ${route.name} ${variant}: ${fmt.int(run.rps)} req/s` +
                (run.clean ? '' : ' (unexpected statuses!)'),
            );
          }
        }
      }
      for (const route of ROUTES) {
        const runs = (variant: Variant): Load[] => samples.get(`${route.name}/${variant}`)!;
        const nest = median(runs('nest').map((run) => run.rps));
        const ours = median(runs('ours').map((run) => run.rps));
        const ratio = ours / nest;
        rows.push([
          adapter,
          route.name,
          fmt.int(nest),
          fmt.int(ours),
          fmt.ratio(ratio),
          route.error ? `>= ${TARGET}x ${verdict(ratio >= TARGET)}` : 'reference',
        ]);
      }
    }
  } finally {
    await Promise.all([...apps.values()].map((app) => app.stop()));
  }
  printTable(
    `## 1. Inbound error path — req/s, median of ${rounds} round(s) × ${seconds} s, ${CONNECTIONS} connections ` +
      `(autocannon here, app in a child process; Nest logger at default levels to /dev/null)`,
    ['adapter', 'route', 'Nest default', 'ErrorsModule', 'ours/Nest', 'target'],
    rows,
  );
  console.log(
    [
      '',
      'Nest default: no ErrorsModule, Nest’s ValidationPipe via app.useGlobalPipes(new ValidationPipe()), Nest’s',
      '  exception handling. ErrorsModule: ErrorsModule.forRoot({ errors: [AppErrors] }) — filter,',
      '  EnvelopeValidationPipe, request id middleware, one log line per failure (4xx at warn); on Fastify',
      '  also FastifyAdapter({ frameworkErrors: envelopeFrameworkErrors }). Same routes, DTO and logger.',
    ].join('\n'),
  );
  if (unclean) console.log(`WARNING: ${unclean} run(s) saw connection errors or unexpected statuses.`);
}
