import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { throwError, type Observable } from 'rxjs';
import { RESOLVED_ERRORS_OPTIONS } from './errors.constants.js';
import type { ResolvedInboundOptions } from './errors.options.js';
import {
  causeSummary,
  describeFailure,
  failureLine,
  loggedError,
  ownLine,
  stackWithCauses,
  suppressedLine,
  type FailureFacts,
} from './error-log.js';
import { failureFields, ownFields, suppressedFields } from './log-fields.js';
import { writesFields } from './log-format.js';
import { INTERNAL_ERROR_MAPPING, mapException, type MappedError } from './envelope.mapper.js';
import { renderAnswer, cleanPath, envelopeFacts, type RenderedError } from './envelope.renderer.js';
import { negotiateLocale } from '../core/i18n/locale.js';
import {
  answeredAtDeadline,
  headerKey,
  rawRequest,
  requestContext,
  requestIdFrom,
} from '../core/request-context.js';
import { registerFrameworkErrorHandler } from './fastify-framework-errors.js';
import { messageFacts } from './contexts/rpc.context.js';
import { GraphqlEnvelopeError, resolverFacts } from './contexts/graphql.context.js';
import { emitException, socketFacts } from './contexts/ws.context.js';
import { asNestException, nestErrorPayload, nestErrorShape } from './contexts/nest-exceptions.js';
import { CrashSites, throwSite } from './crash-sites.js';
import { LogRateLimiter, type SuppressedLines } from './log-rate-limit.js';
import { recordFailureOnSpan } from './server-span.js';

/**
 * Headers that described a body that will not be sent. Names here and in
 * `send` are lowercase: Fastify lowercases every name it is given, a copy per
 * call otherwise. Exported for the test that holds both removal paths to it.
 */
export const STALE_HEADERS = [
  'content-length',
  'content-encoding',
  'content-range',
  'content-disposition',
  'etag',
  'last-modified',
];

/**
 * Removes the {@link STALE_HEADERS} found in `set`, a copy of the response's
 * headers (or {@link staleHeadersOf} for a response that has none). One read
 * of a written-out name each: a loop's read of six names is one keyed load
 * that V8 serves as megamorphic (about 1,100 instructions of a Fastify error
 * answer).
 */
function removeStaleHeaders(response: ResponseLike, set: Record<string, unknown>): void {
  if (set['content-length'] !== undefined) response.removeHeader?.('content-length');
  if (set['content-encoding'] !== undefined) response.removeHeader?.('content-encoding');
  if (set['content-range'] !== undefined) response.removeHeader?.('content-range');
  if (set['content-disposition'] !== undefined) response.removeHeader?.('content-disposition');
  if (set.etag !== undefined) response.removeHeader?.('etag');
  if (set['last-modified'] !== undefined) response.removeHeader?.('last-modified');
}

/**
 * The key under which Fastify keeps a reply's own headers (`kReplyHeaders`),
 * found on the first reply that has it. Reading that object for the stale
 * headers and writing ours into it took a Fastify 500 about 4,300
 * instructions fewer (Node 24, of 88,000) than the reply's `getHeaders`,
 * which copies it and the raw response's headers into a new object, and four
 * `reply.header` calls. A Fastify without it is answered as before.
 */
let replyHeadersKey: symbol | undefined;
const REPLY_HEADERS = 'fastify.reply.headers';

/** The headers set on a Fastify reply itself (not on its raw response), if this Fastify keeps them so. */
function ownReplyHeaders(reply: FastifyReplyLike): Record<string, unknown> | undefined {
  const own = headersUnder(reply, replyHeadersKey);
  if (own) return own;
  // first reply, or one of another copy of Fastify (its own symbol)
  replyHeadersKey = Object.getOwnPropertySymbols(reply).find((key) => key.description === REPLY_HEADERS);
  return headersUnder(reply, replyHeadersKey);
}

