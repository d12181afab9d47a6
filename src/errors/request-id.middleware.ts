import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESOLVED_ERRORS_OPTIONS } from './errors.constants.js';
import type { ResolvedInboundOptions } from './errors.options.js';
import { enterRequest, SET_HEADER } from './request-id.step.js';

/**
 * Gives every request its id (the inbound `X-Request-Id` when safe, else a
 * UUID) and echoes it in the response header. Runs on Express and Fastify
 * (where middleware get the raw Node request and response).
 */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  constructor(@Inject(RESOLVED_ERRORS_OPTIONS) private readonly options: ResolvedInboundOptions) {}

  use(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    enterRequest(request, this.options, response, SET_HEADER, next);
  }
}
