import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, UpstreamException } from '../src/index.js';
import { TRANSPORTS, useUpstream } from './fixtures/upstream.js';

/**
 * Redirects an upstream should not be able to abuse: loops, Locations that
 * are no http(s) URL, secrets sent on to another origin — on both transports
 * alike, as axios' http adapter (follow-redirects) handles them.
 */

const SECRETS = {
  Authorization: 'Bearer secret',
  Cookie: 'session=1',
  'Proxy-Authorization': 'Basic cHJveHk6c2VjcmV0',
  'X-Api-Key': 'k-123',
  'X-Auth-Token': 't-456',
};

describe.each(TRANSPORTS)('redirects on the %s transport', (transport) => {
  const upstream = useUpstream();
  const other = useUpstream();
  let client: ApiClient;

  beforeAll(() => {
    client = new ApiClient({ transport, baseURL: upstream.url, retry: false, budget: false, breaker: false });
  });
  afterAll(async () => {
    await client.close();
  });

  it('fails endless redirects past maxRedirects with ERR_FR_TOO_MANY_REDIRECTS', async () => {
    upstream.script('/loop', { status: 302, headers: { Location: '/loop' } });
    const error = await client.axiosRef.get('/loop', { maxRedirects: 3 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_FR_TOO_MANY_REDIRECTS',
      message: 'Maximum number of redirects exceeded',
    });
    expect(upstream.hitsOf('/loop')).toHaveLength(4);
  });

  it('makes too many redirects a network UpstreamException', async () => {
    upstream.script('/loop', { status: 302, headers: { Location: '/loop' } });
    const error = await client.get('/loop', { maxRedirects: 3 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', reason: 'ERR_FR_TOO_MANY_REDIRECTS' });
  });

  it.each([
    ['a file: URL', 'file:///etc/passwd', 'Unsupported protocol file:'],
    ['a data: URL', 'data:text/plain,hello', 'Unsupported protocol data:'],
    ['a javascript: URL', 'javascript:alert(1)', 'Unsupported protocol javascript:'],
    ['an unparsable Location', 'http://[::1', 'Invalid URL'],
  ])('never follows a redirect to %s: a network UpstreamException (502)', async (_what, location, why) => {
    upstream.script('/away', { status: 302, headers: { Location: location } });
    const error = await client.get('/away').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamException);
    expect(error).toMatchObject({ kind: 'network', attempts: 1 });
    expect((error as UpstreamException).entry?.status).toBe(502);
    expect((error as UpstreamException).cause).toMatchObject({
      code: 'ERR_FR_REDIRECTION_FAILURE',
      message: `Redirected request failed: ${why}`,
    });
    expect(upstream.hits).toHaveLength(1);
  });

  it('drops every secret header on a redirect to another origin', async () => {
    upstream.script('/away', { status: 302, headers: { Location: `${other.url}/landed` } });
    await client.get('/away', { headers: { ...SECRETS, 'X-Keep': 'yes' } });
    const [landed] = other.hitsOf('/landed');
    for (const name of Object.keys(SECRETS)) expect(landed!.headers).not.toHaveProperty(name.toLowerCase());
    expect(landed!.headers['x-keep']).toBe('yes');
  });

  it('keeps the secret headers on a redirect to the same origin, but for Proxy-Authorization', async () => {
    upstream.script('/here', { status: 302, headers: { Location: '/landed' } });
    await client.get('/here', { headers: SECRETS });
    const { 'Proxy-Authorization': _proxy, ...kept } = SECRETS;
    const [landed] = upstream.hitsOf('/landed');
    for (const [name, value] of Object.entries(kept)) expect(landed!.headers[name.toLowerCase()]).toBe(value);
    // axios' http adapter drops it on every redirect
    expect(landed!.headers).not.toHaveProperty('proxy-authorization');
  });

  it("drops the headers named in axios' sensitiveHeaders on a redirect to another origin", async () => {
    upstream.script('/away', { status: 302, headers: { Location: `${other.url}/landed` } });
    await client.get('/away', { headers: { 'X-Tenant': 'acme' }, sensitiveHeaders: ['X-Tenant'] });
    expect(other.hitsOf('/landed')[0]!.headers).not.toHaveProperty('x-tenant');
  });
});
