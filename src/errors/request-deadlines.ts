/**
 * Inbound deadlines: each request gets one when it enters (the
 * `requestTimeoutMs` option, or less when a trusted deadline header says
 * so), kept in its context for the outbound calls made for it. Past it, a
 * request whose answer has not begun is answered 504 `DEADLINE_EXCEEDED`
 * through the filter, and whatever its handler writes later goes nowhere.
 *
 * No timer per request: one shared sweep, running only while requests are
 * open, finds those past their deadline; an outbound call cut short by a
 * request's deadline answers it at once.
 */
import type { ExceptionFilter } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseDeadlineHeader } from '../core/deadline-header.js';
import { DomainException } from '../core/domain.exception.js';
import { BuiltInErrors } from '../core/error-catalog.js';
import { type RequestContext, type RequestDeadline, setRequestDeadline } from '../core/request-context.js';
import { silenceLateAnswer } from './late-answer.js';

/** The options deadlines are made from. */
export interface RequestDeadlineOptions {
  readonly requestTimeoutMs: number | false;
  readonly deadlineHeader: string;
  readonly trustDeadlineHeader: boolean;
}

/** Writes the answer of a request past its deadline (the filter, in the module). */
export type DeadlineAnswer = (
  request: IncomingMessage,
  response: unknown,
  exception: DomainException,
) => void;

/** How often open requests are looked at: a request nothing else ends is answered this late at most. */
export const DEADLINE_SWEEP_MS = 25;

const OPEN = 0;
const ANSWERING = 1;
const EXPIRED = 2;
/** Answered by the app before its deadline, or its answer had begun. */
const SETTLED = 3;

/** One request with a deadline, until it is answered. */
class OpenRequest implements RequestDeadline {
  #state = OPEN;

  constructor(
    readonly at: number,
    private readonly timeoutMs: number,
    private readonly request: IncomingMessage,
    private readonly response: unknown,
    private readonly raw: ServerResponse,
    private readonly answer: DeadlineAnswer,
  ) {}

  get expired(): boolean {
    return this.#state === EXPIRED;
  }

  /** Its answer is written or under way, by whomever: nothing left to watch. */
  get settled(): boolean {
    if (this.#state === OPEN && this.raw.headersSent) this.#state = SETTLED;
    return this.#state !== OPEN;
  }

  expire(): void {
    if (this.settled) return;
    this.#state = ANSWERING;
    try {
      this.answer(this.request, this.response, deadlineExceeded(this.timeoutMs));
    } catch {
      // the filter answers every failure itself; should it throw, the client still learns the request failed
      this.raw.destroy();
    } finally {
      this.#state = EXPIRED;
      silenceLateAnswer(this.response, this.raw);
    }
  }
}

/** The deadlines of one app's requests, and the sweep that answers those past theirs. */
export class RequestDeadlines {
  readonly #timeoutMs: number | undefined;
  readonly #header: string;
  readonly #trustHeader: boolean;
  readonly #answer: DeadlineAnswer;
  readonly #clock: () => number;
  readonly #open: OpenRequest[] = [];
  #timer: NodeJS.Timeout | undefined = undefined;

  constructor(options: RequestDeadlineOptions, answer: DeadlineAnswer, clock: () => number = monotonicNow) {
    this.#timeoutMs = options.requestTimeoutMs === false ? undefined : options.requestTimeoutMs;
    this.#header = options.deadlineHeader.toLowerCase();
    this.#trustHeader = options.trustDeadlineHeader;
    this.#answer = answer;
    this.#clock = clock;
  }

  /** Requests can have a deadline: the module's own, or one their caller sends. */
  get enabled(): boolean {
    return this.#timeoutMs !== undefined || this.#trustHeader;
  }

  /** Requests entered and not yet seen answered. */
  get open(): number {
    return this.#open.length;
  }

  /**
   * Gives the request entering with `context` its deadline, if it has one,
   * and watches it: `response` is what the adapter answers on (Express
   * `res`, a Fastify reply or a raw response).
   */
  track(context: RequestContext, request: IncomingMessage, response: unknown): void {
    if (context.deadline !== undefined) return;
    let timeoutMs = this.#timeoutMs;
    if (this.#trustHeader) {
      const asked = parseDeadlineHeader(request.headers[this.#header]);
      if (asked !== undefined && (timeoutMs === undefined || asked < timeoutMs)) timeoutMs = asked;
    }
    if (timeoutMs === undefined) return;
    const raw = ((response as { raw?: ServerResponse }).raw ?? response) as ServerResponse;
    const entry = new OpenRequest(
      context.startedAt + timeoutMs,
      timeoutMs,
      request,
      response,
      raw,
      this.#answer,
    );
    setRequestDeadline(context, entry);
    this.#open.push(entry);
    this.#timer ??= setInterval(() => this.sweep(), DEADLINE_SWEEP_MS).unref();
  }

  /**
   * Forgets the requests answered since the last sweep and answers those
   * past their deadline; stops the sweep once none is open.
   */
  sweep(now: number = this.#clock()): void {
    const open = this.#open;
    let kept = 0;
    for (let index = 0; index < open.length; index++) {
      const entry = open[index]!;
      if (entry.settled) continue;
      if (entry.at <= now) {
        entry.expire();
        continue;
      }
      open[kept++] = entry;
    }
    open.length = kept;
    if (kept === 0) this.close();
  }

  /** Stops the sweep (the app closes; a new request starts it again). */
  close(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  onModuleDestroy(): void {
    this.close();
  }
}

/** Answers a request past its deadline through `filter`: one envelope, one log line. */
export function answerThrough(filter: ExceptionFilter): DeadlineAnswer {
  return (request, response, exception) => {
    filter.catch(exception, new ExecutionContextHost([request, response]));
  };
}

function monotonicNow(): number {
  return performance.now();
}

function deadlineExceeded(timeoutMs: number): DomainException {
  return new DomainException(BuiltInErrors.DEADLINE_EXCEEDED, { details: { timeoutMs } });
}
