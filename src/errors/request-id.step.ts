import type { HttpServer } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerKey, requestContext, runInRequestContext } from '../core/request-context.js';
import type { RequestDeadlines } from './request-deadlines.js';

interface HookOptions {
  readonly requestIdHeader: string;
  readonly trustRequestId: boolean;
  /** Run the request in AsyncLocalStorage (see the `asyncContext` option). */
  readonly asyncContext: boolean;
}

type ExpressHandle = (req: IncomingMessage, res: ServerResponse, callback?: unknown) => void;
type ExpressLike = {
  /** Express' dispatch of each request (the app function calls it). */
  handle?: ExpressHandle;
  use(handler: (req: IncomingMessage, res: ServerResponse, next: () => void) => void): unknown;
};
type ReplyLike = { header(name: string, value: string): unknown; raw: ServerResponse };
type FastifyLike = {
  addHook(
    name: 'onRequest',
    hook: (request: { raw: IncomingMessage }, reply: ReplyLike, done: () => void) => void,
  ): unknown;
};

/**
 * Installs the request id step straight on Express (in front of its
 * dispatch) or Fastify (an `onRequest` hook): cheaper than a Nest middleware
 * bound to a catch-all route. Returns false for another adapter, which then
 * gets {@link RequestIdMiddleware}. Must run before the routes are
 * registered. With `deadlines`, each request also gets its deadline.
 */
export function installRequestIdStep(
  adapter: HttpServer | undefined,
  options: HookOptions,
  deadlines?: RequestDeadlines,
): boolean {
  const type = adapter?.getType?.();
  if (type === 'express') {
    const app = adapter!.getInstance() as ExpressLike;
    const handle = app.handle;
    if (typeof handle !== 'function') {
      app.use((req, res, next) => enterRequest(req, options, res, SET_HEADER, next, deadlines));
      return true;
    }
    // before Express' router rather than as its first layer, which cost every request a match and a
    // turn of the router; so the step also precedes every middleware, the app's own and the body parsers
    if (!options.asyncContext && !deadlines) {
      // the defaults (no store to enter, no deadline): the context and its header, and no closure per request
      const { requestIdHeader, trustRequestId } = options;
      // sent lowercase, as Fastify sends every header: Node keys its header map by the lowercase name, and
      // a name with capitals is lowercased afresh on every call, a new string V8 looks up in its string table
      const key = headerKey(requestIdHeader);
      app.handle = function (this: unknown, req, res, callback) {
        res.setHeader(key, requestContext(req, requestIdHeader, trustRequestId).requestId);
        if (EXPRESS_FIELDS_FIRST) giveExpressFields(req, res);
        handle.call(this, req, res, callback);
      };
      return true;
    }
    app.handle = function (this: unknown, req, res, callback) {
      if (EXPRESS_FIELDS_FIRST) giveExpressFields(req, res);
      enterRequest(req, options, res, SET_HEADER, () => handle.call(this, req, res, callback), deadlines);
    };
    return true;
  }
  if (type === 'fastify') {
    (adapter!.getInstance() as FastifyLike).addHook('onRequest', (request, reply, done) => {
      enterRequest(request.raw, options, reply, REPLY_HEADER, done, deadlines);
    });
    return true;
  }
  return false;
}

/** parseurl's cache of the parsed URL, which Express' router keeps on the request. */
const PARSED_URL = '_parsedUrl';

/** V8 13 (Node 24) keeps the hidden classes that {@link giveExpressFields} works around: there Express' objects are left alone. */
const EXPRESS_FIELDS_FIRST = Number.parseInt(process.versions.v8, 10) < 13;

/**
 * Gives an Express request and response, before Express switches their
 * prototypes, the fields Express, its router and its body parsers add after
 * the switch, each `undefined` until they set it as they would anyway. V8
 * before 13 (Node 20 and 22) does not keep the hidden classes of an object
 * whose prototype was switched: every field added after the switch builds
 * new ones, on every request (old-generation garbage, and inline caches that
 * miss). Given first, they are plain stores into one class. A field already
 * there (set by a wrapper in front of Express) is left as it is. The router's
 * own symbol for the matched route is not reachable, so one class per
 * request is still built for it.
 */
function giveExpressFields(req: IncomingMessage, res: ServerResponse): void {
  const request = req as unknown as Record<string, unknown>;
  // one named store each, not a loop over the names: a keyed store that sees seven names is megamorphic
  if (!('next' in request)) request.next = undefined;
  if (!('baseUrl' in request)) request.baseUrl = undefined;
  if (!('originalUrl' in request)) request.originalUrl = undefined;
  if (!(PARSED_URL in request)) request[PARSED_URL] = undefined;
  if (!('params' in request)) request.params = undefined;
  if (!('body' in request)) request.body = undefined;
  if (!('route' in request)) request.route = undefined;
  const response = res as unknown as Record<string, unknown>;
  if (!('locals' in response)) response.locals = undefined;
  // Node's default lives on the prototype; Nest's `status()` gives each response its own
  if (!Object.hasOwn(response, 'statusCode')) response.statusCode = res.statusCode;
}

/**
 * The request id step, wherever it runs: the request's context (its id and
 * start, and with `deadlines` its deadline), the id echoed in the response
 * header, and `next` run inside the context (with `asyncContext`) so that
 * outbound calls made for the request see it.
 */
export function enterRequest<R>(
  request: IncomingMessage,
  options: HookOptions,
  response: R,
  echo: (response: R, header: string, requestId: string) => unknown,
  next: () => void,
  deadlines?: RequestDeadlines,
): void {
  const context = requestContext(request, options.requestIdHeader, options.trustRequestId);
  echo(response, headerKey(options.requestIdHeader), context.requestId);
  deadlines?.track(context, request, response);
  if (options.asyncContext) runInRequestContext(context, next);
  else next();
}

/**
 * How a Node response (Express, a Nest middleware) and a Fastify reply take
 * the header, whose name they are given as {@link headerKey} makes it.
 */
export const SET_HEADER = (response: ServerResponse, name: string, value: string): unknown =>
  response.setHeader(name, value);
const REPLY_HEADER = (reply: ReplyLike, name: string, value: string) => reply.header(name, value);
