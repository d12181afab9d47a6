import { Axios, type InternalAxiosRequestConfig } from 'axios';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BaseUrlCache, type Target, targetOf } from './request-target.js';

/** What axios' own http adapter would request: axios joins, the WHATWG parser encodes. */
function expected(config: InternalAxiosRequestConfig): Target {
  const url = new URL(new Axios({}).getUri(config));
  return { origin: url.origin, host: url.host, protocol: url.protocol, path: url.pathname + url.search };
}

/** The target, or that there is none (an invalid URL). */
function outcome(target: () => Target): Target | 'invalid URL' {
  try {
    return target();
  } catch {
    return 'invalid URL';
  }
}

const bases = new BaseUrlCache();

const config = (baseURL: string | undefined, url: string, params?: unknown) =>
  ({ baseURL, url, params }) as InternalAxiosRequestConfig;

/** Characters that the URL parser keeps, encodes, or reads as structure. */
const CHARS = [
  ...'abcXYZ019-._~!$&()*+,;=:@%/?#'.split(''),
  ...[' ', "'", '"', '<', '>', '`', '{', '}', '|', '\\', '^', '[', ']', 'é', '中', '\t'],
  '..',
  './',
  '../',
  '%2F',
  '%zz',
];

const relative = fc
  .array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''));
const base = fc
  .record({
    scheme: fc.constantFrom('http', 'https'),
    host: fc.constantFrom('127.0.0.1', 'api.example.com', 'EXAMPLE.com', '[::1]'),
    port: fc.constantFrom('', ':80', ':443', ':8080'),
    path: fc.constantFrom('', '/', '/v1', '/v1/', '/v1//', '/a b', '/ä'),
  })
  .map(({ scheme, host, port, path }) => `${scheme}://${host}${port}${path}`);

describe('targetOf', () => {
  it('requests exactly what axios joins and the URL parser encodes, for any relative URL', () => {
    fc.assert(
      fc.property(base, relative, (baseURL, url) => {
        expect(outcome(() => targetOf(config(baseURL, url), bases))).toEqual(
          outcome(() => expected(config(baseURL, url))),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['http://h:80/api/', '/users/1', 'http://h', '/api/users/1'],
    ['http://h/api', 'users/1?x=1', 'http://h', '/api/users/1?x=1'],
    ['https://h:443', '/', 'https://h', '/'],
    ['http://h/api/', 'a/../b', 'http://h', '/api/b'],
    ['http://h/api', 'q?a=b c', 'http://h', '/api/q?a=b%20c'],
    ['http://h/api', "q?a='", 'http://h', '/api/q?a=%27'],
  ])('%s + %s goes to %s%s', (baseURL, url, origin, path) => {
    expect(targetOf(config(baseURL, url), bases)).toMatchObject({ origin, path });
  });

  it('serializes params as axios does', () => {
    const got = targetOf(config('http://h/api', 'items', { page: 2, q: 'a b' }), bases);
    expect(got).toEqual(expected(config('http://h/api', 'items', { page: 2, q: 'a b' })));
  });

  it('takes an absolute URL over the base URL, and the base URL alone for an empty one', () => {
    expect(targetOf(config('http://h/api', 'https://other.example/x'), bases)).toMatchObject({
      origin: 'https://other.example',
      path: '/x',
    });
    expect(targetOf(config('http://h/api/', ''), bases)).toMatchObject({ origin: 'http://h', path: '/api/' });
  });
});
