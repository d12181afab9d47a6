import * as fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import * as zlib from 'node:zlib';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, UpstreamException } from '../src/index.js';
import { HostileUpstream, MISBEHAVIOURS, type MisbehaviourName } from './fixtures/hostile-upstream.js';
import { closeServer, listen } from './fixtures/upstream.js';

/** zstd where this Node's zlib has it (>= 22.15), as axios decodes it there. */
const zstdCompressSync = (zlib as unknown as { zstdCompressSync?: (body: Buffer) => Buffer })
  .zstdCompressSync;

/** One answer of the upstream, as the property draws it. */
interface Answer {
  status: number;
  contentType: string;
  coding: 'identity' | 'gzip' | 'x-gzip' | 'deflate' | 'raw-deflate' | 'br' | 'garbage-gzip' | 'zstd';
  body: Uint8Array;
  chunks: number;
}

const ENCODE: Record<Answer['coding'], (body: Buffer) => Buffer> = {
  identity: (body) => body,
  gzip: (body) => gzipSync(body),
  'x-gzip': (body) => gzipSync(body),
  deflate: (body) => deflateSync(body),
  'raw-deflate': (body) => deflateRawSync(body),
  br: (body) => brotliCompressSync(body),
  'garbage-gzip': (body) => Buffer.concat([Buffer.from('not gzip'), body]),
  zstd: (body) => (zstdCompressSync ? zstdCompressSync(body) : body),
};
const HEADER: Record<Answer['coding'], string | undefined> = {
  identity: undefined,
  gzip: 'gzip',
  'x-gzip': 'x-gzip',
  deflate: 'deflate',
  'raw-deflate': 'deflate',
  br: 'br',
  'garbage-gzip': 'gzip',
  zstd: 'zstd',
};

const answers = new Map<string, Answer>();

const answer: fc.Arbitrary<Answer> = fc.record({
  status: fc.constantFrom(200, 201, 204, 404, 500),
  contentType: fc.constantFrom('application/json', 'text/plain; charset=utf-8', 'application/octet-stream'),
  coding: fc.constantFrom(
    'identity',
    'gzip',
    'x-gzip',
    'deflate',
    'raw-deflate',
    'br',
    'garbage-gzip',
    'zstd',
  ),
  body: fc.oneof(
    fc.uint8Array({ maxLength: 3000 }),
    fc.jsonValue({ maxDepth: 3 }).map((value) => new TextEncoder().encode(JSON.stringify(value))),
    fc.string({ maxLength: 200 }).map((text) => new TextEncoder().encode(`\uFEFF${text}`)),
  ),
  chunks: fc.integer({ min: 1, max: 4 }),
});

const request = fc.record(
  {
    responseType: fc.constantFrom('json', 'text', 'arraybuffer'),
    maxContentLength: fc.integer({ min: 0, max: 4000 }),
    decompress: fc.boolean(),
    method: fc.constantFrom('GET', 'HEAD'),
  },
  { requiredKeys: ['method'] },
);

type Drawn<A> = A extends fc.Arbitrary<infer T> ? T : never;

const shown = (data: unknown) => (Buffer.isBuffer(data) ? `hex:${data.toString('hex')}` : data);

/** What a call gave: everything a caller could compare, with bytes as hex. */
async function outcome(client: ApiClient, path: string, config: Drawn<typeof request>) {
  const { method, ...rest } = config;
  try {
    const response = await client.request({ url: path, method, ...rest, validateStatus: () => true });
    return {
      status: response.status,
      statusText: response.statusText,
      data: shown(response.data),
      contentType: response.headers['content-type'],
      contentEncoding: response.headers['content-encoding'],
    };
  } catch (error) {
    const cause = (error as UpstreamException).cause as { code?: string; message?: string };
    return { failed: (error as Error).name, code: cause?.code, message: cause?.message };
  }
}

