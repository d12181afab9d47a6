/**
 * The floor of the inbound bench, run in a child process:
 * `node inbound-bare.js <express|fastify>`. The bare framework, no Nest,
 * answering the bench's routes with the bytes and headers `ErrorsModule`
 * sends (handed over by the parent): what the network and the framework
 * alone cost.
 */
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FixedAnswers, writeFixed } from './hand-filter.js';
import { serveParent } from './shared.js';

const [adapter] = process.argv.slice(2);
if (adapter !== 'express' && adapter !== 'fastify')
  throw new Error('usage: inbound-bare.js <express|fastify>');

const answers = new FixedAnswers();
type Handler = (request: { params: { id?: string }; body?: unknown }, response: unknown) => void;
const ROUTES: [method: 'get' | 'post', path: string, handler: Handler][] = [
  [
    'get',
    '/users/:id',
    (request, response) => {
      if (request.params.id === '1') send(response, { id: '1', name: 'Ada' });
      else writeFixed(response, 404, answers.get(404));
    },
  ],
  [
    'post',
    '/orders',
    (request, response) => {
      const order = request.body as { email?: string; items?: unknown[] } | undefined;
      if (order?.email?.includes('@') && Array.isArray(order.items))
        send(response, { accepted: true, items: order.items.length }, 201);
      else writeFixed(response, 400, answers.get(400));
    },
  ],
  ['get', '/crash', (_request, response) => writeFixed(response, 500, answers.get(500))],
];

function send(response: unknown, body: object, status = 200): void {
  const target = response as { status(code: number): unknown; send(body: object): unknown };
  target.status(status);
  target.send(body);
}

let port: number;
if (adapter === 'express') {
  const express = new ExpressAdapter();
  express.registerParserMiddleware();
  const app = express.getInstance<
    Record<'get' | 'post', (path: string, handler: Handler) => void> & {
      listen(port: number, host: string, ready: () => void): Server;
    }
  >();
  for (const [method, path, handler] of ROUTES) app[method](path, handler);
  const server = await new Promise<Server>((resolve) => {
    const listening: Server = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  port = (server.address() as AddressInfo).port;
} else {
  const fastify = new FastifyAdapter().getInstance();
  for (const [method, path, handler] of ROUTES) fastify[method](path, handler as never);
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  port = (fastify.server.address() as AddressInfo).port;
}

serveParent(port, { answers: (message) => answers.set(message), cpu: () => process.cpuUsage() });
