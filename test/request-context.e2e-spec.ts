import type { INestApplication } from '@nestjs/common';
import { get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorsModule } from '../src/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { UUID } from './fixtures/envelope.js';
import { LogCapture } from './fixtures/log-capture.js';
import { ADAPTERS, createTestApp } from './fixtures/test-app.js';

describe.each(ADAPTERS)('request id, locale and logging (%s)', (adapter) => {
  let app: INestApplication;
  const logs = new LogCapture();
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    app = await createTestApp(adapter, undefined, { logger: logs });
  });
  afterEach(() => logs.clear());
  afterAll(async () => {
    await app.close();
  });

  describe('request id', () => {
    it('reuses a safe inbound id in the header, the body and the log line', async () => {
      const res = await request(server()).get('/users/5').set('X-Request-Id', 'req-abc.123:ZZ_9');
      expect(res.headers['x-request-id']).toBe('req-abc.123:ZZ_9');
      expect(res.body.requestId).toBe('req-abc.123:ZZ_9');
      expect(logs.envelopeLines()).toHaveLength(1);
      expect(logs.envelopeLines()[0]!.message).toContain('requestId=req-abc.123:ZZ_9');
    });

    it.each([
      ['too long', 'a'.repeat(129)],
      ['a space', 'abc def'],
      ['a log-forging newline', 'abc%0Aforged'],
      ['quotes', '"><script>'],
      ['unicode', 'идентификатор'],
    ])('replaces an inbound id with %s by a fresh UUID', async (_why, id) => {
      const res = await request(server()).get('/users/5').set('X-Request-Id', encodeURI(id));
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    });

    it('gives successful answers an id too, and a new one per request', async () => {
      const [a, b] = await Promise.all([request(server()).get('/ok'), request(server()).get('/ok')]);
      expect(a.headers['x-request-id']).toMatch(UUID);
      expect(b.headers['x-request-id']).toMatch(UUID);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });

    it('has an id for failures raised before any middleware ran (body parsing)', async () => {
      const res = await request(server())
        .post('/orders')
        .set('Content-Type', 'application/json')
        .set('X-Request-Id', 'early-1')
        .send('{oops');
      expect(res.headers['x-request-id']).toBe('early-1');
      expect(res.body.requestId).toBe('early-1');
    });
  });

  describe('locale', () => {
    it.each([
      [undefined, 'zh-CN', '资源不存在'],
      ['en', 'en', 'Not found'],
      ['en-US,en;q=0.9', 'en', 'Not found'],
      ['zh', 'zh-CN', '资源不存在'],
      ['zh-TW', 'zh-CN', '资源不存在'],
      ['fr-FR, en;q=0.5, zh-CN;q=0.8', 'zh-CN', '资源不存在'],
      ['fr-FR, en;q=0.8, zh-CN;q=0.5', 'en', 'Not found'],
      ['de, *;q=0.1', 'zh-CN', '资源不存在'],
      ['en;q=0, zh;q=0.1', 'zh-CN', '资源不存在'],
      ['garbage;;;q=x,,', 'zh-CN', '资源不存在'],
    ])('Accept-Language %s picks %s', async (header, locale, message) => {
      const req = request(server()).get('/nowhere');
      if (header !== undefined) req.set('Accept-Language', header);
      const res = await req;
      expect(res.headers['content-language']).toBe(locale);
      expect(res.body.message).toBe(message);
    });
  });

  describe('logging', () => {
    it('logs a 5xx once at error, with stack and cause chain, and sends neither', async () => {
      const res = await request(server())
        .get('/crash?password=p4ss')
        .set('Authorization', 'Bearer top-secret-token')
        .set('Cookie', 'session=cookie-secret')
        .set('X-Api-Key', 'api-key-secret')
        .set('X-Request-Id', 'crash-1');
      expect(res.status).toBe(500);
      const lines = logs.envelopeLines();
      expect(lines).toHaveLength(1);
      expect(logs.records.filter((record) => record.level === 'error')).toHaveLength(1);
      const [line] = lines;
      expect(line!.level).toBe('error');
      expect(line!.message).toMatch(/^GET \/crash 500 INTERNAL_ERROR\(500\) requestId=crash-1 \d+\.\dms$/);
      const stack = line!.rest.join('\n');
      expect(stack).toContain('password=hunter2');
      expect(stack).toContain('Caused by: Error: root cause: socket closed');
      expect(stack).toMatch(/at .*test-app\.ts/);
      const everything = JSON.stringify(logs.records);
      for (const secret of ['top-secret-token', 'cookie-secret', 'api-key-secret', 'p4ss']) {
        expect(everything).not.toContain(secret);
      }
    });

    it('logs a 4xx once at warn, without stack or body', async () => {
      await request(server()).post('/orders').send({ name: 'body-secret' });
      const lines = logs.envelopeLines();
      expect(lines).toHaveLength(1);
      expect(lines[0]!.level).toBe('warn');
      expect(lines[0]!.message).toMatch(
        /^POST \/orders 400 VALIDATION_FAILED\(40001\) requestId=\S+ \d+\.\dms$/,
      );
      expect(JSON.stringify(logs.records)).not.toContain('body-secret');
    });

    it('logs the cause of a 4xx DomainException on its line, without stack, and never sends it', async () => {
      const res = await request(server()).get('/locked');
      expect(res.status).toBe(409);
      expect(res.text).not.toContain('row lock');
      const lines = logs.envelopeLines();
      expect(lines).toHaveLength(1);
      expect(lines[0]!.level).toBe('warn');
      expect(lines[0]!.message).toMatch(
        /^GET \/locked 409 ORDER_LOCKED\(10002\) requestId=\S+ \d+\.\dms cause: Error: row lock held by tx 42 <- Error: deadlock detected$/,
      );
      expect(lines[0]!.rest).toEqual(['ErrorEnvelope']);
    });

    it('never logs what a body parser’s error says about the body', async () => {
      await request(server())
        .post('/orders')
        .set('Content-Type', 'application/json')
        .send('{"password": p4ss}');
      const [line] = logs.envelopeLines();
      expect(line!.message).toMatch(/^POST \/orders 400 MALFORMED_JSON\(40002\) requestId=\S+ \d+\.\dms$/);
      expect(JSON.stringify(logs.records)).not.toContain('p4ss');
    });

    it.each(['status', 'details', 'stack'])(
      'answers a 500 for an exception whose %s cannot be read, and still logs the exception itself',
      async (kind) => {
        const res = await request(server()).get(`/unreadable/${kind}`);
        expect(res.status).toBe(500);
        expect(res.body).toMatchObject({ code: 500, reason: 'INTERNAL_ERROR' });
        const lines = logs.envelopeLines();
        expect(lines).toHaveLength(1);
        expect(lines[0]!.level).toBe('error');
        expect(lines[0]!.rest.join('\n')).toContain(`original: ${kind} unreadable`);
      },
    );

    it('answers a plain 500 when the envelope cannot be serialized, and logs that', async () => {
      const res = await request(server()).get('/unsendable');
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ code: 500, reason: 'INTERNAL_ERROR' });
      const lines = logs.envelopeLines();
      expect(lines).toHaveLength(1);
      expect(lines[0]!.level).toBe('error');
      expect(lines[0]!.message).toMatch(/^GET \/unsendable 500 INTERNAL_ERROR\(500\)/);
      expect(lines[0]!.rest.join('\n')).toContain('The envelope of ORDER_LOCKED could not be sent');
    });

    it('logs a non-Error throw with its type', async () => {
      await request(server()).get('/throw/string');
      const [line] = logs.envelopeLines();
      expect(line!.rest.join('\n')).toContain('Non-error thrown (string): plain string thrown');
    });
  });
});

