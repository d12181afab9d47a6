import {
  Controller,
  type INestApplication,
  type INestMicroservice,
  Module,
  NotFoundException,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientProxy,
  ClientProxyFactory,
  EventPattern,
  MessagePattern,
  Payload,
  RpcException,
  Transport,
} from '@nestjs/microservices';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { AddressInfo, Server } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainException, ErrorsModule } from '../src/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { CreateOrderDto } from './fixtures/dto.js';
import { LogCapture } from './fixtures/log-capture.js';
import { UUID } from './fixtures/envelope.js';

/** Resolves when the next event reaches the handler (or its failure is logged). */
let eventSettled: () => void = () => undefined;

@Controller()
class OrdersHandlers {
  @MessagePattern('user')
  user(@Payload() id: string): never {
    throw new DomainException(AppErrors.USER_NOT_FOUND, { params: { id }, details: { id } });
  }

  @MessagePattern('create-order')
  create(@Payload() order: CreateOrderDto) {
    return { accepted: order instanceof CreateOrderDto };
  }

  @MessagePattern('http')
  http(): never {
    throw new NotFoundException('No such order');
  }

  @MessagePattern('crash')
  crash(): never {
    throw new Error('connect ECONNREFUSED db.internal:5432 secret=hunter2');
  }

  @MessagePattern('async-crash')
  async asyncCrash(): Promise<never> {
    await new Promise((resolve) => setImmediate(resolve));
    throw new Error('async secret');
  }

  @MessagePattern('own-object')
  ownObject(): never {
    throw new RpcException({ status: 'error', kind: 'custom', retry: false });
  }

  @MessagePattern('own-text')
  ownText(): never {
    throw new RpcException('plain words');
  }

  @MessagePattern('ok')
  ok(@Payload() value: number) {
    return value + 1;
  }

  @EventPattern('order-placed')
  placed(@Payload() id: string): void {
    queueMicrotask(() => eventSettled());
    throw new DomainException(AppErrors.USER_NOT_FOUND, { params: { id } });
  }

  @EventPattern('order-crashed')
  crashed(@Payload() _data: unknown): void {
    queueMicrotask(() => eventSettled());
    throw new Error('event secret');
  }
}

@Module({
  imports: [ErrorsModule.forRoot({ errors: [AppErrors], defaultLocale: 'en' })],
  controllers: [OrdersHandlers],
})
class MessagesModule {}

const TCP = { transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } } as const;

function clientFor(server: Server): ClientProxy {
  const { port } = server.address() as AddressInfo;
  return ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
}

/** What the client's observable fails with. */
async function rejection(
  client: ClientProxy,
  pattern: string,
  data: unknown,
): Promise<Record<string, unknown>> {
  return firstValueFrom(client.send(pattern, data)).then(
    (value: unknown) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error as Record<string, unknown>,
  );
}

type Setup = { client: ClientProxy; logs: LogCapture; close(): Promise<void> };

async function standalone(): Promise<Setup> {
  const logs = new LogCapture();
  const app: INestMicroservice = await NestFactory.createMicroservice(MessagesModule, {
    ...TCP,
    logger: logs,
  });
  await app.listen();
  return connected(app, app.unwrap<Server>(), logs);
}

