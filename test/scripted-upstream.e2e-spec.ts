import { ConsoleLogger, Controller, Get, type INestApplication, Logger, Module, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { ApiClient, ErrorsModule, UpstreamException } from '../src/index.js';
import { envelopeMatchers, ScriptedUpstream } from '../src/testing/index.js';
import { LogCapture } from './fixtures/log-capture.js';
import { gate, TRANSPORTS, useClients } from './fixtures/upstream.js';

const logs = new LogCapture();

expect.extend(envelopeMatchers);

beforeAll(() => Logger.overrideLogger(logs));
afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

/** Reads one answer of the upstream: status, headers and the body as text. */
async function call(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('ScriptedUpstream', () => {
  let upstream: ScriptedUpstream;

  beforeAll(async () => {
    upstream = await ScriptedUpstream.start();
  });
  afterEach(() => upstream.reset());
  afterAll(() => upstream.close());

  it('answers a path step by step, then repeats the last step', async () => {
    upstream.script(
      '/quotes',
      503,
      { status: 503, headers: { 'Retry-After': '2' } },
      { status: 200, body: { price: 42 } },
    );
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await call(`${upstream.url}/quotes?i=${i}`));
    expect(answers.map((answer) => answer.status)).toEqual([503, 503, 200, 200]);
    expect(answers[1]!.headers.get('retry-after')).toBe('2');
    expect(answers[2]!.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(JSON.parse(answers[3]!.text)).toEqual({ price: 42 });
    expect(answers[0]!.text).toBe('');
  });

  it('sends strings and bytes as they are, and the headers a step names over its defaults', async () => {
    upstream
      .script('/text', { status: 200, body: 'plain words' })
      .script('/bytes', { status: 200, body: Buffer.from([0, 255]) })
      .script('/problem', {
        status: 400,
        headers: { 'content-type': 'application/problem+json' },
        body: { title: 'x' },
      });
    const text = await call(`${upstream.url}/text`);
    expect([text.text, text.headers.get('content-type')]).toEqual([
      'plain words',
      'text/plain; charset=utf-8',
    ]);
    const bytes = await fetch(`${upstream.url}/bytes`);
    expect(bytes.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([0, 255]);
    const problem = await call(`${upstream.url}/problem`);
    expect([problem.status, problem.headers.get('content-type'), problem.text]).toEqual([
      400,
      'application/problem+json',
      '{"title":"x"}',
    ]);
  });

  it('records every request: method, url, path, headers, body and when it arrived', async () => {
    upstream.script('/orders', 201);
    const before = performance.now();
    await call(`${upstream.url}/orders?draft=1`, {
      method: 'POST',
      headers: { 'X-Test': 'yes' },
      body: '{"a":1}',
    });
    await call(`${upstream.url}/other`);
    expect(upstream.hits.map((hit) => hit.path)).toEqual(['/orders', '/other']);
    const [hit] = upstream.hitsOf('/orders');
    expect(hit).toMatchObject({
      method: 'POST',
      url: '/orders?draft=1',
      path: '/orders',
      headers: { 'x-test': 'yes' },
    });
    expect(hit!.body.toString()).toBe('{"a":1}');
    expect(hit!.at).toBeGreaterThanOrEqual(before);
    expect(hit!.at).toBeLessThanOrEqual(upstream.hits[1]!.at);
  });

  it('answers a path without a script from the fallback', async () => {
    const answer = await call(`${upstream.url}/nowhere`);
    expect([answer.status, JSON.parse(answer.text)]).toEqual([404, { error: 'no script for this path' }]);
    const other = await ScriptedUpstream.start({ fallback: { status: 200, body: { ok: true } } });
    try {
      expect((await call(`${other.url}/anything`)).text).toBe('{"ok":true}');
    } finally {
      await other.close();
    }
  });

  it('starts a script over when it is set again, and drops it when set with no steps', async () => {
    upstream.script('/p', 500, 200);
    expect((await call(`${upstream.url}/p`)).status).toBe(500);
    upstream.script('/p', 502, 200);
    expect((await call(`${upstream.url}/p`)).status).toBe(502);
    upstream.script('/p');
    expect((await call(`${upstream.url}/p`)).status).toBe(404);
    upstream.reset();
    expect(upstream.hits).toEqual([]);
  });

  it('waits for requests as they arrive', async () => {
    upstream.script('/p', 200);
    const two = upstream.waitForHits(2, '/p');
    await call(`${upstream.url}/p`);
    await call(`${upstream.url}/elsewhere`);
    await call(`${upstream.url}/p`);
    expect((await two).map((hit) => hit.path)).toEqual(['/p', '/p']);
    expect(await upstream.waitForHits(3)).toHaveLength(3);
  });

  it('answers after a delay, counted from the request', async () => {
    upstream.script('/slow', { status: 200, delayMs: 50 });
    await call(`${upstream.url}/slow`);
    const answered = performance.now();
    expect(answered - upstream.hits[0]!.at).toBeGreaterThanOrEqual(45);
  });

  it('holds an answer until the test releases it', async () => {
    const held = gate();
    upstream.script('/held', { status: 200, body: 'released', after: held.promise });
    let settled = false;
    const answer = call(`${upstream.url}/held`).finally(() => (settled = true));
    await upstream.waitForHits(1, '/held');
    expect(settled).toBe(false);
    held.open();
    expect((await answer).text).toBe('released');
  });

  it('resets the connection of a request', async () => {
    upstream.script('/reset', 'reset', 200);
    await expect(fetch(`${upstream.url}/reset`)).rejects.toThrow(TypeError);
    expect((await call(`${upstream.url}/reset`)).status).toBe(200);
  });

  it('refuses what is no step, at once', () => {
    expect(() => upstream.script('/x', 42)).toThrowError(/a step is a status \(100-599\).*received 42/);
    expect(() => upstream.script('/x', 'explode' as never)).toThrowError(TypeError);
    expect(() => upstream.script('/x', { status: 200, delayMs: -1 })).toThrowError(
      /delayMs must be a number >= 0/,
    );
    expect(() => new ScriptedUpstream().url).toThrowError(/not listening yet/);
  });
});

describe('ScriptedUpstream closing', () => {
  it('cuts hanging requests and rejects what waits for requests that never came', async () => {
    const upstream = await ScriptedUpstream.start();
    upstream.script('/hang', 'hang');
    const hanging = fetch(`${upstream.url}/hang`);
    await upstream.waitForHits(1, '/hang');
    const more = upstream.waitForHits(2, '/hang').catch((error: unknown) => error);
    await upstream.close();
    await expect(hanging).rejects.toThrow(TypeError);
    expect(await more).toEqual(new Error('ScriptedUpstream closed after 1 of 2 requests to /hang'));
    await expect(upstream.waitForHits(5)).rejects.toThrow('closed after 1 of 5 requests');
    await upstream.close();
  });

  it('speaks HTTPS with a key and certificate', async () => {
    const tls = join(import.meta.dirname, 'fixtures', 'tls');
    const cert = readFileSync(join(tls, 'cert.pem'));
    const upstream = await ScriptedUpstream.start({ tls: { key: readFileSync(join(tls, 'key.pem')), cert } });
    try {
      upstream.script('/secure', { status: 200, body: 'over tls' });
      expect(upstream.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const text = await new Promise<string>((resolve, reject) => {
        httpsGet(`${upstream.url}/secure`, { ca: cert }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
      expect(text).toBe('over tls');
    } finally {
      await upstream.close();
    }
  });
});

describe.each(TRANSPORTS)('ApiClient retrying against a ScriptedUpstream (%s transport)', (transport) => {
  let upstream: ScriptedUpstream;
  const keep = useClients();
  const client = (options: ConstructorParameters<typeof ApiClient>[0] = {}) =>
    keep(
      new ApiClient({
        transport,
        baseURL: upstream.url,
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
        ...options,
      }),
    );

  beforeAll(async () => {
    upstream = await ScriptedUpstream.start();
  });
  afterEach(() => {
    upstream.reset();
    logs.clear();
  });
  afterAll(() => upstream.close());

  it('succeeds after two 503s, in three requests', async () => {
    upstream.script('/quotes/acme', 503, 503, { status: 200, body: { price: 42 } });
    const { data } = await client().get('/quotes/acme');
    expect(data).toEqual({ price: 42 });
    expect(upstream.hitsOf('/quotes/acme').map((hit) => hit.method)).toEqual(['GET', 'GET', 'GET']);
    const retries = logs.records.filter((record) => record.message.includes('/quotes/acme attempt'));
    expect(retries.map((record) => record.message)).toEqual([
      expect.stringMatching(/attempt 2\/4 in \d+ms after status 503/),
      expect.stringMatching(/attempt 3\/4 in \d+ms after status 503/),
    ]);
  });

  it('retries a reset connection', async () => {
    upstream.script('/reset', 'reset', { status: 200, body: { ok: 1 } });
    expect((await client().get('/reset')).data).toEqual({ ok: 1 });
    expect(upstream.hitsOf('/reset')).toHaveLength(2);
  });

  it('honours Retry-After on a 429', async () => {
    upstream.script('/busy', { status: 429, headers: { 'Retry-After': '0' } }, 204);
    expect((await client().get('/busy')).status).toBe(204);
    expect(upstream.hitsOf('/busy')).toHaveLength(2);
  });

  it('retries a request that hangs past its attempt timeout', async () => {
    upstream.script('/hang', 'hang', { status: 200, body: { late: false } });
    const { data } = await client({ attemptTimeoutMs: 1000, deadlineMs: 10_000 }).get('/hang');
    expect(data).toEqual({ late: false });
    expect(upstream.hitsOf('/hang')).toHaveLength(2);
  });

  it('retries a POST only with an idempotency key, the same on every attempt', async () => {
    upstream.script('/charge', 503, 201);
    await expect(client().post('/charge', { cents: 100 })).rejects.toBeInstanceOf(UpstreamException);
    expect(upstream.hitsOf('/charge')).toHaveLength(1);
    upstream.script('/charge', 503, 201);
    await client().post('/charge', { cents: 100 }, { idempotencyKey: true });
    const keys = upstream
      .hitsOf('/charge')
      .slice(1)
      .map((hit) => hit.headers['idempotency-key']);
    expect(keys).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), keys[0]]);
    expect(upstream.hitsOf('/charge').map((hit) => hit.body.toString())).toEqual(
      Array(3).fill('{"cents":100}'),
    );
  });

  it('gives up after its retries with the facts of the failure', async () => {
    upstream.script('/down', 503);
    const error = await client()
      .get('/down')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'status', upstreamStatus: 503, attempts: 4 });
    expect(upstream.hitsOf('/down')).toHaveLength(4);
  });
});

@Controller('quotes')
class QuotesController {
  constructor(private readonly api: ApiClient) {}

  @Get(':symbol')
  async quote(@Param('symbol') symbol: string): Promise<unknown> {
    return (await this.api.get(`/quotes/${symbol}`)).data;
  }
}

@Module({ controllers: [QuotesController] })
class QuotesModule {}

describe('a Nest app whose handler calls a ScriptedUpstream', () => {
  let upstream: ScriptedUpstream;
  let app: INestApplication;

  beforeAll(async () => {
    upstream = await ScriptedUpstream.start();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ErrorsModule.forRoot({ client: { baseURL: upstream.url, retry: { baseDelayMs: 5 } } }),
        QuotesModule,
      ],
    }).compile();
    app = await moduleRef.createNestApplication({ logger: false }).init();
  });
  afterEach(() => upstream.reset());
  afterAll(async () => {
    await app.close();
    await upstream.close();
  });

  it('gets the quote after two 503s, forwarding the request id on every attempt', async () => {
    upstream.script(
      '/quotes/acme',
      503,
      { status: 503, headers: { 'Retry-After': '0' } },
      { status: 200, body: { price: 42 } },
    );
    const res = await request(app.getHttpServer()).get('/quotes/acme').set('X-Request-Id', 'test-1');
    expect(res.body).toEqual({ price: 42 });
    const hits = upstream.hitsOf('/quotes/acme');
    expect(hits.map((hit) => hit.headers['x-request-id'])).toEqual(['test-1', 'test-1', 'test-1']);
  });

  it('answers 502 UPSTREAM_ERROR once the retries run out', async () => {
    upstream.script('/quotes/acme', 503);
    const res = await request(app.getHttpServer()).get('/quotes/acme');
    expect(res).toBeEnvelope({ status: 502, reason: 'UPSTREAM_ERROR' });
    expect(upstream.hitsOf('/quotes/acme')).toHaveLength(4);
  });
});
