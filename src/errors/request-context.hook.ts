import type { HttpServer } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestContext, runInRequestContext } from './request-context.js';

interface HookOptions {
  readonly requestIdHeader: string;
  readonly trustRequestId: boolean;
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
export function installRequestContextHook(adapter: HttpServer | undefined, options: HookOptions): boolean {
  const type = adapter?.getType?.();
  const { requestIdHeader, trustRequestId } = options;
  if (type === 'express') {
    (adapter!.getInstance() as ExpressLike).use((req, res, next) => {
      const context = requestContext(req, requestIdHeader, trustRequestId);
      res.setHeader(requestIdHeader, context.requestId);
      runInRequestContext(context, next);
    });
    return true;
  }
  if (type === 'fastify') {
    (adapter!.getInstance() as FastifyLike).addHook('onRequest', (request, reply, done) => {
      const context = requestContext(request.raw, requestIdHeader, trustRequestId);
      reply.header(requestIdHeader, context.requestId);
      runInRequestContext(context, done);
    });
    return true;
  }
  return false;
}
