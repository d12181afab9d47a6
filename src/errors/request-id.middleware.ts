import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESOLVED_ERRORS_OPTIONS } from './errors.constants.js';
import type { ResolvedErrorsOptions } from './errors.options.js';
import { requestContext, runInRequestContext } from './request-context.js';

/**
 * Gives every request its id (the inbound `X-Request-Id` when safe, else a
 * UUID) and echoes it in the response header. Runs on Express and Fastify
 * (where middleware get the raw Node request and response).
 */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  constructor(@Inject(RESOLVED_ERRORS_OPTIONS) private readonly options: ResolvedErrorsOptions) {}

  use(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    const context = requestContext(request, this.options.requestIdHeader, this.options.trustRequestId);
    response.setHeader(this.options.requestIdHeader, context.requestId);
    runInRequestContext(context, next);
  }
}
