/**
 * The outbound bench upstream, run in a child process: a `node:http` server
 * on 127.0.0.1 that answers 200 with a small JSON body, or 503 to a share of
 * requests chosen independently at random. It counts every request it sees;
 * the bench reads and resets the count, and sets the share, over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveParent } from './shared.js';

const OK = JSON.stringify({ id: 42, name: 'Ada', roles: ['reader'] });
const UNAVAILABLE = JSON.stringify({ error: 'unavailable' });

let failShare = 0;
let attempts = 0;

const server = createServer((req, res) => {
  attempts++;
  req.resume();
  const fail = failShare > 0 && Math.random() < failShare;
  const body = fail ? UNAVAILABLE : OK;
  res.writeHead(fail ? 503 : 200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveParent(port, {
    configure: (message) => {
      failShare = Number(message.failShare ?? 0);
      attempts = 0;
      return { failShare };
    },
    stats: () => ({ attempts }),
    reset: () => {
      attempts = 0;
      return { attempts };
    },
  });
});
