import { ConsoleLogger, Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it, type Mock, vi } from 'vitest';
import { ApiClient, type ClientEvent, type UpstreamException } from '../src/index.js';
import { type RequestDeadline, runInRequestContext } from '../src/core/request-context.js';
import { LogCapture } from './fixtures/log-capture.js';
import { TRANSPORTS, useClients, useUpstream, rejectionOf } from './fixtures/upstream.js';

/** An inbound request's deadline `ms` from now, as the inbound half gives it. */
function deadlineIn(ms: number): RequestDeadline & { expire: Mock<(cause?: unknown) => void> } {
  return { at: performance.now() + ms, expired: false, expire: vi.fn<(cause?: unknown) => void>() };
}

/** Runs `work` as part of serving a request whose deadline is `deadline`. */
function serving<T>(deadline: RequestDeadline | undefined, work: () => Promise<T>): Promise<T> {
  return runInRequestContext({ requestId: 'req-1', startedAt: performance.now(), deadline }, work);
}

/** The milliseconds an attempt told its upstream it has, from `grpc-timeout`. */
function granted(value: unknown): number {
  const match = /^(\d+)m$/.exec(String(value));
  if (!match) throw new Error(`not a grpc-timeout: ${String(value)}`);
  return Number(match[1]);
}

const logs = new LogCapture();
beforeAll(() => Logger.overrideLogger(logs));
afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

