/**
 * The bomb bench upstream, run in a child process: `GET /bomb/<coding>`
 * answers an endless body of zeros, compressed as the client reads it
 * (gzip, br, deflate; about 1000:1 and more), until the client closes;
 * `GET /json/<coding>` answers a small coded JSON body (the normal case).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { serveParent } from './shared.js';

const ZEROS = Buffer.alloc(256 * 1024);
const JSON_BODY = Buffer.from(
  JSON.stringify(Array.from({ length: 100 }, (_, id) => ({ id, name: `item ${id}`, tags: ['a', 'b'] }))),
);
const COMPRESS: Record<string, () => zlib.Gzip> = {
  gzip: () => zlib.createGzip({ level: 1 }),
  deflate: () => zlib.createDeflate({ level: 1 }),
  br: () =>
    zlib.createBrotliCompress({
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 },
    }) as unknown as zlib.Gzip,
};
const SMALL: Record<string, Buffer> = {
  gzip: zlib.gzipSync(JSON_BODY),
  deflate: zlib.deflateSync(JSON_BODY),
  br: zlib.brotliCompressSync(JSON_BODY),
};

function bomb(res: ServerResponse, coding: string): void {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Encoding': coding });
  const zip = COMPRESS[coding]!();
  zip.on('data', (chunk: Buffer) => {
    if (!res.write(chunk)) {
      zip.pause();
      res.once('drain', () => zip.resume());
    }
  });
  res.once('close', () => zip.destroy());
  const feed = (): void => {
    if (res.destroyed) return;
    // flushed each round, so that the client gets bytes to decode at once
    if (zip.write(ZEROS)) zip.flush(() => setImmediate(feed));
    else zip.once('drain', feed);
  };
  feed();
}

const server = createServer((req, res) => {
  req.resume();
  const [, kind, coding = ''] = (req.url ?? '').split('/');
  if (kind === 'bomb' && COMPRESS[coding]) return bomb(res, coding);
  if (kind === 'json' && SMALL[coding]) {
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Encoding': coding,
      'Content-Length': SMALL[coding].length,
    });
    return res.end(SMALL[coding]);
  }
  res.writeHead(404).end();
});

server.listen(0, '127.0.0.1', () => {
  serveParent((server.address() as AddressInfo).port, {});
});
