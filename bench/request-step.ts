/**
 * The request id step measured alone, in this process: what it costs a
 * request with the module's defaults and with `requestTimeoutMs` on (a
 * deadline, its place in the watch list, and leaving it when the response
 * closes), against the CPU time of a whole answer measured in the apps.
 * Real Node requests and responses on an unconnected socket; no network.
 */
import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse, validateHeaderValue } from 'node:http';
import { Socket } from 'node:net';
import { freshUuid } from '../src/core/request-context.js';
import { answerThrough, RequestDeadlines } from '../src/errors/request-deadlines.js';
import { enterRequest, SET_HEADER } from '../src/errors/request-id.step.js';
import { type BenchArgs, median, printTable } from './shared.js';

const OPTIONS = { requestIdHeader: 'x-request-id', trustRequestId: true, asyncContext: false };
const next = (): void => {};

function pair(socket: Socket): { request: IncomingMessage; response: ServerResponse } {
  const request = new IncomingMessage(socket);
  request.method = 'GET';
  request.url = '/users/1';
  request.headers = { host: '127.0.0.1' };
  return { request, response: new ServerResponse(request) };
}

/** CPU µs per request of the step (and of closing the response, as every answer does). */
function measure(count: number, deadlines: RequestDeadlines | undefined): number {
  const socket = new Socket();
  const pairs = Array.from({ length: count }, () => pair(socket));
  // the garbage of the round before is not this one's
  globalThis.gc?.();
  const before = process.cpuUsage();
  for (const { request, response } of pairs) {
    enterRequest(request, OPTIONS, response, SET_HEADER, next, deadlines);
    response.emit('close');
  }
  const used = process.cpuUsage(before);
  deadlines?.close();
  return (used.user + used.system) / count;
}

/** CPU µs per fresh id, with the check Node gives it as a header value (which reads it whole). */
function measureIds(count: number, make: () => string): number {
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) validateHeaderValue('x-request-id', make());
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

/**
 * The medians of `first` and `second` over `rounds` rounds: each goes first every other round,
 * and an extra first round warms both up.
 */
function alternating(rounds: number, first: () => number, second: () => number): [number, number] {
  const firsts: number[] = [];
  const seconds: number[] = [];
  for (let round = 0; round < rounds + 1; round++) {
    let a: number;
    let b: number;
    if (round % 2 === 0) {
      a = first();
      b = second();
    } else {
      b = second();
      a = first();
    }
    if (round === 0) continue;
    firsts.push(a);
    seconds.push(b);
  }
  return [median(firsts), median(seconds)];
}

export function runRequestStep(args: BenchArgs): StepCost {
  const count = args.quick ? 10_000 : 50_000;
  const rounds = args.quick ? 3 : 11;
  const never = answerThrough({ catch: () => undefined });
  const withDeadlines = (): number =>
    measure(
      count,
      new RequestDeadlines(
        { requestTimeoutMs: 5000, deadlineHeader: 'grpc-timeout', trustDeadlineHeader: false },
        never,
      ),
    );
  const [plain, withDeadline] = alternating(rounds, () => measure(count, undefined), withDeadlines);
  const [freshId, randomUuid] = alternating(
    rounds,
    () => measureIds(count * 4, freshUuid),
    () => measureIds(count * 4, randomUUID),
  );
  return { count, rounds, plain, withDeadline, freshId, randomUuid };
}

/** What the step measured alone. */
export interface StepCost {
  readonly count: number;
  readonly rounds: number;
  /** CPU µs per request, defaults. */
  readonly plain: number;
  /** CPU µs per request, with `requestTimeoutMs`. */
  readonly withDeadline: number;
  /** CPU µs per fresh request id (ours), checked as a header value. */
  readonly freshId: number;
  /** The same with `crypto.randomUUID()`. */
  readonly randomUuid: number;
}

/** The step's costs, and the deadline's extra as a share of ErrorsModule's whole 200 GET answer on each adapter. */
export function printRequestStep(step: StepCost, successCosts: ReadonlyMap<string, number>): void {
  const extra = step.withDeadline - step.plain;
  const shares = [...successCosts].map(
    ([adapter, cost]) => `${adapter} ${((extra / cost) * 100).toFixed(1)} % of ${cost.toFixed(1)} µs`,
  );
  printTable(
    `## 1c. The request id step alone (this process, ${step.count.toLocaleString('en')} requests, median of ${step.rounds} alternating rounds)`,
    ['step', 'CPU µs/request', 'extra', "share of ErrorsModule's 200 GET answer (target <= 3 %)"],
    [
      ['defaults', step.plain.toFixed(2), '', ''],
      [
        'requestTimeoutMs: 5000',
        step.withDeadline.toFixed(2),
        `${extra >= 0 ? '+' : ''}${extra.toFixed(2)}`,
        shares.join(', '),
      ],
      ['a fresh id (with its header check)', step.freshId.toFixed(3), '', ''],
      [
        'the same from crypto.randomUUID()',
        step.randomUuid.toFixed(3),
        `ours ${(step.randomUuid / step.freshId).toFixed(2)}x faster`,
        '',
      ],
    ],
  );
}
