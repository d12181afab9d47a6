import { type INestApplication, Module, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DomainException, ErrorEnvelopeFilter, ErrorsModule } from '../src/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { CreateOrderDto } from './fixtures/dto.js';
import { UUID } from './fixtures/envelope.js';
import { LogCapture } from './fixtures/log-capture.js';
import { ADAPTERS, type AdapterName } from './fixtures/test-app.js';

type SocketKind = 'socket.io' | 'ws';

/** The same handlers, with the envelope filter or with nothing configured. */
function gateways(kind: SocketKind) {
  const where = (name: string) => (kind === 'ws' ? { path: `/${name}` } : { namespace: name });

  class Handlers {
    @SubscribeMessage('user')
    user(@MessageBody() id: string): never {
      throw new DomainException(AppErrors.USER_NOT_FOUND, { params: { id }, details: { id } });
    }

    @SubscribeMessage('crash')
    crash(): never {
      throw new Error('ws crash: token=hunter2');
    }

    @SubscribeMessage('own')
    own(): never {
      throw new WsException('plain words');
    }

    @SubscribeMessage('create')
    create(@MessageBody() order: CreateOrderDto) {
      return { event: 'created', data: { items: order.items.length } };
    }

    @SubscribeMessage('ok')
    ok(@MessageBody() value: number) {
      return { event: 'ok', data: value + 1 };
    }
  }

  @WebSocketGateway(where('enveloped'))
  @UseFilters(ErrorEnvelopeFilter)
  class EnvelopedGateway extends Handlers {}

  @WebSocketGateway(where('plain'))
  class PlainGateway extends Handlers {}

  return [EnvelopedGateway, PlainGateway];
}

async function createSocketApp(
  http: AdapterName,
  kind: SocketKind,
  logger: LogCapture,
): Promise<INestApplication> {
  @Module({
    imports: [ErrorsModule.forRoot({ errors: [AppErrors] })],
    providers: gateways(kind),
  })
  class SocketAppModule {}
  const app = await NestFactory.create(
    SocketAppModule,
    http === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    {
      logger,
      abortOnError: false,
    },
  );
  app.useWebSocketAdapter(kind === 'ws' ? new WsAdapter(app) : new IoAdapter(app));
  await app.listen(0, '127.0.0.1');
  return app;
}

/** One connected client, with what it received on `exception` and on its replies. */
interface Client {
  send(event: string, data: unknown): void;
  /** The next message on `event`. */
  next(event: string): Promise<Record<string, unknown>>;
  close(): void;
}

async function connectIo(port: number, name: string, headers: Record<string, string>): Promise<Client> {
  const socket: Socket = io(`http://127.0.0.1:${port}/${name}`, {
    transports: ['websocket'],
    extraHeaders: headers,
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return {
    send: (event, data) => socket.emit(event, data),
    next: (event) => new Promise((resolve) => socket.once(event, resolve)),
    close: () => socket.close(),
  };
}

async function connectWs(port: number, name: string, headers: Record<string, string>): Promise<Client> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/${name}`, { headers });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const waiting = new Map<string, ((data: Record<string, unknown>) => void)[]>();
  socket.on('message', (raw) => {
    const { event, data } = JSON.parse(String(raw)) as { event: string; data: Record<string, unknown> };
    waiting.get(event)?.shift()?.(data);
  });
  return {
    send: (event, data) => socket.send(JSON.stringify({ event, data })),
    next: (event) =>
      new Promise((resolve) => {
        const queue = waiting.get(event) ?? [];
        queue.push(resolve);
        waiting.set(event, queue);
      }),
    close: () => socket.close(),
  };
}

describe.each(
  ADAPTERS.flatMap((http) => (['socket.io', 'ws'] as const).map((kind) => [kind, http] as const)),
)('%s gateways on %s', (kind, http) => {
  let app: INestApplication;
  let port: number;
  const logs = new LogCapture();
  const headers = { 'x-request-id': 'socket-trace-1', 'accept-language': 'en' };
  const connect = (name: string) => (kind === 'ws' ? connectWs : connectIo)(port, name, headers);

  beforeAll(async () => {
    app = await createSocketApp(http, kind, logs);
    port = (app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => logs.clear());

  describe('with @UseFilters(ErrorEnvelopeFilter)', () => {
    let client: Client;

    beforeAll(async () => {
      client = await connect('enveloped');
    });

    afterAll(() => client?.close());

    it('send a DomainException as the envelope’s facts on the exception event', async () => {
      const answer = client.next('exception');
      client.send('user', '42');
      const payload = await answer;
      expect(payload).toEqual({
        status: 'error',
        code: 10001,
        reason: 'USER_NOT_FOUND',
        // socket.io keeps the handshake's headers; a ws socket keeps none
        message: kind === 'socket.io' ? 'User 42 not found' : '用户 42 不存在',
        details: { id: '42' },
        requestId: expect.stringMatching(kind === 'socket.io' ? /^socket-trace-1$/ : UUID),
      });
      const lines = logs.envelopeLines();
      expect(lines).toHaveLength(1);
      expect(lines[0]!.message).toBe(
        `WS user 404 USER_NOT_FOUND(10001) requestId=${String(payload.requestId)}`,
      );
    });

    it('hide what an unknown error says, and log it with its stack', async () => {
      const answer = client.next('exception');
      client.send('crash', {});
      const payload = await answer;
      expect(payload).toMatchObject({ status: 'error', code: 500, reason: 'INTERNAL_ERROR' });
      expect(JSON.stringify(payload)).not.toContain('hunter2');
      const [line] = logs.envelopeLines();
      expect(line).toMatchObject({ level: 'error' });
      expect(line!.rest.join('\n')).toContain('token=hunter2');
    });

    it('send a validation failure (the module’s global pipe) with field errors, never the values', async () => {
      const answer = client.next('exception');
      client.send('create', { name: 'x', email: 'secret@example', items: [] });
      const payload = await answer;
      expect(payload).toMatchObject({ code: 40001, reason: 'VALIDATION_FAILED' });
      expect((payload.errors as { pointer: string }[]).map((error) => error.pointer).toSorted()).toEqual([
        '/email',
        '/items',
        '/name',
      ]);
      expect(JSON.stringify(payload)).not.toContain('secret@example');
    });

    it('keep Nest’s answer to an app’s own WsException', async () => {
      const answer = client.next('exception');
      client.send('own', { q: 1 });
      expect(await answer).toEqual({
        status: 'error',
        message: 'plain words',
        cause: { pattern: 'own', data: { q: 1 } },
      });
    });

    it('keep the connection: the next message is answered', async () => {
      const answer = client.next('ok');
      client.send('ok', 1);
      expect(await answer).toBe(2);
    });
  });

  describe('with nothing configured', () => {
    let client: Client;

    beforeAll(async () => {
      client = await connect('plain');
    });

    afterAll(() => client?.close());

    it('answer as Nest does, and go on serving', async () => {
      const answer = client.next('exception');
      client.send('user', '42');
      expect(await answer).toEqual({
        status: 'error',
        message: 'Internal server error',
        cause: { pattern: 'user', data: '42' },
      });
      const ok = client.next('ok');
      client.send('ok', 5);
      expect(await ok).toBe(6);
    });
  });
});
