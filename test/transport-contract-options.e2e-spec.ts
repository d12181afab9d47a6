import { request as httpRequest } from 'node:http';
import { createServer as createHttp2Server, type Http2Session } from 'node:http2';
import { createServer as createNetServer } from 'node:net';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UpstreamException } from '../src/index.js';
import { contractClient, TRANSPORTS } from './fixtures/contract-client.js';
import { closeServer, listen } from './fixtures/upstream.js';

/**
 * Options, URLs and the mistakes a call can make in them work and fail on
 * undici as on axios' http adapter: each case runs on both transports with
 * one expectation. (Bodies and headers: transport-contract.e2e-spec.ts.)
 */

describe.each(TRANSPORTS)("axios' options and URLs on the %s transport", (transport) => {
  const contract = contractClient(transport);
  const { hit } = contract;

  describe('options', () => {
    it('refuses a timeout that is not a number with ERR_BAD_OPTION_VALUE, sending nothing', async () => {
      const error = await contract.client
        .get(`${contract.upstream.url}/timeout`, { timeout: 'soon' as unknown as number })
        .catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(UpstreamException);
      expect(error).toMatchObject({ code: 'ERR_BAD_OPTION_VALUE' });
      expect(contract.upstream.hits).toEqual([]);
    });

    it('reads a timeout given as a numeric string as milliseconds', async () => {
      contract.upstream.script('/hang', 'hang');
      const error = await contract.client
        .get(`${contract.upstream.url}/hang`, { timeout: '1000' as unknown as number })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'timeout' });
      expect((error as UpstreamException).cause).toMatchObject({ message: 'timeout of 1000ms exceeded' });
    });

    it('resolves the host name through a custom lookup', async () => {
      const asked: string[] = [];
      const { port } = new URL(contract.upstream.url);
      await contract.client.axiosRef.get(`http://contract.upstream.invalid:${port}/lookup`, {
        lookup: (
          hostname: string,
          _options: object,
          callback: (error: null, address: string, family: 4) => void,
        ) => {
          asked.push(hostname);
          callback(null, '127.0.0.1', 4);
        },
      });
      expect(asked).toEqual(['contract.upstream.invalid']);
      expect(hit().url).toBe('/lookup');
    });

    it('resolves the host name in the given address family', async () => {
      // the upstream listens on IPv4 only: as IPv6, localhost is unknown or refuses
      const { port } = new URL(contract.upstream.url);
      const error = await contract.client
        .get(`http://localhost:${port}/family`, { family: 6 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'network' });
      expect(contract.upstream.hits).toEqual([]);
    });

    it('fails params that do not serialize as an UpstreamException with axios’ ERR_BAD_REQUEST', async () => {
      const error = await contract.client
        .get(`${contract.upstream.url}/params`, { params: { at: new Date(Number.NaN) } })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'network' });
      expect((error as UpstreamException).cause).toMatchObject({ code: 'ERR_BAD_REQUEST', exists: true });
      expect(contract.upstream.hits).toEqual([]);
    });
  });

  describe('protocol versions, parsers and transports', () => {
    it('speaks HTTP/2 with httpVersion: 2', async () => {
      const sessions = new Set<Http2Session>();
      const h2 = createHttp2Server((req, res) => res.end(req.httpVersion));
      h2.on('session', (session) => sessions.add(session));
      const url = await listen(h2);
      const { data } = await contract.client.axiosRef.get(url, { httpVersion: 2, responseType: 'text' });
      expect(data).toBe('2.0');
      for (const session of sessions) session.destroy();
      await closeServer(h2);
    });

    it('refuses an httpVersion that is neither 1 nor 2 with ERR_BAD_OPTION_VALUE', async () => {
      const error = await contract.client.axiosRef
        .get(`${contract.upstream.url}/version`, { httpVersion: 3 as 2 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_BAD_OPTION_VALUE' });
      expect(contract.upstream.hits).toEqual([]);
    });

    it('reads an answer only the lenient parser accepts with insecureHTTPParser', async () => {
      const lax = createNetServer((socket) =>
        socket.once('data', () =>
          socket.end(
            'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Odd: a\u0001b\r\nConnection: close\r\n\r\nok',
          ),
        ),
      );
      const url = await listen(lax);
      const { data } = await contract.client.axiosRef.get(url, {
        insecureHTTPParser: true,
        responseType: 'text',
      });
      expect(data).toBe('ok');
      await closeServer(lax);
    });

    it('sends through a custom transport', async () => {
      const through: string[] = [];
      const custom = {
        request: (options: { path: string }, answer: () => void) => {
          through.push(options.path);
          return httpRequest(options, answer);
        },
      };
      await contract.client.axiosRef.get(`${contract.upstream.url}/custom`, { transport: custom });
      expect([through, hit().url]).toEqual([['/custom'], '/custom']);
    });
  });

  describe('URLs', () => {
    it.each(['ftp://127.0.0.1/file', 'tel:+15550100'])(
      'fails %s as an unsupported protocol, an UpstreamException',
      async (url) => {
        const error = await contract.client.get(url).catch((e: unknown) => e);
        expect(error).toMatchObject({ kind: 'network' });
        expect((error as UpstreamException).cause).toMatchObject({
          code: 'ERR_BAD_REQUEST',
          message: `Unsupported protocol ${new URL(url).protocol}`,
        });
      },
    );

    it("fails a URL that does not parse with the URL parser's TypeError", async () => {
      const error = await contract.client.axiosRef.get('/no/base/url').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_URL' });
    });

    const DATA_URL = `data:text/plain;base64,${Buffer.from('hello').toString('base64')}`;

    it.each(['arraybuffer', 'text', 'json'] as const)(
      'answers a data: URL from the URL itself (responseType %s)',
      async (responseType) => {
        const { status, data } = await contract.client.axiosRef.get(DATA_URL, { responseType });
        expect([status, Buffer.from(data as string).toString()]).toEqual([200, 'hello']);
      },
    );

    it('answers a data: URL as a stream', async () => {
      const { data } = await contract.client.axiosRef.get<Readable>(DATA_URL, { responseType: 'stream' });
      const chunks: Buffer[] = [];
      for await (const chunk of data) chunks.push(Buffer.from(chunk as Buffer));
      expect(Buffer.concat(chunks).toString()).toBe('hello');
    });

    it('answers a data: URL as a Blob of its type', async () => {
      const { data } = await contract.client.axiosRef.get<Blob>(DATA_URL, { responseType: 'blob' });
      expect([data.type, await data.text()]).toEqual(['text/plain', 'hello']);
    });
  });
});
