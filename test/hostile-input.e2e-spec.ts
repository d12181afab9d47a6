import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorsModule } from '../src/index.js';
import { AppErrors } from './fixtures/app-errors.js';
import { expectEnvelope } from './fixtures/envelope.js';
import { LogCapture } from './fixtures/log-capture.js';
import { ADAPTERS, createTestApp } from './fixtures/test-app.js';

describe.each(ADAPTERS)('smaller hostile cases (%s)', (adapter) => {
  let app: INestApplication;
  const logs = new LogCapture();
  const get = (path: string) => request(app.getHttpServer()).get(path).set('Accept-Language', 'en');

  beforeAll(async () => {
    app = await createTestApp(adapter, ErrorsModule.forRoot({ errors: AppErrors, logRateLimit: false }), {
      logger: logs,
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(['missing', 'failing'])(
    'answers a StreamableFile whose stream fails before its first byte (%s) with the 500 envelope',
    async (kind) => {
      logs.clear();
      const res = await get(`/file/${kind}`);
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(expectEnvelope(res.body)).toMatchObject({ code: 500, reason: 'INTERNAL_ERROR' });
      expect(res.text).not.toContain('secret');
      const lines = logs.envelopeLines();
      expect(lines).toHaveLength(1);
      expect(lines[0]!.level).toBe('error');
    },
  );

  it('keeps matrix parameters out of the path and the log', async () => {
    logs.clear();
    const res = await get('/cart;jsessionid=SESSION-SECRET-1/items;v=2?x=1');
    expect(res.status).toBe(404);
    expect(res.body.path).toBe('/cart/items');
    expect(JSON.stringify(logs.records)).not.toContain('SESSION-SECRET-1');
    expect(logs.envelopeLines()[0]!.message).toMatch(/^GET \/cart\/items 404 /);
  });

  it('drops details past maxDetailsBytes from the body with a note, and keeps them on the log line', async () => {
    logs.clear();
    const res = await get('/big-details');
    expect(res.status).toBe(409);
    expect(res.body.details).toEqual({ omittedDetailsBytes: expect.any(Number) });
    expect(res.body.details.omittedDetailsBytes).toBeGreaterThan(10_000);
    expect(res.text).not.toContain('end-of-details');
    expect(logs.envelopeLines()[0]!.message).toContain('"tail":"end-of-details"');
  });
});

describe.each(ADAPTERS)('log protection (%s)', (adapter) => {
  let app: INestApplication;
  const logs = new LogCapture();
  const get = (path: string) => request(app.getHttpServer()).get(path);

  beforeAll(async () => {
    app = await createTestApp(
      adapter,
      ErrorsModule.forRoot({ errors: AppErrors, logRateLimit: { lines: 3, intervalMs: 600_000 } }),
      { logger: logs },
    );
  });
  afterAll(async () => {
    await app?.close();
  });

  it('writes the first lines of a burst, the first of another kind, and a summary of the rest at shutdown', async () => {
    for (let i = 0; i < 10; i++) expect((await get(`/users/${i + 2}`)).status).toBe(404);
    for (let i = 0; i < 6; i++) expect((await get('/crash')).status).toBe(500);
    // a new 5xx (another error, thrown elsewhere) is never left out, stack included
    expect((await get('/async-reject')).status).toBe(500);
    expect((await get('/ok')).status).toBe(200);
    const before = logs.envelopeLines();
    expect(before.filter((line) => line.message.includes('USER_NOT_FOUND'))).toHaveLength(3);
    const crashes = before.filter((line) => line.level === 'error');
    expect(crashes).toHaveLength(4);
    expect(crashes.at(-1)!.rest.join('\n')).toContain('async failure');
    await app.close();
    const summaries = logs.envelopeLines().filter((line) => line.message.includes('left out of the log'));
    expect(summaries.map((line) => [line.level, line.message.replace(/ in [\d.]+s$/, '')])).toEqual([
      ['warn', '404 USER_NOT_FOUND(10001): 7 more like it left out of the log'],
      [
        'error',
        expect.stringMatching(/^500 INTERNAL_ERROR\(500\) Error at .+: 3 more like it left out of the log$/),
      ],
    ]);
  });
});
