import type { INestApplication } from '@nestjs/common';
import * as fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEnvelope, UUID } from './fixtures/envelope.js';
import { LogCapture } from './fixtures/log-capture.js';
import { ADAPTERS, createTestApp } from './fixtures/test-app.js';

/** Anything that would tell a client about the server's insides. */
const INTERNALS = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|\.js:\d+|SyntaxError|TypeError|FST_ERR|stack/;

/** Header values a client can send (visible ASCII and spaces, no line breaks). */
const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 200,
});

const body = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc
    .jsonValue({ maxDepth: 3 })
    .map((value) => JSON.stringify({ name: 'Widget', email: 'a@b.co', items: value })),
  fc
    .record(
      {
        name: fc.jsonValue({ maxDepth: 1 }),
        email: fc.jsonValue({ maxDepth: 1 }),
        items: fc.array(
          fc.record({ sku: fc.jsonValue({ maxDepth: 1 }), qty: fc.jsonValue({ maxDepth: 1 }) }),
          { maxLength: 4 },
        ),
        address: fc.jsonValue({ maxDepth: 2 }),
        ['__proto__']: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 300 }),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin2',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'application/jsonp',
);

const path = fc.oneof(
  fc.constant('/orders'),
  fc.webPath(),
  fc
    .array(fc.constantFrom('%', '%E0%A4%A', '..', '%00', 'orders', '?', '#', ';', '%2F', '~'), {
      maxLength: 6,
    })
    .map((parts) => `/${parts.join('')}`),
);

describe.each(ADAPTERS)('bad input is answered with a clean 4xx envelope (%s)', (adapter) => {
  let app: INestApplication;
  const logs = new LogCapture();

  beforeAll(async () => {
    app = await createTestApp(adapter, undefined, { logger: logs });
  });
  afterAll(async () => {
    await app.close();
  });

  it('for random bodies, headers and paths', async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        contentType,
        path,
        headerValue,
        headerValue,
        async (payload, type, url, language, id) => {
          const res = await request(app.getHttpServer())
            .post(url)
            .set('Content-Type', type)
            .set('Accept-Language', language)
            .set('X-Request-Id', id)
            .send(payload);
          if (res.status === 201) return; // a payload that happens to be a valid order
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
          const envelope = expectEnvelope(JSON.parse(res.text));
          expect(envelope['requestId']).toBe(res.headers['x-request-id']);
          // HTTP trims the header's outer spaces
          expect(envelope['requestId'] === id.trim() || UUID.test(String(envelope['requestId']))).toBe(true);
          expect(res.text).not.toMatch(INTERNALS);
        },
      ),
      { numRuns: 300 },
    );
    // nothing on the way was a server fault
    expect(logs.records.filter((record) => record.level === 'error')).toEqual([]);
  });
});
