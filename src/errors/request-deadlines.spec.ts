import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isDomainException } from '../core/domain.exception.js';
import { type RequestContext, requestContext } from '../core/request-context.js';
import { DEADLINE_SWEEP_MS, type DeadlineAnswer, RequestDeadlines } from './request-deadlines.js';

type FakeResponse = ServerResponse & {
  headersSent: boolean;
  writableEnded: boolean;
  /** Emits `close`, as Node does once the response is done or its connection is gone. */
  close(): void;
};

/** A raw response as far as deadlines look at it. */
function rawResponse(req: IncomingMessage): FakeResponse {
  const listeners: (() => void)[] = [];
  const response = {
    req,
    headersSent: false,
    writableEnded: false,
    on: (event: string, listener: () => void) => {
      if (event === 'close') listeners.push(listener);
      return response;
    },
    once: vi.fn<() => void>(),
    destroy: vi.fn<() => void>(),
    close: () => {
      for (const listener of listeners) listener.call(response);
    },
  };
  return response as unknown as FakeResponse;
}

function incoming(headers: Record<string, string> = {}): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

interface Setup {
  readonly deadlines: RequestDeadlines;
  readonly answered: Parameters<DeadlineAnswer>[];
  readonly clock: { now: number };
  /** A request entering now, with its context and raw response. */
  enter(headers?: Record<string, string>): {
    context: RequestContext;
    request: IncomingMessage;
    response: FakeResponse;
  };
}

function setup(
  options: Partial<ConstructorParameters<typeof RequestDeadlines>[0]> = {},
  answer?: DeadlineAnswer,
): Setup {
  const clock = { now: 1000 };
  const answered: Parameters<DeadlineAnswer>[] = [];
  const deadlines = new RequestDeadlines(
    { requestTimeoutMs: 500, deadlineHeader: 'grpc-timeout', trustDeadlineHeader: false, ...options },
    answer ?? ((...args) => void answered.push(args)),
    () => clock.now,
  );
  made.push(deadlines);
  return {
    deadlines,
    answered,
    clock,
    enter(headers = {}) {
      const request = incoming(headers);
      const response = rawResponse(request);
      const context = requestContext(request, 'X-Request-Id', true);
      (context as { startedAt: number }).startedAt = clock.now;
      deadlines.track(context, request, response);
      return { context, request, response };
    },
  };
}

const made: RequestDeadlines[] = [];
afterEach(() => {
  for (const deadlines of made.splice(0)) deadlines.close();
  vi.useRealTimers();
});

