import { type ExceptionFilter, type HttpServer, StreamableFile } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { IncomingMessage, ServerResponse } from 'node:http';

type ExpressResponse = ServerResponse & { req?: IncomingMessage };
type StreamErrorHandler = StreamableFile['errorHandler'];
type ReplyFn = (response: unknown, body: unknown, statusCode?: number) => unknown;

let nestDefaultSource: string | undefined;

/** True while `file` still has the error handler Nest gives every `StreamableFile`. */
function hasNestHandler(file: StreamableFile): boolean {
  nestDefaultSource ??= String(new StreamableFile(Buffer.alloc(0)).errorHandler);
  return String(file.errorHandler) === nestDefaultSource;
}

/**
 * On Express, Nest answers a `StreamableFile` whose stream fails before its
 * first byte with a plain-text 400 of its own; Fastify hands the error to the
 * filters. This makes Express do the same, by giving each streamed file that
 * still has Nest's handler one that calls `filter`: the 500 envelope, logged
 * once. An app's own `setErrorHandler` is left alone, and so is a failure
 * after the headers went out (Nest cuts the connection).
 */
export function envelopeStreamErrors(adapter: HttpServer | undefined, filter: ExceptionFilter): void {
  if (adapter?.getType?.() !== 'express') return;
  const target = adapter as unknown as { reply: ReplyFn };
  const reply = target.reply.bind(adapter);
  target.reply = (response, body, statusCode) => {
    if (body instanceof StreamableFile && hasNestHandler(body)) {
      const nestHandler: StreamErrorHandler = body.errorHandler;
      body.setErrorHandler((error, handlerResponse) => {
        const res = handlerResponse as unknown as ExpressResponse;
        if (res.headersSent || res.destroyed || !res.req) return nestHandler(error, handlerResponse);
        filter.catch(error, new ExecutionContextHost([res.req, res]));
      });
    }
    return reply(response, body, statusCode);
  };
}
