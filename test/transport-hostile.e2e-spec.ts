import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bomb, CODINGS } from '../bench/coded-bomb.js';
import { ApiClient, UpstreamException } from '../src/index.js';
import { closeServer, listen, TRANSPORTS } from './fixtures/upstream.js';

/**
 * Answers that would exhaust a client: decompression bombs, bodies without
 * end, bodies cut off. Each is bounded — by `maxContentLength` as the bytes
 * are decoded, or by the call's deadline — on both transports.
 */
const MiB = 1024 * 1024;

const causeOf = (error: unknown) => (error as UpstreamException).cause as { code?: string; message?: string };

/** Raw bytes the upstream wrote in its last answer. */
let sent = 0;
const count = (bytes: number): void => {
  sent += bytes;
};

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  ...Object.fromEntries(
    CODINGS.map((coding) => [`/bomb/${coding}`, (_req, res) => bomb(res, coding, { onChunk: count })]),
  ),
  '/slow-bomb': (_req, res) => bomb(res, 'gzip', { everyMs: 20, onChunk: count }),
  // 2 MiB of zeros once decoded, then nothing more, and no end
  '/stalled-bomb': (_req, res) => {
    res.writeHead(200, { 'Content-Encoding': 'gzip' });
    res.write(gzipSync(Buffer.alloc(2 * MiB)).subarray(0, -8));
  },
  '/stalled-br-bomb': (_req, res) => {
    res.writeHead(200, { 'Content-Encoding': 'br' });
    res.write(brotliCompressSync(Buffer.alloc(2 * MiB)));
  },
  // a chunk, then the server destroys the response (axios: "stream has been aborted")
  '/destroyed': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('first chunk');
    setTimeout(() => res.destroy(), 10);
  },
};

describe.each(TRANSPORTS)('hostile answers on the %s transport', (transport) => {
  let server: Server;
  let baseURL: string;
  let client: ApiClient;

  beforeAll(async () => {
    server = createServer((req, res) => routes[req.url ?? '']!(req, res));
    baseURL = await listen(server);
    client = new ApiClient({
      transport,
      baseURL,
      retry: false,
      budget: false,
      breaker: false,
      // a timeout would give another error than the one each test expects
      attemptTimeoutMs: 10_000,
    });
  });
  beforeEach(() => {
    sent = 0;
  });
  afterAll(async () => {
    await client.close();
    await closeServer(server);
  });

  it.each(CODINGS)(
    'stops an endless %s body at maxContentLength, counted as it is decoded',
    async (coding) => {
      const error = await client
        .get(`/bomb/${coding}`, { maxContentLength: MiB, responseType: 'arraybuffer' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamException);
      expect(causeOf(error)).toMatchObject({
        code: 'ERR_BAD_RESPONSE',
        message: `maxContentLength size of ${MiB} exceeded`,
      });
      // zeros compress about 1000:1: a client reading the raw body to its end would have taken gigabytes
      expect(sent).toBeLessThan(16 * MiB);
    },
  );

  it.each(['/stalled-bomb', '/stalled-br-bomb'])(
    'fails %s at maxContentLength at once, not when more bytes or the end arrive',
    async (path) => {
      const error = await client.get(path, { maxContentLength: MiB }).catch((e: unknown) => e);
      expect(causeOf(error)).toMatchObject({ message: `maxContentLength size of ${MiB} exceeded` });
    },
  );

  it('ends a coded body without end at the deadline when there is no size limit', async () => {
    const error = await client.get('/slow-bomb', { deadlineMs: 1500 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'deadline', reason: 'deadline of 1500ms passed' });
  });

  it('fails a body the server destroys after a chunk as axios does: "stream has been aborted"', async () => {
    const error = await client.axiosRef.get('/destroyed').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_BAD_RESPONSE', message: 'stream has been aborted' });
    expect((error as { response?: { status?: number } }).response?.status).toBe(200);
  });

  it('makes a body cut off a network failure (502), not a status one', async () => {
    const error = await client.get('/destroyed').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', reason: 'body cut off', upstreamStatus: undefined });
    expect((error as UpstreamException).entry?.status).toBe(502);
  });

  it('retries a body cut off, as a reset', async () => {
    const retrying = new ApiClient({ transport, baseURL, retry: { retries: 1, baseDelayMs: 0 } });
    const error = await retrying.get('/destroyed').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', attempts: 2 });
    await retrying.close();
  });
});
