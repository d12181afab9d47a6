import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/index.js';
import { closeServer, listen, TRANSPORTS, until } from './fixtures/upstream.js';

/**
 * Response and request streams under cancellation and limits, as axios' http
 * adapter handles them, on both transports (`responseType: 'stream'`).
 */

/** The error a stream ends with, or 'end' when it is read to its end. */
function endOf(stream: Readable, onData: (size: number) => void = () => undefined): Promise<unknown> {
  let size = 0;
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      onData(size);
    });
    stream.once('error', resolve);
    stream.once('end', () => resolve('end'));
  });
}

describe.each(TRANSPORTS)('stream bodies on the %s transport', (transport) => {
  let server: Server;
  let client: ApiClient;
  /** Resolves when the server sees the connection of the last request close. */
  let closed: Promise<void>;
  /** Requests the server has seen. */
  let arrivals = 0;

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    // bytes for as long as the client reads them
    '/endless': (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = Buffer.alloc(16 * 1024, 0x61);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    },
    // the request body back, as it arrives
    '/echo': (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      req.on('error', () => undefined);
      req.pipe(res);
    },
    // never answers
    '/silent': (req) => {
      req.on('error', () => undefined);
      req.resume();
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      arrivals++;
      closed = new Promise((resolve) => res.once('close', () => resolve()));
      routes[req.url ?? '']!(req, res);
    });
    client = new ApiClient({
      transport,
      baseURL: await listen(server),
      retry: false,
      budget: false,
      breaker: false,
    });
  });
  afterAll(async () => {
    await client.close();
    await closeServer(server);
  });

  it('destroys a response stream with ERR_CANCELED when the caller aborts after the headers', async () => {
    const controller = new AbortController();
    const { data } = await client.axiosRef.get<Readable>('/endless', {
      responseType: 'stream',
      signal: controller.signal,
    });
    const end = await endOf(data, (size) => {
      if (size > 64 * 1024) controller.abort();
    });
    expect(end).toMatchObject({ code: 'ERR_CANCELED' });
    expect(data.destroyed).toBe(true);
  });

  it('closes the connection of a response stream the caller aborted', async () => {
    const controller = new AbortController();
    const { data } = await client.axiosRef.get<Readable>('/endless', {
      responseType: 'stream',
      signal: controller.signal,
    });
    void endOf(data, () => controller.abort());
    // the server stops writing: its response closes (a hang fails the test)
    await closed;
    expect(data.destroyed).toBe(true);
  });

  it('fails the response stream with ERR_CANCELED when the request stream is destroyed', async () => {
    const body = new Readable({ read: () => undefined });
    body.push('first part');
    const { data } = await client.axiosRef.post<Readable>('/echo', body, {
      responseType: 'stream',
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    const end = await endOf(data, () => body.destroy());
    expect(end).toMatchObject({ code: 'ERR_CANCELED', message: 'Request stream has been aborted' });
  });

  it('cancels the call with ERR_CANCELED when the request stream is destroyed before an answer', async () => {
    const body = new Readable({ read: () => undefined });
    body.push('first part');
    const before = arrivals;
    const call = client.axiosRef.post('/silent', body, {
      responseType: 'stream',
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    await until(() => arrivals > before);
    body.destroy();
    await expect(call).rejects.toMatchObject({ code: 'ERR_CANCELED' });
  });

  it('fails a response stream past maxContentLength and stops reading it', async () => {
    const { data } = await client.axiosRef.get<Readable>('/endless', {
      responseType: 'stream',
      maxContentLength: 64 * 1024,
    });
    let read = 0;
    const end = await endOf(data, (size) => (read = size));
    expect(end).toMatchObject({
      code: 'ERR_BAD_RESPONSE',
      message: 'maxContentLength size of 65536 exceeded',
    });
    expect(read).toBeLessThanOrEqual(64 * 1024);
    await closed;
  });
});
