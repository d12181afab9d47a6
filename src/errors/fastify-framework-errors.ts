import type { ExceptionFilter } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';

const HANDLER = Symbol.for('nestjs-faultline.framework-error-handler');

type FrameworkErrorHandler = (error: unknown, request: unknown, reply: unknown) => void;
type FastifyLike = { [HANDLER]?: FrameworkErrorHandler };
type RequestLike = { server?: FastifyLike };
type ReplyLike = { send(payload: unknown): unknown };

/**
 * Fastify's router answers a malformed URL (400) and an over-long route
 * parameter (414) before any Nest hook, filter or middleware runs. Passed as
 * `frameworkErrors`, this hands those errors to the error envelope filter:
 *
 * ```ts
 * NestFactory.create(AppModule, new FastifyAdapter({ frameworkErrors: envelopeFrameworkErrors }));
 * ```
 */
export function envelopeFrameworkErrors(error: unknown, request: unknown, reply: unknown): void {
  const handler = (request as RequestLike).server?.[HANDLER];
  if (handler) {
    handler(error, request, reply);
    return;
  }
  // no ErrorsModule in this app: Fastify's own answer
  (reply as ReplyLike).send(error);
}

/** Lets {@link envelopeFrameworkErrors} reach `filter` through the Fastify instance. */
export function registerFrameworkErrorHandler(instance: unknown, filter: ExceptionFilter): void {
  if (!instance || typeof (instance as { decorate?: unknown }).decorate !== 'function') return;
  (instance as FastifyLike)[HANDLER] = (error, request, reply) =>
    filter.catch(error, new ExecutionContextHost([request, reply]));
}
