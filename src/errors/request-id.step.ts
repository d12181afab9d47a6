import type { HttpServer } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestContext, runInRequestContext } from '../core/request-context.js';

interface HookOptions {
  readonly requestIdHeader: string;
  readonly trustRequestId: boolean;
  /** Run the request in AsyncLocalStorage (see the `asyncContext` option). */
  readonly asyncContext: boolean;
}

type ExpressLike = {
  use(handler: (req: IncomingMessage, res: ServerResponse, next: () => void) => void): unknown;
};
type FastifyLike = {
  addHook(
    name: 'onRequest',
    hook: (
      request: { raw: IncomingMessage },
      reply: { header(name: string, value: string): unknown },
      done: () => void,
    ) => void,
  ): unknown;
};

/**
 * Installs the request id step straight on Express (a root middleware) or
 * Fastify (an `onRequest` hook): cheaper than a Nest middleware bound to a
 * catch-all route. Returns false for another adapter, which then gets
 * {@link RequestIdMiddleware}. Must run before the routes are registered.
 */
export function installRequestIdStep(adapter: HttpServer | undefined, options: HookOptions): boolean {
  const type = adapter?.getType?.();
  if (type === 'express') {
    (adapter!.getInstance() as ExpressLike).use((req, res, next) => {
      enterRequest(req, options, res, SET_HEADER, next);
    });
    return true;
  }
  if (type === 'fastify') {
    (adapter!.getInstance() as FastifyLike).addHook('onRequest', (request, reply, done) => {
      enterRequest(request.raw, options, reply, REPLY_HEADER, done);
    });
    return true;
  }
  return false;
}

/**
 * The request id step, wherever it runs: the request's context (its id and
 * start), the id echoed in the response header, and `next` run inside the
 * context (with `asyncContext`) so that outbound calls made for the request
 * see it.
 */
export function enterRequest<R>(
  request: IncomingMessage,
  options: HookOptions,
  response: R,
  echo: (response: R, header: string, requestId: string) => unknown,
  next: () => void,
): void {
  const context = requestContext(request, options.requestIdHeader, options.trustRequestId);
  echo(response, options.requestIdHeader, context.requestId);
  if (options.asyncContext) runInRequestContext(context, next);
  else next();
}

/** How a Node response (Express, a Nest middleware) and a Fastify reply take a header. */
export const SET_HEADER = (response: ServerResponse, name: string, value: string): unknown =>
  response.setHeader(name, value);
const REPLY_HEADER = (reply: { header(name: string, value: string): unknown }, name: string, value: string) =>
  reply.header(name, value);