describe('request id before every Express middleware', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp('express', undefined, {
      // the app's own middleware, registered before the module's step is installed
      configure: (nest) =>
        nest.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
          if (req.url !== '/answered-by-middleware') return next();
          res.statusCode = 204;
          res.end();
        }),
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('echoes the id on an answer an app middleware writes before any route', async () => {
    const res = await request(app.getHttpServer()).get('/answered-by-middleware').set('X-Request-Id', 'mw-1');
    expect(res.status).toBe(204);
    expect(res.headers['x-request-id']).toBe('mw-1');
  });

  it('gives such an answer a fresh id when none came in', async () => {
    const res = await request(app.getHttpServer()).get('/answered-by-middleware');
    expect(res.headers['x-request-id']).toMatch(UUID);
  });
});

describe.each(ADAPTERS)('request id and logging options (%s)', (adapter) => {
  it('uses another header, ignores inbound ids when untrusted, and can mute 4xx lines', async () => {
    const logs = new LogCapture();
    const app = await createTestApp(
      adapter,
      ErrorsModule.forRoot({
        errors: [AppErrors],
        requestIdHeader: 'X-Correlation-Id',
        trustRequestId: false,
        clientErrorLogLevel: false,
      }),
      { logger: logs },
    );
    try {
      const res = await request(app.getHttpServer()).get('/users/3').set('X-Correlation-Id', 'abc');
      expect(res.headers['x-correlation-id']).toMatch(UUID);
      expect(res.body.requestId).toBe(res.headers['x-correlation-id']);
      expect(res.headers['x-request-id']).toBeUndefined();
      expect(logs.envelopeLines()).toHaveLength(0);
      await request(app.getHttpServer()).get('/crash');
      expect(logs.envelopeLines().map((line) => line.level)).toEqual(['error']);
    } finally {
      await app.close();
    }
  });

  it.each([false, true])(
    'sends the id header lowercase, on a success and on an error (asyncContext: %s)',
    async (asyncContext) => {
      const app = await createTestApp(
        adapter,
        ErrorsModule.forRoot({ errors: [AppErrors], requestIdHeader: 'X-Correlation-Id', asyncContext }),
      );
      try {
        await app.listen(0, '127.0.0.1');
        const { port } = app.getHttpServer().address() as AddressInfo;
        for (const path of ['/ok', '/users/3']) {
          const names = await wireHeaderNames(port, path);
          expect(names).toContain('x-correlation-id');
          expect(names).not.toContain('X-Correlation-Id');
        }
      } finally {
        await app.close();
      }
    },
  );

  it('logs 4xx at the configured level', async () => {
    const logs = new LogCapture();
    const app = await createTestApp(
      adapter,
      ErrorsModule.forRoot({ errors: [AppErrors], clientErrorLogLevel: 'debug' }),
      { logger: logs },
    );
    try {
      await request(app.getHttpServer()).get('/users/3');
      expect(logs.envelopeLines().map((line) => line.level)).toEqual(['debug']);
    } finally {
      await app.close();
    }
  });
});

/** The header names of an answer as they came over the wire (supertest gives them lowercased). */
async function wireHeaderNames(port: number, path: string): Promise<string[]> {
  const res = await new Promise<IncomingMessage>((resolve, reject) =>
    get({ host: '127.0.0.1', port, path }, resolve).once('error', reject),
  );
  // read to its end, so that closing the app finds no answer still on its way
  await new Promise((resolve) => res.resume().once('end', resolve));
  return res.rawHeaders.filter((_, index) => index % 2 === 0);
}
