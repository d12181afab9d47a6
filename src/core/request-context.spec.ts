import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { freshUuid, headerKey, requestIdFrom } from './request-context.js';

describe('freshUuid', () => {
  // more than one batch, so the refill and the ids on both sides of it are covered
  const ids = Array.from({ length: 1000 }, () => freshUuid());

  it('makes version 4 UUIDs of the RFC 9562 variant, in lowercase', () => {
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('never gives the same id twice', () => {
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws every hex digit of the random part (not a fixed pattern)', () => {
    // the 30 random digits of each id: positions other than the version and variant digits
    const digits = new Set(
      ids.flatMap((id) => [...id.replaceAll('-', '')].filter((_, at) => at !== 12 && at !== 16)),
    );
    expect([...digits].toSorted().join('')).toBe('0123456789abcdef');
  });

  it('gives an id that holds only itself, not the text of its whole batch', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapAfterGc = (): number => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = heapAfterGc();
    // one id of each of 1,000 batches: as slices of a string per batch they would hold 9 MB
    const kept: string[] = [];
    for (let batch = 0; batch < 1000; batch++) {
      kept.push(freshUuid());
      for (let i = 1; i < 256; i++) freshUuid();
    }
    const held = heapAfterGc() - before;
    expect(kept).toHaveLength(1000);
    expect(held).toBeLessThan(2 * 1024 * 1024);
  });

  it('gives an id that is its own string, not a view that later ids change', () => {
    const first = freshUuid();
    const copy = `${first}`;
    for (let i = 0; i < 600; i++) freshUuid();
    expect(first).toBe(copy);
  });
});

describe('requestIdFrom', () => {
  it('reuses a safe inbound id', () => {
    expect(requestIdFrom('abc-123:x.y_z')).toBe('abc-123:x.y_z');
  });

  it.each([undefined, '', 'a b', 'x'.repeat(129), ['a'], 42])('makes a UUID for %j', (inbound) => {
    expect(requestIdFrom(inbound)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('headerKey', () => {
  it('gives the lowercase name, the same string for the same header', () => {
    const key = headerKey('X-Request-Id');
    expect(key).toBe('x-request-id');
    expect(headerKey(['X', 'Request', 'Id'].join('-'))).toBe(key);
  });

  it('follows a header that changes (two modules, two names)', () => {
    expect(headerKey('X-Correlation-Id')).toBe('x-correlation-id');
    expect(headerKey('X-Request-Id')).toBe('x-request-id');
    expect(headerKey('traceparent')).toBe('traceparent');
  });
});
