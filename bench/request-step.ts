/**
 * The request id step measured alone, in this process: what it costs a
 * request with the module's defaults and with `requestTimeoutMs` on (a
 * deadline, its place in the watch list, and leaving it when the response
 * closes), against the CPU time of a whole answer measured in the apps.
 * Real Node requests and responses on an unconnected socket; no network.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { answerThrough, RequestDeadlines } from '../src/errors/request-deadlines.js';
import { enterRequest, SET_HEADER } from '../src/errors/request-id.step.js';
import { type BenchArgs, median, printTable } from './shared.js';

const OPTIONS = { requestIdHeader: 'x-request-id', trustRequestId: true, asyncContext: false };
/** µs: about the whole answer of the bare Fastify floor, the cheapest of the inbound tables (so the share is an upper bound). */
const CHEAPEST_ANSWER_US = 30;

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
  const next = (): void => {};
  const before = process.cpuUsage();
  for (const { request, response } of pairs) {
    enterRequest(request, OPTIONS, response, SET_HEADER, next, deadlines);
    response.emit('close');
  }
  const used = process.cpuUsage(before);
  deadlines?.close();
  return (used.user + used.system) / count;
}

export function runRequestStep(args: BenchArgs): void {
  const count = args.quick ? 20_000 : 200_000;
  const rounds = args.quick ? 3 : 7;
  const never = answerThrough({ catch: () => undefined });
  const plain: number[] = [];
  const withDeadline: number[] = [];
  for (let round = 0; round < rounds + 1; round++) {
    const a = measure(count, undefined);
    const deadlines = new RequestDeadlines(
      { requestTimeoutMs: 5000, deadlineHeader: 'grpc-timeout', trustDeadlineHeader: false },
      never,
    );
    const b = measure(count, deadlines);
    // the first round warms both up
    if (round === 0) continue;
    plain.push(a);
    withDeadline.push(b);
  }
  const extra = median(withDeadline) - median(plain);
  printTable(
    `## 1c. The request id step alone (this process, ${count.toLocaleString('en')} requests, median of ${rounds} alternating rounds)`,
    ['step', 'CPU µs/request', 'extra', `of a ${CHEAPEST_ANSWER_US} µs answer`],
    [
      ['defaults', median(plain).toFixed(2), '', ''],
      [
        'requestTimeoutMs: 5000',
        median(withDeadline).toFixed(2),
        `+${extra.toFixed(2)}`,
        `${((extra / CHEAPEST_ANSWER_US) * 100).toFixed(1)} %  (target <= 3 %)`,
      ],
    ],
  );
}
