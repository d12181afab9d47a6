import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, ErrorsModule, type ErrorsModuleOptions } from '../src/index.js';
import { envelopeMatchers } from '../src/testing/index.js';
import { LogCapture } from './fixtures/log-capture.js';
import { type AdapterName, ADAPTERS } from './fixtures/test-app.js';
import { until, useUpstream } from './fixtures/upstream.js';

expect.extend(envelopeMatchers);

/** The first app's deadline. */
const DEADLINE_MS = 1000;
/**
 * How far past it a busy machine may take a step, and still prove the
 * deadline ended the chain: without it the first attempt of each hop would
 * run for its own 3 s, and each call for 10 s.
 */
const SLACK_MS = 1500;

/** When a service's attempts began and its handlers stopped waiting on the next service. */
class Timeline {
  readonly attempts: number[] = [];
  readonly handled: number[] = [];
}

@Controller()
class HopController {
  constructor(
    private readonly next: ApiClient,
    private readonly timeline: Timeline,
  ) {}

  /** Calls the next service in the chain and answers with what it says. */
  @Get('hop')
  async hop(): Promise<unknown> {
    try {
      const { data } = await this.next.get('/hop');
      return data;
    } finally {
      this.timeline.handled.push(performance.now());
    }
  }
}

/** One service of the chain: its server, logs, timeline and the requests it got. */
interface Service {
  readonly name: string;
  readonly app: INestApplication;
  readonly url: string;
  readonly logs: LogCapture;
  readonly timeline: Timeline;
  readonly requests: number;
}

async function startService(
  adapter: AdapterName,
  name: string,
  next: string,
  options: ErrorsModuleOptions,
): Promise<Service> {
  const timeline = new Timeline();
  @Module({
    imports: [
      ErrorsModule.forRoot({
        ...options,
        client: {
          baseURL: next,
          // the defaults the chain would otherwise spend: 3 s an attempt, 10 s a call, 3 retries
          onEvent: (event) => {
            if (event.type === 'attempt') timeline.attempts.push(performance.now());
          },
        },
      }),
    ],
    controllers: [HopController],
    providers: [{ provide: Timeline, useValue: timeline }],
  })
  class ServiceModule {}
  const logs = new LogCapture();
  const app = await NestFactory.create(
    ServiceModule,
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: logs, abortOnError: false },
  );
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const service = {
    name,
    app,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logs,
    timeline,
    requests: 0,
  };
  server.on('request', () => service.requests++);
  return service;
}

describe.each(ADAPTERS)('a chain of three services sharing one deadline (%s)', (adapter) => {
  const last = useUpstream();
  const services: Service[] = [];

  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.app.close()));
  });

  it('stops everywhere within the first service’s deadline, with no attempt after it', async () => {
    last.script('/hop', 'hang');
    // each service trusts the one before it; the first sets the deadline
    const third = await startService(adapter, 'third', last.url, { trustDeadlineHeader: true });
    const second = await startService(adapter, 'second', third.url, { trustDeadlineHeader: true });
    const first = await startService(adapter, 'first', second.url, { requestTimeoutMs: DEADLINE_MS });
    services.push(first, second, third);

    const sent = performance.now();
    const res = await request(first.url).get('/hop');
    const answeredAfter = performance.now() - sent;

    expect(res).toBeEnvelope({ status: 504, code: 50402, reason: 'DEADLINE_EXCEEDED' });
    expect(answeredAfter).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(answeredAfter).toBeLessThan(DEADLINE_MS + SLACK_MS);

    // every service's handler has stopped waiting on the next: no call is left to send anything
    await until(() => services.every((service) => service.timeline.handled.length === service.requests));
    expect(first.requests).toBe(1);
    for (const service of services) {
      for (const at of service.timeline.handled) {
        expect(at - sent, `${service.name} stopped waiting`).toBeLessThan(DEADLINE_MS + SLACK_MS);
      }
    }

    // no service started an attempt, and the hanging upstream saw none, after the first deadline
    const attempts = services.flatMap((service) => service.timeline.attempts.map((at) => ({ service, at })));
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    for (const { service, at } of attempts) {
      expect(at - sent, `an attempt of ${service.name}`).toBeLessThan(DEADLINE_MS + SLACK_MS / 2);
    }
    const hits = last.hitsOf('/hop');
    expect(hits.length).toBeGreaterThanOrEqual(1);
    for (const hit of hits) expect(hit.at - sent).toBeLessThan(DEADLINE_MS + SLACK_MS / 2);
    // the last hop was told the time the first had left, no more
    for (const hit of hits) {
      const told = /^(\d+)m$/.exec(String(hit.headers['grpc-timeout']))?.[1];
      expect(Number(told)).toBeGreaterThan(0);
      expect(Number(told)).toBeLessThanOrEqual(DEADLINE_MS);
    }

    // one line per request that failed, none about a late answer (Nest's logger is one for the process:
    // the lines of all three are in the capture of the app made last)
    const lines = services
      .flatMap((service) => service.logs.records)
      .filter((line) => line.level === 'error' || line.level === 'fatal');
    const requests = services.reduce((count, service) => count + service.requests, 0);
    expect(lines).toHaveLength(requests);
    for (const line of lines) expect(line.message).toMatch(/^GET \/hop 504 /);
  }, 20_000);
});
