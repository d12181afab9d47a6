import { Inject, Injectable, type NestMiddleware, Optional } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESOLVED_ERRORS_OPTIONS } from './errors.constants.js';
import type { ResolvedInboundOptions } from './errors.options.js';
import { RequestDeadlines } from './request-deadlines.js';
import { enterRequest, SET_HEADER } from './request-id.step.js';

/**
 * Gives every request its id (the inbound `X-Request-Id` when safe, else a
 * UUID) and its deadline, if requests have one, and echoes the id in the
 * response header. Runs on Express and Fastify (where middleware get the
 * raw Node request and response).
 */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  private readonly deadlines: RequestDeadlines | undefined;

  constructor(
    @Inject(RESOLVED_ERRORS_OPTIONS) private readonly options: ResolvedInboundOptions,
    @Optional() deadlines?: RequestDeadlines,
  ) {
    this.deadlines = deadlines?.enabled ? deadlines : undefined;
  }

  use(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    enterRequest(request, this.options, response, SET_HEADER, next, this.deadlines);
  }
}
