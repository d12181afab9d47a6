/**
 * The instruction-count driver, run under callgrind by instructions.ts:
 * `node instructions-app.js <nest|hand|ours> <express|fastify> <GET|POST> <path> <status> <warm-up answers> <counted answers> <go file> <stop file> [JSON body]`.
 *
 * Starts the inbound bench app (inbound-app.js) in this process and serves
 * its server's `request` event itself, with Node's own request and response
 * objects on a socket that is never connected: the app's and the framework's
 * work per answer, without the network. After the warm-up it says `warm` on
 * stdout and waits for the go file to appear (the parent turns the count on
 * first), then answers the counted requests, says `done` and waits for the
 * stop file (the parent turns the count off first) before it exits.
 *
 * Nothing but the answers runs while counting: the words go out with a plain
 * write and the files are looked for on a timer, because a line read from
 * stdin there deoptimized the stream code every request also runs, and V8
 * recompiled dozens of functions inside the count. Nor is a collection forced
 * before it: that discarded optimized code the same way.
 *
 * An answer with another status than the route's ends the process with an
 * error: its count would mean nothing.
 */
import { existsSync, writeSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

const [variant, adapter, method, path, status, warmUp, counted, go, stop, json] = process.argv.slice(2);
const expected = Number(status);
// inbound-app.js reads its variant and adapter from the command line
process.argv.splice(2, process.argv.length, variant!, adapter!);
const { app } = await import('./inbound-app.js');
const server = app.getHttpServer() as { emit(event: 'request', ...args: unknown[]): boolean };

let answered = 0;
const end = ServerResponse.prototype.end;
// an answer ends here whatever the framework: without a socket, Node emits no 'finish'
ServerResponse.prototype.end = function (this: ServerResponse, ...args: unknown[]) {
  answered++;
  if (this.statusCode !== expected) {
    console.error(`${variant}/${adapter} ${method} ${path}: ${this.statusCode}, expected ${expected}`);
    process.exit(1);
  }
  return (end as (...args: unknown[]) => ServerResponse).apply(this, args);
};

/** The body of every request, with the headers that describe it (none without one). */
const body = json === undefined ? undefined : Buffer.from(json);
const bodyHeaders: [string, string][] = body
  ? [
      ['content-type', 'application/json'],
      ['content-length', String(body.length)],
    ]
  : [];

function request(): void {
  const req = new IncomingMessage(new Socket());
  req.method = method!;
  req.url = path!;
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.httpVersion = '1.1';
  req.headers = { host: '127.0.0.1' };
  req.rawHeaders = ['host', '127.0.0.1'];
  for (const [name, value] of bodyHeaders) {
    req.headers[name] = value;
    req.rawHeaders.push(name, value);
  }
  // the same bytes each time: the parsers read them, none writes to them
  if (body) req.push(body);
  req.push(null);
  server.emit('request', req, new ServerResponse(req));
}

/** Serves `count` requests, at most 16 in flight, as 4 connections of a load generator would keep a server busy. */
async function serve(count: number): Promise<void> {
  const before = answered;
  const inFlight = (sent: number): number => sent - (answered - before);
  for (let sent = 0; sent < count;) {
    for (; sent < count && inFlight(sent) < 16; sent++) request();
    await new Promise((resolve) => setImmediate(resolve));
  }
  while (inFlight(count) > 0) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits for the parent to create `file`, looking every few milliseconds. */
async function until(file: string): Promise<void> {
  while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 5));
}

await serve(Number(warmUp));
writeSync(1, 'warm\n');
await until(go!);
await serve(Number(counted));
writeSync(1, 'done\n');
await until(stop!);
process.exit(0);