/** The object a reply holds under `key`, if any. */
function headersUnder(reply: FastifyReplyLike, key: symbol | undefined): Record<string, unknown> | undefined {
  const value = key && (reply as unknown as Record<symbol, unknown>)[key];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/**
 * Answers through a Fastify reply whose own header map is at hand: the stale
 * headers go (from the raw response too, whose map is empty unless a handler
 * wrote to it), ours are set as `reply.header` sets a lowercase name, and the
 * JSON text goes through Fastify's own send (its onSend and onResponse hooks
 * run). `reply.header`, through Nest's adapter, would lowercase each name
 * again.
 */
function answerFastify(
  reply: FastifyReplyLike,
  own: Record<string, unknown>,
  rendered: RenderedError,
  json: string,
  idKey: string,
  requestId: string,
): void {
  removeStaleHeaders(reply, own);
  const raw = reply.raw;
  if (raw.getHeaderNames().length > 0) removeStaleHeaders(reply, raw.getHeaders());
  own['content-type'] = rendered.contentType;
  own['cache-control'] = 'no-store';
  own[idKey] = requestId;
  own['content-language'] = rendered.locale;
  reply.code(rendered.status).send(json);
}

/** The {@link STALE_HEADERS} a response without `getHeaders` says it has. */
function staleHeadersOf(response: ResponseLike): Record<string, true> {
  const set: Record<string, true> = {};
  for (const name of STALE_HEADERS) if (response.hasHeader?.(name)) set[name] = true;
  return set;
}

/**
 * Ends an Express response with the envelope as Node sends it. Express'
 * `res.send` would hash the body for an `ETag` (which an error answer must not
 * carry: `send` removes a stale one), parse the content type again for its
 * charset and check freshness, which no 4xx or 5xx answer has.
 */
function endExpressResponse(response: ServerResponse, status: number, json: string): void {
  const body = Buffer.from(json);
  response.statusCode = status;
  // a string, as Express' own `res.send` sets it: a hook that reads the header back gets one kind of value
  response.setHeader('content-length', String(body.length));
  response.end(body);
}

type ResponseLike = {
  hasHeader?(name: string): boolean;
  getHeaders?(): Record<string, unknown>;
  removeHeader?(name: string): unknown;
  raw?: ServerResponse;
};

/** A Fastify `Reply`, as the filter sends through it. */
type FastifyReplyLike = ResponseLike & {
  raw: ServerResponse;
  code(status: number): { send(payload: string): unknown };
};

/** A Fastify `Reply` (not the raw response Nest gives some contexts). */
function isFastifyReply(response: ResponseLike): response is FastifyReplyLike {
  return response.raw !== undefined && typeof (response as Partial<FastifyReplyLike>).code === 'function';
}

/** Where a failure happened, for its answer and its log line. */
interface FailureSite {
  /** `GET`, `RPC`, `GraphQL`, `WS`. */
  readonly method: string;
  /** The request path, message pattern or resolver field. */
  readonly path: string;
  readonly locale: string;
  readonly requestId: string;
  /** `performance.now()` when the request was first seen; unknown outside HTTP. */
  readonly startedAt: number | undefined;
}

/** A failure mapped and rendered, with the payload its context sends. */
interface Answer<T> {
  readonly mapped: MappedError;
  readonly rendered: RenderedError;
  readonly payload: T;
  /** The payload as JSON (checked even where the transport serializes it itself). */
  readonly json: string;
  /** What the log line tells: the exception, or why its envelope could not be built. */
  readonly logged: unknown;
}

/**
 * Catches everything thrown while serving a request and answers with the
 * error envelope: over HTTP through the adapter (Express or Fastify, a
 * Fastify `Reply` or a raw response alike), to microservice clients in
 * Nest's RPC error shape, to GraphQL as an error with `extensions`, and to a
 * gateway's client on the `exception` event. Then it logs one line.
 *
 * Installed by `ErrorsModule.forRoot()`; apps that register filters by hand
 * can `app.useGlobalFilters(app.get(ErrorEnvelopeFilter))`. Gateways opt in
 * with `@UseFilters(ErrorEnvelopeFilter)`.
 */
@Catch()
@Injectable()
export class ErrorEnvelopeFilter implements ExceptionFilter, OnModuleInit, OnModuleDestroy {
  protected readonly logger = new Logger('ErrorEnvelope');
  private readonly limiter: LogRateLimiter | undefined;
  private readonly crashSites = new CrashSites();
  private readonly kinds = new WeakMap<MappedError['entry'], { status: number; kind: string }>();

  constructor(
    @Inject(RESOLVED_ERRORS_OPTIONS) protected readonly options: ResolvedInboundOptions,
    protected readonly adapterHost: HttpAdapterHost,
  ) {
    this.limiter = options.logRateLimit
      ? new LogRateLimiter(options.logRateLimit, (summary) => this.logSuppressed(summary))
      : undefined;
  }

  /** On Fastify, lets `envelopeFrameworkErrors` reach this filter. */
  onModuleInit(): void {
    registerFrameworkErrorHandler(this.adapterHost.httpAdapter?.getInstance(), this);
  }

  /** Writes what the log protection left out and has not told yet. */
  onModuleDestroy(): void {
    this.limiter?.flush();
  }

  catch(exception: unknown, host: ArgumentsHost): unknown {
    switch (host.getType<string>()) {
      case 'http':
        this.catchHttp(exception, host);
        return undefined;
      case 'rpc':
        return this.catchRpc(exception, host);
      case 'graphql':
        return this.catchGraphql(exception, host);
      case 'ws':
        this.catchWs(exception, host);
        return undefined;
      default:
        throw exception;
    }
  }

  private catchHttp(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<unknown>();
    // answered at its deadline already (and logged): a failure of its handler after that goes nowhere
    if (answeredAtDeadline(request)) return;
    const response = http.getResponse<ResponseLike>();
    const site = this.httpSite(request);
    let answer = this.answer(exception, site, (rendered) => rendered.body);
    try {
      this.send(response, answer.rendered, answer.json, site.requestId);
    } catch (sendError) {
      answer = this.fallback(exception, answer.mapped, sendError, site, (rendered) => rendered.body);
      this.send(response, answer.rendered, answer.json, site.requestId);
    }
    this.log(answer, site);
  }

  /** A message handler's failure: the client gets an error with the envelope's facts at once. */
  private catchRpc(exception: unknown, host: ArgumentsHost): Observable<never> {
    const message = messageFacts(host);
    const site = this.site('RPC', message.pattern, message.header);
    const own = asNestException(exception, 'RpcException');
    if (own) {
      // the app chose this reply: Nest's own answer, as without the module
      this.logOwn(own, site);
      const reply = nestErrorShape(own);
      return throwError(() => reply);
    }
    const answer = this.answer(exception, site, (rendered) => nestErrorPayload(envelopeFacts(rendered)));
    this.log(answer, site);
    return throwError(() => answer.payload);
  }

  /** A resolver's failure: a GraphQL error with the localized message and the facts as `extensions`. */
  private catchGraphql(exception: unknown, host: ArgumentsHost): GraphqlEnvelopeError {
    const resolver = resolverFacts(host);
    const site = resolver.request
      ? { ...this.httpSite(resolver.request, 'GraphQL'), path: resolver.field }
      : this.site('GraphQL', resolver.field, () => undefined);
    const answer = this.answer(exception, site, (rendered) => envelopeFacts(rendered));
    this.log(answer, site);
    return new GraphqlEnvelopeError(answer.payload);
  }

  /** A gateway handler's failure: the envelope's facts on the `exception` event. */
  private catchWs(exception: unknown, host: ArgumentsHost): void {
    const socket = socketFacts(host);
    const site = this.site('WS', socket.pattern, socket.header);
    const own = asNestException(exception, 'WsException');
    if (own) {
      this.logOwn(own, site);
      emitException(
        socket.client,
        nestErrorShape(own, { pattern: socket.pattern, data: host.switchToWs().getData() }),
      );
      return;
    }
    const answer = this.answer(exception, site, (rendered) => nestErrorPayload(envelopeFacts(rendered)));
    emitException(socket.client, answer.payload);
    this.log(answer, site);
  }

  /** The site of an HTTP request (or, under another `method`, of a GraphQL operation that came in one). */
  private httpSite(request: unknown, method?: string): FailureSite {
    const raw = rawRequest(request) as IncomingMessage & { originalUrl?: string };
    const context = requestContext(raw, this.options.requestIdHeader, this.options.trustRequestId);
    return {
      method: method ?? raw.method ?? '-',
      path: cleanPath(raw.originalUrl ?? raw.url),
      locale: negotiateLocale(
        raw.headers?.['accept-language'],
        this.options.locales,
        this.options.defaultLocale,
      ),
      requestId: context.requestId,
      startedAt: context.startedAt,
    };
  }

  /** The site of a message that is not an HTTP request: ids and language from its headers, when it has any. */
  private site(method: string, path: string, header: (name: string) => string | undefined): FailureSite {
    const inbound = this.options.trustRequestId ? header(this.options.requestIdHeader) : undefined;
    return {
      method,
      path,
      locale: negotiateLocale(header('accept-language'), this.options.locales, this.options.defaultLocale),
      requestId: requestIdFrom(inbound),
      startedAt: undefined,
    };
  }

  /** Maps and renders `exception`; an envelope that cannot be serialized becomes the plain 500. */
  private answer<T>(exception: unknown, site: FailureSite, shape: (rendered: RenderedError) => T): Answer<T> {
    const mapped = mapException(exception, this.options.catalog);
    try {
      const rendered = renderAnswer(
        mapped,
        { locale: site.locale, requestId: site.requestId, path: site.path, exception },
        site.path,
        this.options,
      );
      const payload = shape(rendered);
      return { mapped, rendered, payload, json: JSON.stringify(payload), logged: exception };
    } catch (renderFailure) {
      // a cycle or a BigInt in details
      return this.fallback(exception, mapped, renderFailure, site, shape);
    }
  }

  private fallback<T>(
    exception: unknown,
    mapped: MappedError,
    failure: unknown,
    site: FailureSite,
    shape: (rendered: RenderedError) => T,
  ): Answer<T> {
    const rendered = renderAnswer(
      INTERNAL_ERROR_MAPPING,
      { locale: this.options.defaultLocale, requestId: site.requestId, path: site.path },
      site.path,
      this.options,
    );
    const payload = shape(rendered);
    return {
      mapped: INTERNAL_ERROR_MAPPING,
      rendered,
      payload,
      json: JSON.stringify(payload),
      // the exception itself stays in the log, as the cause of what went wrong with its envelope
      logged: new Error(
        `The envelope of ${mapped.entry.reason} could not be sent: ${describeFailure(failure)}`,
        {
          cause: exception,
        },
      ),
    };
  }

  /** Writes the answer, unless the response is already under way. */
  protected send(response: ResponseLike, rendered: RenderedError, json: string, requestId: string): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.isHeadersSent(response)) {
      // A partial body was sent: end the connection so the client sees a failure, not a short success
      const raw = response.raw ?? (response as unknown as ServerResponse);
      if (!raw.writableEnded) raw.destroy();
      return;
    }
    const type = adapter.getType?.();
    const reply = type === 'fastify' && isFastifyReply(response) ? response : undefined;
    const own = reply && ownReplyHeaders(reply);
    if (reply && own) {
      answerFastify(reply, own, rendered, json, headerKey(this.options.requestIdHeader), requestId);
      return;
    }
    // only those set: removing one that is not there costs a Fastify reply a delete on its header map;
    // one copy of the headers is read for all six (a Fastify reply's hasHeader lowercases the name and
    // asks the raw response too, about twice the time)
    removeStaleHeaders(response, response.getHeaders?.() ?? staleHeadersOf(response));
    adapter.setHeader(response, 'content-type', rendered.contentType);
    adapter.setHeader(response, 'cache-control', 'no-store');
    adapter.setHeader(response, headerKey(this.options.requestIdHeader), requestId);
    adapter.setHeader(response, 'content-language', rendered.locale);
    if (type === 'express') endExpressResponse(response as ServerResponse, rendered.status, json);
    // through Fastify's own send (its onSend and onResponse hooks run), without the checks Nest's
    // `reply` makes of a body for a stream, an Error or a content type, which a JSON string passes
    else if (reply) reply.code(rendered.status).send(json);
    else adapter.reply(response, json, rendered.status);
  }

  /**
   * One line per failure: 5xx at `error` with stack and causes, 4xx at the
   * configured level, with the cause of an app's own exception (no stack);
   * as text, or as fields for a logger that takes them (`logFormat`).
   */
  protected log(answer: Answer<unknown>, site: FailureSite): void {
    const { mapped, logged, rendered } = answer;
    const serverFault = mapped.status >= 500;
    recordFailureOnSpan(mapped.entry, rendered.status, serverFault, site.requestId);
    const level = serverFault ? 'error' : this.options.clientErrorLogLevel;
    if (!level) return;
    let stack: string | undefined;
    let key = this.kindOf(mapped.entry, rendered.status);
    if (serverFault) {
      // a 5xx is a kind of its own per error class and throw site, so a new crash is not left out;
      // one whose site is known and whose lines are spent is counted without formatting its stack
      const known = this.crashSites.recall(logged);
      if (known !== undefined && this.limiter?.countIfSpent(known.keyOf(key))) return;
      stack = stackWithCauses(logged);
      const thrownAt = throwSite(stack);
      key = this.crashSites.remember(logged, thrownAt)?.keyOf(key) ?? `${key} ${thrownAt}`;
    }
    if (this.limiter && !this.limiter.admit(key, key)) return;
    const facts: FailureFacts = {
      method: site.method,
      path: site.path,
      status: rendered.status,
      code: mapped.entry.code,
      reason: mapped.entry.reason,
      requestId: site.requestId,
      durationMs: site.startedAt === undefined ? undefined : performance.now() - site.startedAt,
    };
    const details = rendered.omittedDetails === undefined ? undefined : clipDetails(rendered.omittedDetails);
    if (writesFields(this.options.logFormat)) {
      const err = stack === undefined ? undefined : loggedError(logged, stack);
      const cause = stack === undefined ? causeSummary(logged) : undefined;
      this.logger[level](failureFields(facts, { details, cause, err }));
      return;
    }
    let line = failureLine(facts);
    if (details !== undefined) line += ` details: ${details}`;
    if (stack !== undefined) {
      this.logger.error(line, stack);
      return;
    }
    const cause = causeSummary(logged);
    this.logger[level](cause ? `${line} cause: ${cause}` : line);
  }

  /**
   * `500 INTERNAL_ERROR(10000)`: the kind of a failure, which keys its lines
   * in the log protection. Made once per catalog entry (and status), so a
   * flood of one failure builds and hashes no new key per request.
   */
  private kindOf(entry: MappedError['entry'], status: number): string {
    const known = this.kinds.get(entry);
    if (known?.status === status) return known.kind;
    const kind = `${status} ${entry.reason}(${entry.code})`;
    this.kinds.set(entry, { status, kind });
    return kind;
  }

  /** The line of an app's own `RpcException` / `WsException`, answered as Nest does. */
  private logOwn(exception: Error, site: FailureSite): void {
    const level = this.options.clientErrorLogLevel;
    const key = `${site.method} ${exception.name}`;
    if (!level || (this.limiter && !this.limiter.admit(key, key))) return;
    this.logger[level](
      writesFields(this.options.logFormat)
        ? ownFields(site.method, site.path, exception.name, site.requestId)
        : ownLine(site.method, site.path, exception.name, site.requestId),
    );
  }

  /** The summary line of a kind of failure whose lines the log protection left out. */
  private logSuppressed({ key, suppressed, windowMs }: SuppressedLines): void {
    const serverFault = /^5\d\d /.test(key);
    const level = serverFault ? 'error' : this.options.clientErrorLogLevel;
    if (!level) return;
    this.logger[level](
      writesFields(this.options.logFormat)
        ? suppressedFields(key, suppressed, windowMs)
        : suppressedLine(key, suppressed, windowMs),
    );
  }
}

const MAX_LOGGED_DETAILS = 16 * 1024;

function clipDetails(json: string): string {
  return json.length > MAX_LOGGED_DETAILS ? `${json.slice(0, MAX_LOGGED_DETAILS)}…` : json;
}
