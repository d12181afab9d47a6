import { create } from 'axios';
import { describe, expect, it } from 'vitest';
import { makeMethodHeadersLazy } from './method-headers.js';

/** The headers an instance sends for `method`, with or without the lazy method objects. */
async function sent(lazy: boolean, method: string): Promise<unknown> {
  let headers: unknown;
  const instance = create({
    baseURL: 'http://h',
    headers: { 'X-Own': '1' },
    adapter: async (config) => {
      headers = config.headers.toJSON();
      return { data: '', status: 200, statusText: 'OK', headers: {}, config };
    },
  });
  if (lazy) makeMethodHeadersLazy(instance);
  instance.defaults.headers.delete['X-Delete'] = 'yes';
  instance.defaults.headers.common['X-All'] = 'all';
  await instance.request({ method, url: '/x', data: method === 'post' ? { a: 1 } : undefined });
  return headers;
}

describe('makeMethodHeadersLazy', () => {
  it('leaves the empty per-method objects out of what axios copies until one is touched', () => {
    const instance = create({ headers: { 'X-Own': '1' } });
    makeMethodHeadersLazy(instance);
    const headers = instance.defaults.headers as unknown as Record<string, unknown>;
    expect(Object.keys(headers)).toEqual(['common', 'X-Own']);
    expect(headers['patch']).toEqual({});
    expect(Object.keys(headers).toSorted()).toEqual(['X-Own', 'common', 'patch']);
  });

  it('keeps a per-method object that already holds headers, and takes an assigned one', () => {
    const instance = create();
    instance.defaults.headers.post['X-Post'] = '1';
    makeMethodHeadersLazy(instance);
    expect(instance.defaults.headers.post).toEqual({ 'X-Post': '1' });
    const put = { 'X-Put': '2' };
    instance.defaults.headers.put = put;
    expect(instance.defaults.headers.put).toBe(put);
    expect(Object.keys(instance.defaults.headers)).toEqual(expect.arrayContaining(['post', 'put']));
  });

  it('gives every method the same request headers as stock axios', async () => {
    for (const method of ['get', 'post', 'delete', 'patch']) {
      expect(await sent(true, method)).toEqual(await sent(false, method));
    }
  });
});
