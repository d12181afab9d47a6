import {
  Body,
  Controller,
  Get,
  Inject,
  Injectable,
  type INestApplication,
  Module,
  Post,
  type Provider,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiClient,
  currentRequestContext,
  ErrorsModule,
  type ErrorsModuleOptions,
  InjectApiClient,
} from '../src/index.js';
import { ADAPTERS } from './fixtures/test-app.js';

@Controller()
class ContextController {
  /** The request id the async flow sees, after a turn of the event loop. */
  @Get('context')
  async context(): Promise<{ seen: string | null }> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return { seen: currentRequestContext()?.requestId ?? null };
  }

  /** The same for a handler that reads a body, the request id it saw when the body was in. */
  @Post('context')
  async withBody(@Body() body: { n?: number }): Promise<{ seen: string | null; n: number | null }> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return { seen: currentRequestContext()?.requestId ?? null, n: body.n ?? null };
  }
}

/**
 * POSTs `body` only once the server has taken the request's head and asked
 * for the rest (`Expect: 100-continue`, which Node's server answers as it
 * emits the request): the body comes in a later read of the socket than the
 * head, as a body larger than one segment does.
 */
function postAfterContinue(
  app: INestApplication,
  body: string,
  requestId: string,
): Promise<{ status: number; body: unknown }> {
  const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/context',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        expect: '100-continue',
        'x-request-id': requestId,
      },
    });
    let continued = false;
    req.on('continue', () => {
      continued = true;
      req.end(body);
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        continued
          ? resolve({ status: res.statusCode!, body: JSON.parse(text) })
          : reject(new Error(`answered before asking for the body: ${res.statusCode} ${text}`)),
      );
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

/** Users of a client, each asking for it a way Nest supports. */
@Injectable()
class ConstructorUser {
  constructor(readonly client: ApiClient) {}
}

@Injectable()
class NamedUser {
  constructor(@InjectApiClient('payments') readonly client: ApiClient) {}
}

@Injectable()
class PropertyUser {
  @Inject(ApiClient) readonly client!: ApiClient;
}

const FACTORY_USER: Provider = {
  provide: 'factory-user',
  inject: [ApiClient],
  useFactory: (client: ApiClient) => ({ client }),
};

async function appWith(
  adapter: (typeof ADAPTERS)[number],
  options: ErrorsModuleOptions,
  providers: (Type | Provider)[] = [],
): Promise<INestApplication> {
  @Module({ imports: [ErrorsModule.forRoot(options)], controllers: [ContextController], providers })
  class ContextModule {}
  const app = await NestFactory.create(
    ContextModule,
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  );
  await app.init();
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe.each(ADAPTERS)('the request context store (%s)', (adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const seen = async (options: ErrorsModuleOptions, providers: (Type | Provider)[] = []) => {
    app = await appWith(adapter, options, providers);
    const res = await request(app.getHttpServer()).get('/context').set('X-Request-Id', 'ctx-1');
    expect(res.status).toBe(200);
    // the id itself never needs the store: it is echoed either way
    expect(res.headers['x-request-id']).toBe('ctx-1');
    return (res.body as { seen: string | null }).seen;
  };

  it('is there by default while the app injects the default client, which forwards request ids', async () => {
    expect(await seen({}, [ConstructorUser])).toBe('ctx-1');
  });

  it.each([
    ['a property', [PropertyUser]],
    ['a factory', [FACTORY_USER]],
  ])('is there when %s injects the client', async (_how, providers) => {
    expect(await seen({}, providers)).toBe('ctx-1');
  });

  it('is there when a named client that forwards request ids is injected', async () => {
    expect(await seen({ clients: { payments: {} } }, [NamedUser])).toBe('ctx-1');
  });

  it('is not entered by default while no class of the app injects a client', async () => {
    expect(await seen({ clients: { payments: {} } })).toBeNull();
  });

  it('is not entered when the injected clients forward no request ids', async () => {
    const options = {
      client: { requestIdHeader: false as const },
      clients: { payments: { requestIdHeader: false as const } },
    };
    expect(await seen(options, [ConstructorUser, NamedUser])).toBeNull();
  });

  it.each<[string, ErrorsModuleOptions]>([
    ['requestTimeoutMs', { requestTimeoutMs: 5000 }],
    ['trustDeadlineHeader', { trustDeadlineHeader: true }],
  ])(
    'is entered with %s while a client is injected, even one that forwards no ids: it keeps to the deadline',
    async (_option, deadlines) => {
      expect(await seen({ ...deadlines, client: { requestIdHeader: false } }, [ConstructorUser])).toBe(
        'ctx-1',
      );
    },
  );

  it('is not entered with deadlines while no class of the app injects a client', async () => {
    expect(await seen({ requestTimeoutMs: 5000 })).toBeNull();
  });

  it('is entered when the app asks for it, whatever the clients do', async () => {
    expect(await seen({ client: { requestIdHeader: false }, asyncContext: true })).toBe('ctx-1');
  });

  it('holds for a handler whose body comes in after the head, in a later read of the socket', async () => {
    app = await appWith(adapter, { asyncContext: true });
    await app.listen(0, '127.0.0.1');
    const answer = await postAfterContinue(app, JSON.stringify({ n: 7 }), 'ctx-body-1');
    expect(answer).toEqual({ status: 201, body: { seen: 'ctx-body-1', n: 7 } });
  });

  it('is not entered when the app turns it off', async () => {
    expect(await seen({ asyncContext: false })).toBeNull();
  });
});