describe('RequestDeadlines', () => {
  it('is off without requestTimeoutMs or a trusted header', () => {
    const { deadlines, enter } = setup({ requestTimeoutMs: false });
    expect(deadlines.enabled).toBe(false);
    expect(enter({ 'grpc-timeout': '10m' }).context.deadline).toBeUndefined();
    expect(deadlines.open).toBe(0);
  });

  it('gives each request the module’s deadline, from when it was first seen', () => {
    const { deadlines, enter } = setup();
    expect(deadlines.enabled).toBe(true);
    const { context } = enter();
    expect(context.deadline).toMatchObject({ at: 1500, expired: false });
    expect(deadlines.open).toBe(1);
  });

  it('answers a request past its deadline once, with DEADLINE_EXCEEDED', () => {
    const { deadlines, answered, clock, enter } = setup();
    const { context, request, response } = enter();
    clock.now = 1499;
    deadlines.sweep();
    expect(answered).toHaveLength(0);
    clock.now = 1500;
    deadlines.sweep();
    expect(answered).toHaveLength(1);
    const [answeredRequest, answeredResponse, exception] = answered[0]!;
    expect(answeredRequest).toBe(request);
    expect(answeredResponse).toBe(response);
    expect(isDomainException(exception)).toBe(true);
    expect(exception).toMatchObject({
      entry: { reason: 'DEADLINE_EXCEEDED', status: 504, code: 50402 },
      details: { timeoutMs: 500 },
    });
    expect(context.deadline?.expired).toBe(true);
    context.deadline!.expire();
    deadlines.sweep((clock.now = 5000));
    expect(answered).toHaveLength(1);
    expect(deadlines.open).toBe(0);
  });

  it('leaves a request alone once its answer has begun, and forgets it', () => {
    const { deadlines, answered, clock, enter } = setup();
    const { context, response } = enter();
    response.headersSent = true;
    deadlines.sweep((clock.now = 2000));
    context.deadline!.expire();
    expect(answered).toHaveLength(0);
    expect(context.deadline?.expired).toBe(false);
    expect(deadlines.open).toBe(0);
  });

  it('forgets a request as soon as its response closes, keeping nothing of it', () => {
    const { deadlines, answered, clock, enter } = setup();
    const first = enter();
    enter();
    first.response.close();
    expect(deadlines.open).toBe(1);
    deadlines.sweep((clock.now = 2000));
    expect(answered).toHaveLength(1);
    expect(answered[0]![0]).not.toBe(first.request);
    first.context.deadline!.expire();
    expect(answered).toHaveLength(1);
  });

  it('keeps open requests and forgets answered ones at each sweep', () => {
    const { deadlines, clock, enter } = setup();
    const first = enter();
    clock.now = 1100;
    enter();
    first.response.headersSent = true;
    deadlines.sweep((clock.now = 1200));
    expect(deadlines.open).toBe(1);
  });

  it('is answered at once by whoever finds the deadline passed (an outbound call), with it as cause', () => {
    const { answered, enter } = setup();
    const { context } = enter();
    const found = new Error('the call it cut short');
    context.deadline!.expire(found);
    expect(answered).toHaveLength(1);
    expect(answered[0]![2].cause).toBe(found);
    expect(context.deadline!.expired).toBe(true);
  });

  describe('a trusted deadline header', () => {
    it.each([
      ['200m', 200],
      ['1S', 1000],
      ['300', 300],
    ])('gives a request the time its caller has left (%s), capped by requestTimeoutMs', (value, ms) => {
      const { enter } = setup({ requestTimeoutMs: 500, trustDeadlineHeader: true });
      expect(enter({ 'grpc-timeout': value }).context.deadline?.at).toBe(1000 + Math.min(ms, 500));
    });

    it('alone gives a deadline to the requests that send one', () => {
      const { deadlines, enter } = setup({ requestTimeoutMs: false, trustDeadlineHeader: true });
      expect(deadlines.enabled).toBe(true);
      expect(enter({ 'grpc-timeout': '2H' }).context.deadline?.at).toBe(1000 + 7_200_000);
      expect(enter().context.deadline).toBeUndefined();
      expect(deadlines.open).toBe(1);
    });

    it('is read under the name the module is given', () => {
      const { enter } = setup({
        deadlineHeader: 'X-Envoy-Expected-Rq-Timeout-Ms',
        trustDeadlineHeader: true,
      });
      expect(enter({ 'x-envoy-expected-rq-timeout-ms': '250' }).context.deadline?.at).toBe(1250);
    });

    it.each(['soon', '-5m', '1.5S', '123456789m', '10 m', ''])('ignores a bad value (%j)', (value) => {
      const { enter } = setup({ trustDeadlineHeader: true });
      expect(enter({ 'grpc-timeout': value }).context.deadline?.at).toBe(1500);
    });

    it('is ignored unless trusted', () => {
      const { enter } = setup();
      expect(enter({ 'grpc-timeout': '10m' }).context.deadline?.at).toBe(1500);
    });
  });

  it('sweeps on one shared timer while requests are open, and stops when none is', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { deadlines, answered, clock, enter } = setup();
    enter();
    enter();
    expect(vi.getTimerCount()).toBe(1);
    clock.now = 1500;
    vi.advanceTimersByTime(DEADLINE_SWEEP_MS);
    expect(answered).toHaveLength(2);
    expect(deadlines.open).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    enter();
    expect(vi.getTimerCount()).toBe(1);
  });

  it('cuts the connection when the answer itself fails, and throws nothing', () => {
    const { deadlines, clock, enter } = setup({}, () => {
      throw new Error('no answer');
    });
    const { context, response } = enter();
    expect(() => deadlines.sweep((clock.now = 1500))).not.toThrow();
    expect(response.destroy).toHaveBeenCalled();
    expect(context.deadline!.expired).toBe(true);
  });

  it('gives a request its deadline once', () => {
    const { deadlines, clock, enter } = setup();
    const { context, request, response } = enter();
    clock.now = 1200;
    deadlines.track(context, request, response);
    expect(context.deadline?.at).toBe(1500);
    expect(deadlines.open).toBe(1);
  });
});