async function hybrid(): Promise<Setup> {
  const logs = new LogCapture();
  const app: INestApplication = await NestFactory.create(MessagesModule, new ExpressAdapter(), {
    logger: logs,
    abortOnError: false,
  });
  const microservice = app.connectMicroservice(TCP, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.init();
  return connected(app, microservice.unwrap<Server>(), logs);
}

/** A client of the microservice listening on `server`; closing it closes the app too. */
function connected(app: { close(): Promise<void> }, server: Server, logs: LogCapture): Setup {
  const client = clientFor(server);
  return {
    client,
    logs,
    close: async () => {
      await client.close();
      await app.close();
    },
  };
}

describe.each([
  ['a standalone microservice', standalone],
  ['a hybrid app (inheritAppConfig)', hybrid],
])('message handlers of %s', (_name, start) => {
  let setup: Setup;

  beforeAll(async () => {
    setup = await start();
  });

  afterAll(async () => {
    await setup?.close();
  });

  beforeEach(() => setup.logs.clear());

  it('answer a DomainException with the envelope facts in Nest’s RPC error shape', async () => {
    const error = await rejection(setup.client, 'user', '42');
    expect(error).toEqual({
      status: 'error',
      code: 10001,
      reason: 'USER_NOT_FOUND',
      message: 'User 42 not found',
      details: { id: '42' },
      requestId: expect.stringMatching(UUID),
    });
  });

  it('log each failure once, with the pattern and the id the client got', async () => {
    const error = await rejection(setup.client, 'user', '7');
    const lines = setup.logs.envelopeLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn' });
    expect(lines[0]!.message).toBe(`RPC user 404 USER_NOT_FOUND(10001) requestId=${String(error.requestId)}`);
  });

  it('answer a payload that fails its DTO with VALIDATION_FAILED and field errors, never the values', async () => {
    const error = await rejection(setup.client, 'create-order', {
      name: 'x',
      email: 'ada@example.com',
      items: [{ sku: 'a', qty: 0 }],
    });
    expect(error).toMatchObject({ status: 'error', code: 40001, reason: 'VALIDATION_FAILED' });
    const fields = (error.errors as { pointer: string }[]).map((field) => field.pointer);
    expect(fields).toContain('/name');
    expect(fields).toContain('/items/0/qty');
    expect(JSON.stringify(error)).not.toContain('"x"');
  });

  it('pass a valid payload through the pipe as the DTO', async () => {
    const reply = await firstValueFrom(
      setup.client.send('create-order', {
        name: 'Ada',
        email: 'ada@example.com',
        items: [{ sku: 'a', qty: 1 }],
      }),
    );
    expect(reply).toEqual({ accepted: true });
  });

  it('answer an HttpException with its status entry and the app’s own message', async () => {
    const error = await rejection(setup.client, 'http', {});
    expect(error).toMatchObject({ code: 404, reason: 'NOT_FOUND', details: { message: 'No such order' } });
  });

  it.each(['crash', 'async-crash'])(
    'hide what an unknown error (%s) says, and log it with its stack',
    async (pattern) => {
      const error = await rejection(setup.client, pattern, {});
      expect(error).toEqual({
        status: 'error',
        code: 500,
        reason: 'INTERNAL_ERROR',
        message: 'Internal server error',
        requestId: expect.stringMatching(UUID),
      });
      const [line] = setup.logs.envelopeLines();
      expect(line).toMatchObject({ level: 'error' });
      expect(line!.rest.join('\n')).toContain('secret');
      expect(setup.logs.envelopeLines()).toHaveLength(1);
    },
  );

  it('keep Nest’s answer to an app’s own RpcException', async () => {
    expect(await rejection(setup.client, 'own-object', {})).toEqual({
      status: 'error',
      kind: 'custom',
      retry: false,
    });
    expect(await rejection(setup.client, 'own-text', {})).toEqual({
      status: 'error',
      message: 'plain words',
    });
  });

  it('log a failing event handler once and keep serving', async () => {
    const settled = new Promise<void>((resolve) => (eventSettled = resolve));
    await firstValueFrom(setup.client.emit('order-crashed', {}));
    await settled;
    // the answer to the next message proves the failure was handled before it
    expect(await firstValueFrom(setup.client.send('ok', 1))).toBe(2);
    const lines = setup.logs.envelopeLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error' });
    expect(lines[0]!.message).toMatch(/^RPC order-crashed 500 INTERNAL_ERROR\(500\) requestId=/);
  });

  it('log a DomainException of an event handler at the 4xx level', async () => {
    const settled = new Promise<void>((resolve) => (eventSettled = resolve));
    await firstValueFrom(setup.client.emit('order-placed', '9'));
    await settled;
    expect(await firstValueFrom(setup.client.send('ok', 2))).toBe(3);
    const lines = setup.logs.envelopeLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn' });
    expect(lines[0]!.message).toMatch(/^RPC order-placed 404 USER_NOT_FOUND\(10001\)/);
  });
});

describe('message headers', () => {
  let setup: Setup;

  beforeAll(async () => {
    setup = await standalone();
  });

  afterAll(async () => {
    await setup?.close();
  });

  it('reuse a safe request id and the language the client sent as packet metadata', async () => {
    setup.client.setOnDispatchHook((packet) => {
      packet.metadata = { 'x-request-id': 'trace-123', 'accept-language': 'zh-CN' };
    });
    const error = await rejection(setup.client, 'user', '5');
    expect(error).toMatchObject({ requestId: 'trace-123', message: '用户 5 不存在' });
  });

  it('make a fresh id for an unsafe one', async () => {
    setup.client.setOnDispatchHook((packet) => {
      packet.metadata = { 'x-request-id': 'bad id\nwith lines' };
    });
    const error = await rejection(setup.client, 'user', '5');
    expect(error.requestId).toMatch(UUID);
  });
});
