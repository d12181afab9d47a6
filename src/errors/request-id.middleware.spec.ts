import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInboundOptions } from './errors.options-resolver.js';
import { currentRequestContext } from '../core/request-context.js';
import { RequestIdMiddleware } from './request-id.middleware.js';

/** The middleware on a bare Node server, as an adapter other than Express or Fastify runs it. */
describe('RequestIdMiddleware', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const middleware = new RequestIdMiddleware(resolveInboundOptions());
    server = createServer((req, res) => {
      middleware.use(req, res, () => {
        // the handler runs inside the request's context
        setImmediate(() => res.end(currentRequestContext()?.requestId ?? 'none'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function get(headers: Record<string, string>): Promise<{ header: unknown; body: string }> {
    return new Promise((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ header: res.headers['x-request-id'], body }));
      })
        .on('error', reject)
        .end();
    });
  }

  it('reuses a safe inbound id, echoes it and serves the request inside its context', async () => {
    expect(await get({ 'X-Request-Id': 'edge-7' })).toEqual({ header: 'edge-7', body: 'edge-7' });
  });

  it('makes a new id for an unsafe one', async () => {
    const { header, body } = await get({ 'X-Request-Id': 'no spaces allowed' });
    expect(header).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).toBe(header);
  });
});
