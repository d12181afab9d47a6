/**
 * The bomb bench upstream, run in a child process: `GET /bomb/<coding>`
 * answers an endless body of zeros, compressed as the client reads it
 * (gzip, br, deflate; about 1000:1 and more), until the client closes;
 * `GET /json/<coding>` answers a small coded JSON body (the normal case).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { bomb, CODINGS, type Coding } from './coded-bomb.js';
import { serveParent } from './shared.js';

const JSON_BODY = Buffer.from(
  JSON.stringify(Array.from({ length: 100 }, (_, id) => ({ id, name: `item ${id}`, tags: ['a', 'b'] }))),
);
const SMALL: Record<string, Buffer> = {
  gzip: zlib.gzipSync(JSON_BODY),
  deflate: zlib.deflateSync(JSON_BODY),
  br: zlib.brotliCompressSync(JSON_BODY),
};

const server = createServer((req, res) => {
  req.resume();
  const [, kind, coding = ''] = (req.url ?? '').split('/');
  if (kind === 'bomb' && CODINGS.includes(coding as Coding)) return bomb(res, coding as Coding);
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
