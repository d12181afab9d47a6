import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for another team's service, on 127.0.0.1 and a free port:
 * `/quotes/:symbol` fails with 503 twice, then answers (per symbol, again
 * and again), `/down` always fails, `/slow` answers after 10 seconds.
 */
export class FlakyUpstream implements OnApplicationShutdown {
  /** Requests seen, by path. */
  readonly hits = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FlakyUpstream> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const upstream = new FlakyUpstream(server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => upstream.handle(req, res));
    return upstream;
  }

  async onApplicationShutdown(): Promise<void> {
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', this.url).pathname;
    const hits = (this.hits.get(path) ?? 0) + 1;
    this.hits.set(path, hits);
    const symbol = /^\/quotes\/([\w.-]+)$/.exec(path)?.[1];
    if (symbol && hits % 3 === 0) {
      send(res, 200, { symbol: symbol.toUpperCase(), price: 187.42, currency: 'USD' });
    } else if (symbol || path === '/down') {
      send(res, 503, { error: 'pool exhausted at 10.1.2.3' });
    } else if (path === '/slow') {
      const timer = setTimeout(() => send(res, 200, { slow: true }), 10_000);
      res.on('close', () => clearTimeout(timer));
    } else {
      send(res, 404, { error: 'no such route' });
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

@Module({
  providers: [{ provide: FlakyUpstream, useFactory: () => FlakyUpstream.start() }],
  exports: [FlakyUpstream],
})
export class FlakyUpstreamModule {}
