import FormDataPackage from 'form-data';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { contractClient, TRANSPORTS } from './fixtures/contract-client.js';
import { closeServer, listen } from './fixtures/upstream.js';

/**
 * What a call sends — body and headers — is what axios' http adapter sends,
 * on undici too: each case runs on both transports with one expectation.
 * (Options and URLs: transport-contract-options.e2e-spec.ts.)
 */

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe.each(TRANSPORTS)("axios' request bodies and headers on the %s transport", (transport) => {
  const contract = contractClient(transport);
  const { hit } = contract;

  describe('bodies', () => {
    it('sends a form-data package instance as multipart, with its boundary and length', async () => {
      const form = new FormDataPackage();
      form.append('field', 'value');
      await contract.client.axiosRef.post(`${contract.upstream.url}/form`, form);
      const { headers, body } = hit();
      const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(headers['content-type'] ?? '')?.[1];
      expect(body.toString()).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="field"`);
      expect(headers['content-length']).toBe(String(body.length));
    });

    it('sends an object as multipart when the content type asks for it', async () => {
      await contract.client.axiosRef.post(
        `${contract.upstream.url}/form`,
        { x: 'y' },
        { headers: { 'Content-Type': 'multipart/form-data' } },
      );
      const { headers, body } = hit();
      expect(headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(body.toString()).toMatch(/Content-Disposition: form-data; name="x"\r\n\r\ny\r\n/);
    });

    it('sends FormData with its Content-Length, not chunked', async () => {
      const form = new FormData();
      form.append('file', new Blob(['file content'], { type: 'text/plain' }), 'a.txt');
      await contract.client.axiosRef.post(`${contract.upstream.url}/form`, form);
      const { headers, body } = hit();
      expect(body.toString()).toContain('filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nfile content');
      expect([headers['content-length'], headers['transfer-encoding']]).toEqual([
        String(body.length),
        undefined,
      ]);
    });

    it("sends a Blob's bytes with its type and size", async () => {
      await contract.client.axiosRef.post(
        `${contract.upstream.url}/blob`,
        new Blob(['blob-content'], { type: 'text/plain' }),
      );
      const { headers, body } = hit();
      expect([body.toString(), headers['content-type'], headers['content-length']]).toEqual([
        'blob-content',
        'text/plain',
        '12',
      ]);
    });

    it('sends a Blob again after a 307 redirect', async () => {
      contract.upstream.script('/moved', { status: 307, headers: { Location: '/here' } });
      await contract.client.axiosRef.post(
        `${contract.upstream.url}/moved`,
        new Blob(['blob-content'], { type: 'text/plain' }),
      );
      const [again] = contract.upstream.hitsOf('/here');
      expect([again?.method, again?.body.toString(), again?.headers['content-type']]).toEqual([
        'POST',
        'blob-content',
        'text/plain',
      ]);
    });

    it('sends a Blob without a type as application/octet-stream', async () => {
      await contract.client.axiosRef.post(`${contract.upstream.url}/blob`, new Blob([Buffer.from([0, 255])]));
      const { headers, body } = hit();
      expect([[...body], headers['content-type']]).toEqual([[0, 255], 'application/octet-stream']);
    });

    it('sends an empty Blob as an empty body', async () => {
      await contract.client.axiosRef.post(`${contract.upstream.url}/blob`, new Blob([]));
      const { headers, body } = hit();
      expect([body.length, headers['content-length']]).toEqual([0, '0']);
    });

    it('refuses a Blob over maxBodyLength, with ERR_BAD_REQUEST', async () => {
      const error = await contract.client.axiosRef
        .post(`${contract.upstream.url}/blob`, new Blob(['0123456789']), { maxBodyLength: 4 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'ERR_BAD_REQUEST',
        message: 'Request body larger than maxBodyLength limit',
      });
    });

    it('refuses a stream over maxBodyLength, with ERR_BAD_REQUEST', async () => {
      const error = await contract.client.axiosRef
        .put(`${contract.upstream.url}/stream`, Readable.from([Buffer.alloc(10)]), { maxBodyLength: 4 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'ERR_BAD_REQUEST',
        message: 'Request body larger than maxBodyLength limit',
      });
    });

    it('refuses a body that is no string, buffer, stream, form or Blob, sending nothing', async () => {
      const error = await contract.client.axiosRef
        .post(`${contract.upstream.url}/number`, 42, { transformRequest: [(data: unknown) => data] })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'ERR_BAD_REQUEST',
        message: 'Data after transformation must be a string, an ArrayBuffer, a Buffer, or a Stream',
      });
      expect(contract.upstream.hits).toEqual([]);
    });
  });

  describe('headers', () => {
    it('sends `auth` as Basic credentials over an Authorization header', async () => {
      await contract.client.axiosRef.get(`${contract.upstream.url}/auth`, {
        auth: { username: 'user', password: 'secret' },
        headers: { aUtHoRiZaTiOn: 'Bearer token' },
      });
      expect(hit().headers['authorization']).toBe(basic('user:secret'));
    });

    it("sends the URL's credentials, decoded, as Basic credentials", async () => {
      const url = new URL('/auth', contract.upstream.url);
      url.username = 'us%65r';
      url.password = 'p%40ss';
      await contract.client.axiosRef.get(url.href, { headers: { Authorization: 'Bearer token' } });
      expect(hit().headers['authorization']).toBe(basic('user:p@ss'));
    });

    it("sends `auth` over the URL's credentials", async () => {
      const url = new URL('/auth', contract.upstream.url);
      url.username = 'from-url';
      await contract.client.axiosRef.get(url.href, { auth: { username: 'from-auth', password: '' } });
      expect(hit().headers['authorization']).toBe(basic('from-auth:'));
    });

    it('sends a list of cookies as one Cookie header joined by "; "', async () => {
      await contract.client.axiosRef.get(`${contract.upstream.url}/cookies`, {
        headers: { Cookie: ['a=1', 'b=2'] },
      });
      expect(hit().headers['cookie']).toBe('a=1; b=2');
    });

    it('sends no User-Agent when the caller sets it to null', async () => {
      await contract.client.axiosRef.get(`${contract.upstream.url}/agent`, {
        headers: { 'User-Agent': null },
      });
      expect(hit().headers).not.toHaveProperty('user-agent');
    });

    it('sends no Accept-Encoding when the caller sets it to false', async () => {
      await contract.client.axiosRef.get(`${contract.upstream.url}/encodings`, {
        headers: { 'Accept-Encoding': false },
      });
      expect(hit().headers).not.toHaveProperty('accept-encoding');
    });

    it("advertises the encodings axios' adapter accepts, with decompress: false too", async () => {
      await contract.client.axiosRef.get(`${contract.upstream.url}/encodings`, { decompress: false });
      expect(hit().headers['accept-encoding']).toBe('gzip, compress, deflate, br');
    });

    it("sends the caller's Content-Length even when the body is shorter", async () => {
      // answers on the headers alone, and closes the connection that waits for the rest
      const declared: unknown[] = [];
      const early = createServer((req, res) => {
        declared.push(req.headers['content-length']);
        res.writeHead(200, { Connection: 'close' }).end();
      });
      const url = await listen(early);
      await contract.client.axiosRef.post(`${url}/`, 'abc', {
        headers: { 'Content-Length': '42' },
      });
      expect(declared).toEqual(['42']);
      await closeServer(early);
    });

    it("sends the caller's Content-Length with a stream body", async () => {
      await contract.client.axiosRef.put(
        `${contract.upstream.url}/stream`,
        Readable.from([Buffer.from('abc')]),
        {
          headers: { 'Content-Length': '3' },
        },
      );
      const { headers, body } = hit();
      expect([body.toString(), headers['content-length'], headers['transfer-encoding']]).toEqual([
        'abc',
        '3',
        undefined,
      ]);
    });
  });
});