describe('the undici transport answers as axiosʼ http adapter does', () => {
  let upstream: Server;
  let node: ApiClient;
  let undici: ApiClient;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const drawn = answers.get(req.url ?? '')!;
      const coding = HEADER[drawn.coding];
      const encoded = drawn.status === 204 ? Buffer.alloc(0) : ENCODE[drawn.coding](Buffer.from(drawn.body));
      res.writeHead(drawn.status, {
        'Content-Type': drawn.contentType,
        ...(coding ? { 'Content-Encoding': coding } : {}),
        ...(drawn.status === 204 ? {} : { 'Content-Length': String(encoded.length) }),
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const size = Math.ceil(encoded.length / drawn.chunks);
      for (let at = 0; at < encoded.length; at += size) res.write(encoded.subarray(at, at + size));
      res.end();
    });
    const baseURL = await listen(upstream);
    const options = { baseURL, retry: false as const, breaker: false as const, budget: false as const };
    node = new ApiClient({ ...options, transport: 'node' });
    undici = new ApiClient({ ...options, transport: 'undici' });
  });
  afterAll(async () => {
    await Promise.all([node.close(), undici.close()]);
    await closeServer(upstream);
  });

  it('for any status, content type, coding, chunking and body, under any response type and limit', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(answer, request, async (drawn, config) => {
        const path = `/answer/${run++}`;
        answers.set(path, drawn);
        expect(await outcome(undici, path, config)).toEqual(await outcome(node, path, config));
        answers.delete(path);
      }),
      { numRuns: 300 },
    );
  });

  it('is an UpstreamException on both when the body does not decode', async () => {
    answers.set('/garbage', {
      status: 200,
      contentType: 'application/json',
      coding: 'garbage-gzip',
      body: new Uint8Array([1]),
      chunks: 1,
    });
    const both = await Promise.all(
      [node, undici].map((client) => client.get('/garbage').catch((e: unknown) => e)),
    );
    for (const error of both) expect(error).toBeInstanceOf(UpstreamException);
  });
});

/**
 * How each hostile answer fails, on either transport: the code axios' http
 * adapter gives, and whether the call is retried (2 attempts) or not.
 */
const HOSTILE: Readonly<Record<MisbehaviourName, { code: string; attempts: number }>> = {
  'reset mid-body': { code: 'ECONNRESET', attempts: 2 },
  'truncated chunked body': { code: 'ERR_BAD_RESPONSE', attempts: 2 },
  'invalid status line': { code: 'HPE_INVALID_STATUS', attempts: 1 },
  'header bomb': { code: 'HPE_HEADER_OVERFLOW', attempts: 1 },
  'endless body': { code: 'ERR_BAD_RESPONSE', attempts: 1 },
  'redirect to a file: URL': { code: 'ERR_FR_REDIRECTION_FAILURE', attempts: 1 },
  'redirect to an unparsable Location': { code: 'ERR_FR_REDIRECTION_FAILURE', attempts: 1 },
  'endless redirects': { code: 'ERR_FR_TOO_MANY_REDIRECTS', attempts: 1 },
};

describe('hostile answers fail alike on both transports', () => {
  let upstream: HostileUpstream;
  let clients: Record<'node' | 'undici', ApiClient>;

  beforeAll(async () => {
    upstream = await HostileUpstream.start();
    const options = {
      baseURL: upstream.url,
      retry: { retries: 1, baseDelayMs: 0 },
      breaker: false as const,
      budget: false as const,
    };
    clients = {
      node: new ApiClient({ ...options, transport: 'node' }),
      undici: new ApiClient({ ...options, transport: 'undici' }),
    };
  });
  afterAll(async () => {
    await Promise.all([clients.node.close(), clients.undici.close()]);
    await upstream.close();
  });

  /** The error code, the retry decision and the failure kind of one call, and what reached the upstream. */
  async function failureOf(transport: 'node' | 'undici', name: MisbehaviourName, config: object) {
    upstream.act(MISBEHAVIOURS[name]);
    const error = await clients[transport].get('/hostile', config).catch((e: unknown) => e);
    const failure = error as UpstreamException;
    return {
      exception: failure instanceof UpstreamException,
      kind: failure.kind,
      code: (failure.cause as { code?: string } | undefined)?.code,
      attempts: failure.attempts,
      reason: failure.reason,
      requests: upstream.requests,
    };
  }

  it('for each one: the same error code, retry decision and UpstreamException kind', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(HOSTILE) as MisbehaviourName[])),
        fc.record({
          responseType: fc.constantFrom('json', 'text', 'arraybuffer'),
          maxContentLength: fc.integer({ min: 1024, max: 1024 * 1024 }),
          maxRedirects: fc.integer({ min: 1, max: 5 }),
        }),
        async (name, config) => {
          const node = await failureOf('node', name, config);
          expect({ name, ...(await failureOf('undici', name, config)) }).toEqual({ name, ...node });
          expect(node).toMatchObject({ exception: true, kind: 'network', ...HOSTILE[name] });
        },
      ),
      { numRuns: 60 },
    );
  });
});
