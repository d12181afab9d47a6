/**
 * Inbound deadlines: each request gets one when it enters (the
 * `requestTimeoutMs` option, or less when a trusted deadline header says
 * so), kept in its context for the outbound calls made for it. Past it, a
 * request whose answer has not begun is answered 504 `DEADLINE_EXCEEDED`
 * through the filter, and whatever its handler writes later goes nowhere.
 *
 * No timer per request: one shared sweep, running only while requests are
 * open, walks the open ones and answers those past their deadline; an
 * outbound call cut short by a request's deadline answers it at once. A
 * request leaves the list when its response closes, so an answered request
 * is not kept alive for the sweep (which would cost every request a longer
 * life in the young generation of the heap).
 */
import type { ExceptionFilter } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseDeadlineHeader } from '../core/deadline-header.js';
import { DomainException } from '../core/domain.exception.js';
import { BuiltInErrors } from '../core/error-catalog.js';
import {
  deadlineOf,
  type RequestContext,
  type RequestDeadline,
  setRequestDeadline,
} from '../core/request-context.js';
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
/** Answered by the app before its deadline, its answer had begun, or its connection closed. */
const SETTLED = 3;

/** One request with a deadline, in its app's list of open requests until its response closes. */
class OpenRequest implements RequestDeadline {
  #state = OPEN;
  /** Neighbours in the list of open requests. */
  previous: OpenRequest | undefined = undefined;
  next: OpenRequest | undefined = undefined;
  #request: IncomingMessage | undefined;
  #response: unknown;
  #raw: ServerResponse | undefined;

  constructor(
    readonly at: number,
    private readonly timeoutMs: number,
    request: IncomingMessage,
    response: unknown,
    raw: ServerResponse,
    private readonly owner: RequestDeadlines,
  ) {
    this.#request = request;
    this.#response = response;
    this.#raw = raw;
  }

  get expired(): boolean {
    return this.#state === EXPIRED;
  }

  /** Its answer is written or under way, by whomever: nothing left to watch. */
  get settled(): boolean {
    if (this.#state === OPEN && this.#raw?.headersSent !== false) this.#state = SETTLED;
    return this.#state !== OPEN;
  }

  expire(cause?: unknown): void {
    if (this.settled) return;
    const request = this.#request!;
    const response = this.#response;
    const raw = this.#raw!;
    this.#state = ANSWERING;
    try {
      this.owner.answer(request, response, deadlineExceeded(this.timeoutMs, cause));
    } catch {
      // the filter answers every failure itself; should it throw, the client still learns the request failed
      raw.destroy();
    } finally {
      this.#state = EXPIRED;
      this.owner.unlink(this);
      silenceLateAnswer(response, raw);
    }
  }

  /** The response closed: the request leaves the list, and nothing of it is kept. */
  release(): void {
    if (this.#state === OPEN) this.#state = SETTLED;
    this.owner.unlink(this);
    this.#request = undefined;
    this.#response = undefined;
    this.#raw = undefined;
  }
}

/** On a tracked response's `close`: one function for all of them, so none gets a closure. */
function releaseOnClose(this: ServerResponse): void {
  const deadline = deadlineOf(this.req);
  if (deadline instanceof OpenRequest) deadline.release();
}

/** The deadlines of one app's requests, and the sweep that answers those past theirs. */
export class RequestDeadlines {
  readonly #timeoutMs: number | undefined;
  readonly #header: string;
  readonly #trustHeader: boolean;
  readonly #clock: () => number;
  #first: OpenRequest | undefined = undefined;
  #last: OpenRequest | undefined = undefined;
  #open = 0;
  #timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    options: RequestDeadlineOptions,
    /** Writes the answer of a request past its deadline. */
    readonly answer: DeadlineAnswer,
    clock: () => number = monotonicNow,
  ) {
    this.#timeoutMs = options.requestTimeoutMs === false ? undefined : options.requestTimeoutMs;
    this.#header = options.deadlineHeader.toLowerCase();
    this.#trustHeader = options.trustDeadlineHeader;
    this.#clock = clock;
  }

  /** Requests can have a deadline: the module's own, or one their caller sends. */
  get enabled(): boolean {
    return this.#timeoutMs !== undefined || this.#trustHeader;
  }

  /** Requests with a deadline whose response has not closed yet. */
  get open(): number {
    return this.#open;
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
    const entry = new OpenRequest(context.startedAt + timeoutMs, timeoutMs, request, response, raw, this);
    setRequestDeadline(context, entry);
    raw.on('close', releaseOnClose);
    entry.previous = this.#last;
    if (this.#last) this.#last.next = entry;
    else this.#first = entry;
    this.#last = entry;
    this.#open++;
    this.#timer ??= setInterval(() => this.sweep(), DEADLINE_SWEEP_MS).unref();
  }

  /** Answers the open requests past their deadline; stops the sweep once none is open. */
  sweep(now: number = this.#clock()): void {
    let entry = this.#first;
    while (entry !== undefined) {
      const next = entry.next;
      if (entry.settled) this.unlink(entry);
      else if (entry.at <= now) entry.expire();
      entry = next;
    }
    if (this.#open === 0) this.close();
  }

  /** Takes `entry` out of the list of open requests (once). */
  unlink(entry: OpenRequest): void {
    const { previous, next } = entry;
    if (previous === undefined && next === undefined && this.#first !== entry) return;
    if (previous) previous.next = next;
    else this.#first = next;
    if (next) next.previous = previous;
    else this.#last = previous;
    entry.previous = entry.next = undefined;
    this.#open--;
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

function deadlineExceeded(timeoutMs: number, cause: unknown): DomainException {
  return new DomainException(BuiltInErrors.DEADLINE_EXCEEDED, { details: { timeoutMs }, cause });
}