describe.each(TRANSPORTS)('ApiClient within an inbound request’s deadline (%s transport)', (transport) => {
  const upstream = useUpstream();
  const keep = useClients();
  let events: ClientEvent[];

  afterEach(() => logs.clear());

  const make = (options: ConstructorParameters<typeof ApiClient>[0] = {}) => {
    events = [];
    return keep(
      new ApiClient({
        transport,
        baseURL: upstream.url,
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
        attemptTimeoutMs: 5000,
        deadlineMs: 10_000,
        onEvent: (event) => events.push(event),
        ...options,
      }),
    );
  };

  it('ends a call by the request’s deadline when it is nearer than its own, and says so', async () => {
    upstream.script('/slow', 'hang');
    const deadline = deadlineIn(300);
    const started = performance.now();
    const error = await rejectionOf<UpstreamException>(serving(deadline, () => make().get('/slow')));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ kind: 'deadline', attempts: 1, entry: { reason: 'UPSTREAM_TIMEOUT' } });
    expect(error.reason).toMatch(/^deadline of the inbound request passed \(\d+ms were left of it\)$/);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // not the call's own 5 s attempt timeout nor its 10 s deadline
    expect(elapsed).toBeLessThan(4000);
    // the request is answered now, by its deadline, not when the handler rethrows; the call's failure is why
    expect(deadline.expire).toHaveBeenCalledTimes(1);
    expect(deadline.expire).toHaveBeenCalledWith(error);
    expect(events.filter((event) => event.type === 'give-up')).toEqual([
      expect.objectContaining({ cause: 'deadline', attempts: 1 }),
    ]);
  });

  it('tells the upstream on every attempt how long it may take, less on each retry', async () => {
    upstream.script('/flaky', { status: 503, delayMs: 30 }, { status: 503, delayMs: 30 }, { status: 200 });
    await serving(deadlineIn(4000), () => make().get('/flaky'));
    const times = upstream.hitsOf('/flaky').map((hit) => granted(hit.headers['grpc-timeout']));
    expect(times).toHaveLength(3);
    expect(times[0]).toBeLessThanOrEqual(4000);
    expect(times[1]).toBeLessThan(times[0]!);
    expect(times[2]).toBeLessThan(times[1]!);
  });

  it('tells the attempt’s own timeout when that is shorter', async () => {
    upstream.script('/quick', { status: 200 });
    await serving(deadlineIn(4000), () => make({ attemptTimeoutMs: 700 }).get('/quick'));
    expect(upstream.hitsOf('/quick')[0]!.headers['grpc-timeout']).toBe('700m');
  });

  it('keeps its own deadline when that is nearer, and leaves the request be', async () => {
    upstream.script('/slow', 'hang');
    const deadline = deadlineIn(5000);
    const error = await rejectionOf<UpstreamException>(
      serving(deadline, () => make({ deadlineMs: 200 }).get('/slow')),
    );
    expect(error).toMatchObject({ kind: 'deadline', reason: 'deadline of 200ms passed' });
    expect(deadline.expire).not.toHaveBeenCalled();
    expect(granted(upstream.hitsOf('/slow')[0]!.headers['grpc-timeout'])).toBeLessThanOrEqual(200);
  });

  it('fails at once, sending nothing, when no time is left of the request’s deadline', async () => {
    upstream.script('/late', { status: 200 });
    const deadline = deadlineIn(-1);
    const api = make();
    const started = performance.now();
    const error = await rejectionOf<UpstreamException>(serving(deadline, () => api.get('/late')));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ kind: 'deadline', attempts: 0, entry: { reason: 'UPSTREAM_TIMEOUT' } });
    expect(error.reason).toBe("no time was left of the inbound request's deadline");
    expect(upstream.hitsOf('/late')).toHaveLength(0);
    expect(api.getStats().totals).toMatchObject({ attempts: 0, retries: 0, failures: 0 });
    expect(events).toEqual([expect.objectContaining({ type: 'give-up', cause: 'deadline', attempts: 0 })]);
    expect(deadline.expire).toHaveBeenCalledTimes(1);
  });

  it('keeps to the request’s deadline on axiosRef too', async () => {
    upstream.script('/late', { status: 200 });
    const error = await rejectionOf<UpstreamException>(
      serving(deadlineIn(-1), () => make().axiosRef.get('/late')),
    );
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    expect(upstream.hitsOf('/late')).toHaveLength(0);
  });

  it('with requestDeadline: false, neither keeps to the request’s deadline nor forwards it', async () => {
    upstream.script('/audit', { status: 200, delayMs: 50 });
    const deadline = deadlineIn(-1);
    const { status } = await serving(deadline, () =>
      make().post('/audit', { a: 1 }, { requestDeadline: false }),
    );
    expect(status).toBe(200);
    expect(upstream.hitsOf('/audit')[0]!.headers['grpc-timeout']).toBeUndefined();
    expect(deadline.expire).not.toHaveBeenCalled();
  });

  it('with deadlineHeader: false, still keeps to it but forwards nothing', async () => {
    upstream.script('/slow', 'hang');
    const error = await rejectionOf<UpstreamException>(
      serving(deadlineIn(200), () => make({ deadlineHeader: false }).get('/slow')),
    );
    expect(error).toMatchObject({ kind: 'deadline' });
    expect(upstream.hitsOf('/slow')[0]!.headers['grpc-timeout']).toBeUndefined();
  });

  it('writes whole milliseconds under another header name', async () => {
    upstream.script('/quick', { status: 200 });
    await serving(deadlineIn(4000), () =>
      make({ deadlineHeader: 'X-Envoy-Expected-Rq-Timeout-Ms', attemptTimeoutMs: 900 }).get('/quick'),
    );
    const headers = upstream.hitsOf('/quick')[0]!.headers;
    expect(headers['x-envoy-expected-rq-timeout-ms']).toBe('900');
    expect(headers['grpc-timeout']).toBeUndefined();
  });

  it('leaves a deadline header the caller set alone', async () => {
    upstream.script('/quick', { status: 200 });
    await serving(deadlineIn(4000), () => make().get('/quick', { headers: { 'grpc-timeout': '5m' } }));
    expect(upstream.hitsOf('/quick')[0]!.headers['grpc-timeout']).toBe('5m');
  });

  it('forwards no deadline while serving a request that has none, or outside any request', async () => {
    upstream.script('/quick', { status: 200 });
    const api = make();
    await serving(undefined, () => api.get('/quick'));
    await api.get('/quick');
    expect(upstream.hitsOf('/quick').map((hit) => hit.headers['grpc-timeout'])).toEqual([
      undefined,
      undefined,
    ]);
  });
});
