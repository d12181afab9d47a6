import type { INestApplication } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEvent, ErrorsModuleOptions } from '../src/index.js';
import { envelopeMatchers } from '../src/testing/index.js';
import { createDeadlineApp, Held } from './fixtures/deadline-app.js';
import type { LogCapture } from './fixtures/log-capture.js';
import { ADAPTERS } from './fixtures/test-app.js';
import { until, useUpstream } from './fixtures/upstream.js';

expect.extend(envelopeMatchers);

/** The deadline of these apps: long enough for a busy machine to enter a request well before it. */
const DEADLINE_MS = 300;
/** How late an answer may be on a busy machine, and still prove that the deadline, not a default, ended it. */
const SLACK_MS = 2500;

async function timed<T>(work: () => PromiseLike<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe.each(ADAPTERS)('inbound deadlines (%s)', (adapter) => {
  const upstream = useUpstream();
  let app: INestApplication | undefined;
  let logs: LogCapture;
  let held: Held;

  const start = async (options: ErrorsModuleOptions) => {
    held = new Held();
    ({ app, logs } = await createDeadlineApp(adapter, options, held, upstream.url));
    return app.getHttpServer();
  };

  afterEach(async () => {
    held?.release();
    await app?.close();
    app = undefined;
  });

  /** The failure lines, and every error-level line whatever its source. */
  const lines = () => ({
    envelope: logs.envelopeLines().map((line) => `${line.level} ${line.message}`),
    errors: logs.records.filter((line) => line.level === 'error' || line.level === 'fatal'),
  });

  it('answers a request still running at its deadline with 504 DEADLINE_EXCEEDED', async () => {
    const server = await start({ requestTimeoutMs: DEADLINE_MS });
    const { result: res, ms } = await timed(() =>
      request(server).get('/held').set('X-Request-Id', 'late-1').set('Accept-Language', 'en'),
    );
    expect(res).toBeEnvelope({
      status: 504,
      code: 50402,
      reason: 'DEADLINE_EXCEEDED',
      locale: 'en',
      details: { timeoutMs: DEADLINE_MS },
    });
    expect(res.body.message).toBe('The request could not be completed within its deadline');
    expect(res.headers['x-request-id']).toBe('late-1');
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(lines().envelope).toEqual([
      expect.stringMatching(/^error GET \/held 504 DEADLINE_EXCEEDED\(50402\) requestId=late-1 /),
    ]);
  });

  it.each([
    ['returns its result', '/held'],
    ['fails', '/held-fails'],
    ['writes its own answer and more on the raw response', '/held-raw'],
  ])('drops what a handler does after the deadline answer: it %s', async (_what, path) => {
    const server = await start({ requestTimeoutMs: DEADLINE_MS });
    const res = await request(server).get(path);
    expect(res).toBeEnvelope({ status: 504, reason: 'DEADLINE_EXCEEDED' });
    held.release();
    await held.finished;
    // what the handler's result or failure sets off runs after it returns
    await sleep(50);
    const { envelope, errors } = lines();
    expect(envelope).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('504 DEADLINE_EXCEEDED');
    // the app still serves
    expect((await request(server).get('/fast')).status).toBe(200);
  });

  it('leaves an answer that has begun alone', async () => {
    const server = await start({ requestTimeoutMs: DEADLINE_MS });
    const pending = request(server).get('/begun').buffer(true);
    const answered = pending.then((res) => res);
    await sleep(DEADLINE_MS + 150);
    held.release();
    const res = await answered;
    expect(res.status).toBe(200);
    expect(res.text).toBe('begun ended');
    expect(lines().envelope).toEqual([]);
  });

  it('costs a request answered in time nothing but its deadline', async () => {
    const server = await start({ requestTimeoutMs: DEADLINE_MS });
    const res = await request(server).get('/fast');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    await sleep(DEADLINE_MS + 100);
    expect(lines().envelope).toEqual([]);
  });

  it('ends the outbound call it waits on at the deadline, telling the upstream the time it had', async () => {
    upstream.script('/hang', 'hang');
    const events: ClientEvent[] = [];
    const server = await start({
      requestTimeoutMs: DEADLINE_MS,
      client: { onEvent: (event) => events.push(event) },
    });
    const { result: res, ms } = await timed(() => request(server).get('/upstream'));
    expect(res).toBeEnvelope({ status: 504, reason: 'DEADLINE_EXCEEDED' });
    // the call's own 3 s attempt timeout and 10 s deadline did not get to matter
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    const hits = upstream.hitsOf('/hang');
    expect(hits).toHaveLength(1);
    const granted = /^(\d+)m$/.exec(String(hits[0]!.headers['grpc-timeout']));
    expect(Number(granted?.[1])).toBeGreaterThan(0);
    expect(Number(granted?.[1])).toBeLessThanOrEqual(DEADLINE_MS);
    // the answer can leave before the aborted call has told its end
    await until(() => events.some((event) => event.type === 'give-up'));
    expect(events.filter((event) => event.type === 'give-up')).toEqual([
      expect.objectContaining({ cause: 'deadline', attempts: 1 }),
    ]);
    // answered as the request's deadline, once: the call's own failure reached the filter too late.
    // Whether the call (which then logs its failure as the cause, see the call-deadline spec) or the
    // sweep noticed the deadline first is up to the timers of a busy machine.
    expect(lines().envelope).toEqual([expect.stringContaining('504 DEADLINE_EXCEEDED(50402)')]);
    expect(logs.envelopeLines()[0]!.rest.join('\n')).toMatch(/^DomainException: DEADLINE_EXCEEDED/);
  });

  describe('the deadline header', () => {
    it('gives a request the time its trusted caller has left', async () => {
      const server = await start({ requestTimeoutMs: 10_000, trustDeadlineHeader: true });
      const { result: res, ms } = await timed(() =>
        request(server).get('/held').set('grpc-timeout', `${DEADLINE_MS}m`),
      );
      expect(res).toBeEnvelope({
        status: 504,
        reason: 'DEADLINE_EXCEEDED',
        details: { timeoutMs: DEADLINE_MS },
      });
      expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    });

    it('is capped by requestTimeoutMs', async () => {
      const server = await start({ requestTimeoutMs: DEADLINE_MS, trustDeadlineHeader: true });
      const res = await request(server).get('/held').set('grpc-timeout', '1H');
      expect(res).toBeEnvelope({
        status: 504,
        reason: 'DEADLINE_EXCEEDED',
        details: { timeoutMs: DEADLINE_MS },
      });
    });

    it('is read under the name the module is given, in milliseconds', async () => {
      const server = await start({
        deadlineHeader: 'x-envoy-expected-rq-timeout-ms',
        trustDeadlineHeader: true,
      });
      const res = await request(server)
        .get('/held')
        .set('x-envoy-expected-rq-timeout-ms', String(DEADLINE_MS));
      expect(res).toBeEnvelope({ status: 504, reason: 'DEADLINE_EXCEEDED' });
    });

    it.each(['soon', '-1m', '1.5S', '123456789m', '100 m', '100m, 200m'])(
      'ignores a value that does not parse (%j)',
      async (value) => {
        const server = await start({ trustDeadlineHeader: true });
        const res = await request(server).get('/fast').set('grpc-timeout', value);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ok: true });
      },
    );

    it('is ignored unless trusted', async () => {
      const server = await start({});
      const answered = request(server)
        .get('/held')
        .set('grpc-timeout', '20m')
        .then((res) => res);
      await sleep(200);
      held.release();
      const res = await answered;
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ late: true });
    });
  });
});
