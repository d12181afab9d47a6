import { createServer, request as httpRequest, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInboundOptions } from './errors.options-resolver.js';
import { RequestDeadlines } from './request-deadlines.js';
import { RequestIdMiddleware } from './request-id.middleware.js';

/** The middleware gives requests their deadline too, on an adapter other than Express or Fastify. */
describe('RequestIdMiddleware with deadlines', () => {
  let server: Server;
  let port: number;
  let deadlines: RequestDeadlines;

  beforeAll(async () => {
    const options = resolveInboundOptions({ requestTimeoutMs: 100 });
    // the answer a module's filter would write, cut to its status and reason
    deadlines = new RequestDeadlines(options, (_request, response, exception) => {
      (response as ServerResponse).writeHead(exception.entry!.status).end(exception.entry!.reason);
    });
    const middleware = new RequestIdMiddleware(options, deadlines);
    server = createServer((req, res) => {
      // the handler never answers: the deadline does
      middleware.use(req, res, () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    deadlines.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers a request its handler leaves unanswered past the deadline', async () => {
    const answer = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
        .on('error', reject)
        .end();
    });
    expect(answer).toEqual({ status: 504, body: 'DEADLINE_EXCEEDED' });
  });
});
