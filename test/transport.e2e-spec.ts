import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import { Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, UpstreamException } from '../src/index.js';
import { closeServer, listen, refusedUrl, TRANSPORTS, until } from './fixtures/upstream.js';

const tls = (name: string) => readFileSync(new URL(`./fixtures/tls/${name}`, import.meta.url));

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

function serve(handler: Handler) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  };
}

const echoed = (data: unknown) => data as { method: string; headers: Record<string, string>; body: string };
const sent = (data: unknown) => Buffer.from(echoed(data).body, 'base64');

const JSON_BODY = JSON.stringify({ hello: 'world', list: [1, 2, 3] });

/** An upstream with one route per behaviour under test. */
const routes: Record<string, Handler> = {
  '/echo': (req, res, body) => {
    req.headers['x-path'] = req.url ?? '';
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'X-Custom': 'yes',
      'Set-Cookie': ['a=1', 'b=2'],
    });
    res.end(JSON.stringify({ method: req.method, headers: req.headers, body: body.toString('base64') }));
  },
  '/gzip': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    res.end(gzipSync(JSON_BODY));
  },
  '/deflate': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' });
    res.end(deflateSync(JSON_BODY));
  },
  '/br': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'br' });
    res.end(brotliCompressSync(JSON_BODY));
  },
  '/big': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('x'.repeat(64 * 1024));
  },
  '/bytes': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.end(Buffer.from([0, 1, 2, 254, 255]));
  },
  '/text': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('plain text ✓');
  },
  '/bom': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(`\uFEFF${JSON_BODY}`);
  },
  '/latin1': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=latin1' });
    res.end(Buffer.from('café', 'latin1'));
  },
  '/big-gzip': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' });
    res.end(gzipSync('y'.repeat(64 * 1024)));
  },
  '/corrupt-gzip': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    res.end(Buffer.from('this is not gzip at all'));
  },
  '/moved-with-body': (_req, res) => {
    res.writeHead(302, { Location: '/text', 'Content-Type': 'text/plain' });
    res.end('z'.repeat(16 * 1024));
  },
  // never answers: only the client's timeout or abort ends a call
  '/slow': () => undefined,
  '/status/418': (_req, res) => {
    res.writeHead(418);
    res.end('teapot');
  },
};

