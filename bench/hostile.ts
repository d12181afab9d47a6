/**
 * Section — hostile bodies: the longest event-loop stall one request causes,
 * against the nested-array DTO route, with default options and each
 * adapter's default body limit (Express 100 KB, Fastify 1 MB). Nest's
 * defaults with Nest's ValidationPipe run beside, for reference.
 */
import { request } from 'undici';
import { startApp, type Variant } from './inbound.js';
import { type BenchArgs, fmt, printTable, progress, verdict } from './shared.js';

const ADAPTERS = ['express', 'fastify'] as const;
const BODY_LIMIT = { express: 100 * 1024, fastify: 1024 * 1024 } as const;
const TARGET_MS = 100;
const ORDER = '"name":"Widget","email":"a@example.com"';

interface Body {
  readonly name: string;
  readonly json: string;
}

/** The largest `count` for which `make(count)` stays under `limit` bytes. */
function fill(limit: number, make: (count: number) => string): string {
  let low = 1;
  let high = 2;
  while (make(high).length < limit) high *= 2;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (make(middle).length < limit) low = middle;
    else high = middle;
  }
  return make(low);
}

const items = (count: number, item: string) =>
  `{${ORDER},"items":[${Array.from({ length: count }, () => item).join(',')}]}`;
const deep = (depth: number) =>
  `{${ORDER},"items":[{"sku":"a","qty":1}],"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;
const nestedItems = (depth: number) => `{${ORDER},"items":${'['.repeat(depth)}{}${']'.repeat(depth)}}`;
const wide = (count: number) =>
  `{${ORDER},"items":[{"sku":"a","qty":1}],${Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',')}}`;

function bodies(limit: number): Body[] {
  return [
    { name: 'nested arrays in an unknown field, to the body limit', json: fill(limit, deep) },
    { name: 'nested arrays in the DTO array, to the body limit', json: fill(limit, nestedItems) },
    { name: 'array of {} to the body limit', json: fill(limit, (n) => items(n, '{}')) },
    { name: '1,000 invalid items (the array bound)', json: items(1000, '{"sku":5,"qty":0}') },
    {
      name: '1,000 items with 7 unknown keys each',
      json: items(1000, '{"sku":"a","qty":1,"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7}'),
    },
    { name: '1,000 valid items', json: items(1000, '{"sku":"a","qty":1}') },
    { name: 'unknown keys to the node bound', json: wide(4990) },
    { name: 'unknown keys to the body limit', json: fill(limit, wide) },
  ].filter((body) => body.json.length < limit);
}

interface Outcome {
  readonly status: number;
  readonly stallMs: number;
}

async function send(
  url: string,
  body: Body,
  stall: () => Promise<number>,
  reset: () => Promise<void>,
): Promise<Outcome> {
  await reset();
  const response = await request(`${url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body.json,
  });
  await response.body.dump();
  return { status: response.statusCode, stallMs: await stall() };
}

export async function runHostile(args: BenchArgs): Promise<void> {
  const rounds = args.quick ? 1 : 3;
  for (const adapter of ADAPTERS) {
    const list = bodies(BODY_LIMIT[adapter]);
    const results = new Map<Variant, Outcome[][]>();
    for (const variant of ['ours', 'nest'] as const) {
      progress(`hostile bodies: ${variant}/${adapter}`);
      const app = await startApp(variant, adapter);
      const stall = () => app.ask<number>('stall');
      const reset = () => app.ask<void>('resetStall');
      try {
        const perBody: Outcome[][] = list.map(() => []);
        // one round to warm the app up (a server under attack is warm), not counted
        for (const body of list) await send(app.url, body, stall, reset).catch(() => undefined);
        for (let round = 0; round < rounds; round++) {
          for (const [index, body] of list.entries()) {
            perBody[index]!.push(
              await send(app.url, body, stall, reset).catch(() => ({ status: 0, stallMs: NaN })),
            );
          }
        }
        results.set(variant, perBody);
      } finally {
        await app.stop();
      }
    }
    const worst = (outcomes: Outcome[]) => Math.max(...outcomes.map((outcome) => outcome.stallMs));
    const ours = results.get('ours')!;
    const nest = results.get('nest')!;
    const rows = list.map((body, index) => [
      body.name,
      fmt.int(body.json.length),
      String(ours[index]![0]!.status),
      fmt.ms(worst(ours[index]!)),
      String(nest[index]![0]!.status || 'crashed'),
      fmt.ms(worst(nest[index]!)),
    ]);
    printTable(
      `Hostile bodies on ${adapter} (body limit ${fmt.int(BODY_LIMIT[adapter] / 1024)} KB, default options; longest event-loop stall of ${rounds} round(s) after a warm-up round)`,
      ['body', 'bytes', 'ours', 'ours stall', 'Nest', 'Nest stall'],
      rows,
    );
    const worstIndex = ours.reduce(
      (best, outcomes, index) => (worst(outcomes) > worst(ours[best]!) ? index : best),
      0,
    );
    const worstMs = worst(ours[worstIndex]!);
    const failures = ours.filter((outcomes) =>
      outcomes.some((outcome) => outcome.status >= 500 || outcome.status === 0),
    );
    console.log(
      `\n${adapter}: longest stall ${fmt.ms(worstMs)} (${list[worstIndex]!.name}) — target <= ${TARGET_MS} ms: ${verdict(worstMs <= TARGET_MS)}; 5xx answers: ${failures.length}`,
    );
  }
}