describe.each(TRANSPORTS)('axios behaviours on the %s transport', (transport) => {
  let upstream: Server;
  let other: Server;
  let base: string;
  let otherBase: string;
  let client: ApiClient;

  beforeAll(async () => {
    other = createServer(serve(routes['/echo']!));
    otherBase = await listen(other);
    upstream = createServer(
      serve((req, res, body) => {
        const path = (req.url ?? '/').split('?')[0]!;
        const redirect = /^\/redirect\/(\d{3})\/(same|other)\/(\d+)$/.exec(path);
        if (redirect) {
          const [, status, where, hops] = redirect;
          const next = Number(hops) > 1 ? `/redirect/${status}/${where}/${Number(hops) - 1}` : '/echo';
          res.writeHead(Number(status), {
            Location: where === 'other' && next === '/echo' ? `${otherBase}/echo` : next,
          });
          res.end();
          return;
        }
        (routes[path] ?? routes['/echo'])!(req, res, body);
      }),
    );
    base = await listen(upstream);
    client = new ApiClient({ transport, baseURL: base, retry: false, breaker: false });
  });
  afterAll(async () => {
    await client.close();
    await closeServer(upstream);
    await closeServer(other);
  });

  describe('request bodies', () => {
    it('sends JSON, strings, Buffers and URLSearchParams with their content types', async () => {
      const json = await client.post('/echo', { a: 1 });
      expect(sent(json.data).toString()).toBe('{"a":1}');
      expect(echoed(json.data).headers['content-type']).toMatch(/^application\/json/);
      const text = await client.post('/echo', 'just text', { headers: { 'Content-Type': 'text/plain' } });
      expect(sent(text.data).toString()).toBe('just text');
      const bytes = await client.post('/echo', Buffer.from([9, 8, 7]));
      expect([...sent(bytes.data)]).toEqual([9, 8, 7]);
      const form = await client.post('/echo', new URLSearchParams({ q: 'a b', n: '1' }));
      expect(sent(form.data).toString()).toBe('q=a+b&n=1');
      expect(echoed(form.data).headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    });

    it('sends FormData as multipart', async () => {
      const form = new FormData();
      form.append('field', 'value');
      form.append('file', new Blob(['file content'], { type: 'text/plain' }), 'a.txt');
      const { data } = await client.post('/echo', form);
      expect(echoed(data).headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      const body = sent(data).toString();
      expect(body).toContain('name="field"');
      expect(body).toContain('value');
      expect(body).toContain('filename="a.txt"');
      expect(body).toContain('file content');
    });

    it('sends a stream', async () => {
      const { data } = await client.put(
        '/echo',
        Readable.from([Buffer.from('part one, '), Buffer.from('part two')]),
        {
          headers: { 'Content-Type': 'application/octet-stream' },
        },
      );
      expect(sent(data).toString()).toBe('part one, part two');
    });

    it('refuses a body over maxBodyLength', async () => {
      const error = await client
        .post('/echo', 'x'.repeat(2048), { maxBodyLength: 1024 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamException);
      expect((error as UpstreamException).cause).toMatchObject({ code: 'ERR_BAD_REQUEST' });
    });
  });

  describe('responses', () => {
    it('parses JSON and passes headers through', async () => {
      const { data, headers, status } = await client.get('/echo?x=1');
      expect(status).toBe(200);
      expect(echoed(data).method).toBe('GET');
      expect(headers['x-custom']).toBe('yes');
      expect(headers['content-type']).toBe('application/json');
      expect(headers['set-cookie']).toEqual(['a=1', 'b=2']);
    });

    it('gives text, arraybuffer and stream response types', async () => {
      expect((await client.get('/text', { responseType: 'text' })).data).toBe('plain text ✓');
      const bytes = (await client.get('/bytes', { responseType: 'arraybuffer' })).data as Buffer;
      expect([...Buffer.from(bytes)]).toEqual([0, 1, 2, 254, 255]);
      const stream = (await client.get('/text', { responseType: 'stream' })).data as Readable;
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('plain text ✓');
    });

    it('drops a UTF-8 byte order mark before parsing, and decodes with responseEncoding', async () => {
      expect((await client.get('/bom')).data).toEqual(JSON.parse(JSON_BODY));
      expect((await client.get('/bom', { responseType: 'text', transformResponse: [] })).data).toBe(
        JSON_BODY,
      );
      expect((await client.get('/latin1', { responseEncoding: 'latin1' })).data).toBe('café');
    });

    it('sends the path and query as axios joins and encodes them', async () => {
      const paths = [
        'echo?x=1',
        '/echo?x=1',
        'a/../echo',
        'echo/./x?y=a b',
        "echo?q='quoted'",
        'echo/ünï',
        'echo?list=1&list=2#fragment',
      ];
      for (const path of paths) {
        const { data } = await client.get(path, { params: path.includes('?') ? undefined : { p: 'a b' } });
        const expected = new URL(
          client.axiosRef.getUri({ url: path, params: path.includes('?') ? undefined : { p: 'a b' } }),
        );
        expect({ path, sent: echoed(data).headers['x-path'] }).toEqual({
          path,
          sent: expected.pathname + expected.search,
        });
      }
    });

    it.each(['gzip', 'deflate', 'br'])('decompresses %s', async (encoding) => {
      const { data, headers } = await client.get(`/${encoding}`);
      expect(data).toEqual(JSON.parse(JSON_BODY));
      expect(headers['content-encoding']).toBeUndefined();
    });

    it('leaves the body compressed with decompress: false', async () => {
      const { data } = await client.get('/gzip', { decompress: false, responseType: 'arraybuffer' });
      expect(Buffer.from(data as Buffer).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    });

    it('refuses a response over maxContentLength', async () => {
      const error = await client.get('/big', { maxContentLength: 1024 }).catch((e: unknown) => e);
      expect((error as UpstreamException).cause).toMatchObject({
        message: 'maxContentLength size of 1024 exceeded',
      });
    });

    it('measures a compressed body once decoded against maxContentLength', async () => {
      const small = await client.get('/gzip', { maxContentLength: 1024 });
      expect(small.data).toEqual(JSON.parse(JSON_BODY));
      const error = await client.get('/big-gzip', { maxContentLength: 1024 }).catch((e: unknown) => e);
      expect((error as UpstreamException).cause).toMatchObject({
        message: 'maxContentLength size of 1024 exceeded',
      });
      expect((await client.get('/big-gzip', { maxContentLength: 64 * 1024 })).data).toHaveLength(64 * 1024);
    });

    it('leaves the body of a redirect it follows out of maxContentLength', async () => {
      const { data } = await client.get('/moved-with-body', { maxContentLength: 1024 });
      expect(data).toBe('plain text ✓');
    });

    it('fails a body that does not decode with the zlib error code, not a crash', async () => {
      const error = await client.get('/corrupt-gzip').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamException);
      expect((error as UpstreamException).cause).toMatchObject({ code: 'Z_DATA_ERROR' });
    });

    it("gives the upstream's status text", async () => {
      expect((await client.get('/echo')).statusText).toBe('OK');
      const teapot = await client.get('/status/418', { validateStatus: () => true });
      expect(teapot.statusText).toBe("I'm a Teapot");
    });

    it('applies validateStatus', async () => {
      const { status } = await client.get('/status/418', { validateStatus: () => true });
      expect(status).toBe(418);
      const error = await client.get('/status/418').catch((e: unknown) => e);
      expect(error).toMatchObject({ upstreamStatus: 418, kind: 'status' });
      expect((error as UpstreamException).cause).toMatchObject({
        code: 'ERR_BAD_REQUEST',
        message: 'Request failed with status code 418',
      });
    });
  });

  describe("the instance's default headers", () => {
    it('sends per-method defaults with their method only, and common ones with every method', async () => {
      const own = new ApiClient({ transport, baseURL: base, retry: false });
      const defaults = own.axiosRef.defaults.headers;
      defaults.post['X-Post-Only'] = 'yes';
      defaults.common['X-All'] = 'all';
      defaults.get = { 'X-Get-Only': 'yes' };
      const post = echoed((await own.post('/echo', { a: 1 })).data).headers;
      const get = echoed((await own.get('/echo')).data).headers;
      const put = echoed((await own.put('/echo', { a: 1 })).data).headers;
      expect([post['x-post-only'], get['x-post-only'], put['x-post-only']]).toEqual([
        'yes',
        undefined,
        undefined,
      ]);
      expect([post['x-get-only'], get['x-get-only'], put['x-get-only']]).toEqual([
        undefined,
        'yes',
        undefined,
      ]);
      expect([post['x-all'], get['x-all'], put['x-all']]).toEqual(['all', 'all', 'all']);
      expect(defaults.put).toEqual({});
      expect(defaults.post).toBe(defaults.post);
      await own.close();
    });
  });

  describe('timeouts and cancellation keep axios error codes', () => {
    it('times out an attempt with ETIMEDOUT (clarified) and cancels with ERR_CANCELED', async () => {
      const late = await client.get('/slow', { timeout: 50 }).catch((e: unknown) => e);
      expect((late as UpstreamException).cause).toMatchObject({
        code: 'ETIMEDOUT',
        message: 'timeout of 50ms exceeded',
      });
      const plain = new ApiClient({ transport, baseURL: base, retry: false });
      const raw = await plain.axiosRef.get('/slow', { timeout: 50 }).catch((e: unknown) => e);
      expect(raw).toMatchObject({ code: 'ETIMEDOUT' });
      const controller = new AbortController();
      const call = plain.axiosRef.get('/slow', { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      await expect(call).rejects.toMatchObject({ code: 'ERR_CANCELED' });
      await plain.close();
    });
  });

  describe('redirects', () => {
    it.each([301, 302, 307, 308])('follows %i', async (status) => {
      const { data } = await client.get(`/redirect/${status}/same/2`);
      expect(echoed(data).method).toBe('GET');
    });

    it('turns POST into GET on 303 and 302, keeps it on 307', async () => {
      expect(echoed((await client.post('/redirect/303/same/1', { a: 1 })).data).method).toBe('GET');
      expect(echoed((await client.post('/redirect/302/same/1', { a: 1 })).data).method).toBe('GET');
      const kept = await client.post('/redirect/307/same/1', { a: 1 });
      expect(echoed(kept.data).method).toBe('POST');
      expect(sent(kept.data).toString()).toBe('{"a":1}');
    });

    it('stops at maxRedirects', async () => {
      const none = await client.get('/redirect/302/same/1', { maxRedirects: 0 }).catch((e: unknown) => e);
      expect(none).toMatchObject({ upstreamStatus: 302 });
      const { data } = await client.get('/redirect/302/same/3', { maxRedirects: 3 });
      expect(echoed(data).method).toBe('GET');
    });

    it('drops credentials on a redirect to another origin, keeps them on the same one', async () => {
      const headers = { Authorization: 'Bearer secret', Cookie: 'session=1', 'X-Keep': 'yes' };
      const same = echoed((await client.get('/redirect/302/same/1', { headers })).data).headers;
      expect(same['authorization']).toBe('Bearer secret');
      const cross = echoed((await client.get('/redirect/302/other/1', { headers })).data).headers;
      expect(cross['authorization']).toBeUndefined();
      expect(cross['cookie']).toBeUndefined();
      expect(cross['x-keep']).toBe('yes');
    });
  });

  describe('connections', () => {
    it('reuses kept-alive connections, and survives the server closing an idle one', async () => {
      const reusing = createServer((req, res) => res.end(String(req.socket.remotePort)));
      const pooled = new ApiClient({
        transport,
        baseURL: await listen(reusing),
        retry: { baseDelayMs: 1 },
      });
      const ports = new Set<unknown>();
      for (let i = 0; i < 6; i++) ports.add((await pooled.get('/a')).data);
      // sequential calls share a connection or two (a pool may open a second while the first finishes)
      expect(ports.size).toBeLessThanOrEqual(2);
      // the server closes its idle connections as the client reuses them: a new one, or a retried reset
      reusing.closeIdleConnections();
      expect((await pooled.get('/c')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 10));
      reusing.closeIdleConnections();
      expect((await pooled.get('/d')).status).toBe(200);
      await pooled.close();
      await closeServer(reusing);
    });

    // axios' http adapter starts the timeout once a socket is assigned (ClientRequest.setTimeout)
    it.runIf(transport === 'undici')(
      'times out an attempt waiting for a free connection at its timeout, not when one frees',
      async () => {
        // the one connection frees only when the queued call has failed
        const held: ServerResponse[] = [];
        const hold = createServer((_req, res) => held.push(res));
        const narrow = new ApiClient({
          transport: { type: 'undici', connections: 1 },
          baseURL: await listen(hold),
          retry: false,
        });
        const first = narrow.get('/first', { timeout: 20_000 });
        await until(() => held.length === 1);
        const queued = await narrow.get('/queued', { timeout: 50 }).catch((e: unknown) => e);
        expect((queued as UpstreamException).cause).toMatchObject({ code: 'ETIMEDOUT' });
        expect(held).toHaveLength(1);
        held[0]!.end('done');
        expect((await first).data).toBe('done');
        await narrow.close();
        await closeServer(hold);
      },
    );

    it('sends the axios User-Agent and the encodings it can decode', async () => {
      const { headers } = echoed((await client.get('/echo')).data);
      expect(headers['user-agent']).toMatch(/^axios\/\d/);
      expect(headers['accept-encoding']).toMatch(/gzip/);
      expect(headers['accept-encoding']).toMatch(/br/);
    });
  });

  describe('network errors carry the codes the retry policy knows', () => {
    it('reports a refused connection as ECONNREFUSED', async () => {
      const refused = new ApiClient({ transport, baseURL: await refusedUrl(), retry: false });
      const error = await refused.get('/x').catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'network', reason: 'ECONNREFUSED' });
      await refused.close();
    });

    it('reports a reset as ECONNRESET', async () => {
      const resetting = createServer((req) => req.socket.destroy());
      const resetClient = new ApiClient({ transport, baseURL: await listen(resetting), retry: false });
      const error = await resetClient.get('/x').catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'network', reason: 'ECONNRESET' });
      await resetClient.close();
      await closeServer(resetting);
    });
  });
});

describe.each(TRANSPORTS)('TLS options on the %s transport', (transport) => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createHttpsServer(
      {
        key: tls('key.pem'),
        cert: tls('cert.pem'),
        requestCert: true,
        rejectUnauthorized: true,
        ca: tls('client-cert.pem'),
      },
      (req, res) =>
        res.end(
          JSON.stringify({
            client: (
              req.socket as { getPeerCertificate?: () => { subject?: { CN?: string } } }
            ).getPeerCertificate?.().subject?.CN,
          }),
        ),
    );
    base = await listen(server, 'https');
  });
  afterAll(async () => {
    await closeServer(server);
  });

  it('presents a client certificate and trusts a given CA', async () => {
    const client = new ApiClient({
      transport,
      baseURL: base,
      axios: {
        httpsAgent: new HttpsAgent({
          ca: tls('cert.pem'),
          cert: tls('client-cert.pem'),
          key: tls('client-key.pem'),
        }),
      },
    });
    const { data } = await client.get('/');
    expect(data).toEqual({ client: 'faultline-test-client' });
    await client.close();
  });

  it('fails without the client certificate, and never retries it', async () => {
    const client = new ApiClient({
      transport,
      baseURL: base,
      axios: { httpsAgent: new HttpsAgent({ ca: tls('cert.pem') }) },
      retry: { retries: 3, baseDelayMs: 1 },
    });
    const error = await client.get('/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamException);
    expect((error as UpstreamException).kind).toBe('network');
    await client.close();
  });

  it('accepts a self-signed certificate with rejectUnauthorized: false', async () => {
    const client = new ApiClient({
      transport,
      baseURL: base,
      axios: {
        httpsAgent: new HttpsAgent({
          rejectUnauthorized: false,
          cert: tls('client-cert.pem'),
          key: tls('client-key.pem'),
        }),
      },
    });
    expect((await client.get('/')).status).toBe(200);
    await client.close();
  });
});
