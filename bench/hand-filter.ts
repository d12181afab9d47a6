/**
 * The two filters the inbound bench holds `ErrorsModule` against:
 * `HandWrittenFilter`, what a team writes by hand in about thirty lines, and
 * `FixedAnswers`, a floor that only writes the bytes and headers `ErrorsModule`
 * answers (the parent fetches them from the `ours` app and hands them over).
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';

/** Reads the exception's status and message; the envelope with a fresh id; the same headers as ours. */
@Catch()
@Injectable()
export class HandWrittenFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const http = host.switchToHttp();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const message =
      exception instanceof HttpException && status < 500 ? exception.message : 'Internal server error';
    const requestId = randomUUID();
    const body = {
      code: status,
      reason: (STATUS_CODES[status] ?? 'Error').toUpperCase().replaceAll(' ', '_'),
      message,
      requestId,
      timestamp: new Date().toISOString(),
      path: String(httpAdapter.getRequestUrl(http.getRequest())).split('?')[0],
    };
    const response: unknown = http.getResponse();
    httpAdapter.setHeader(response, 'content-type', 'application/json; charset=utf-8');
    httpAdapter.setHeader(response, 'content-language', 'en');
    httpAdapter.setHeader(response, 'x-request-id', requestId);
    httpAdapter.reply(response, JSON.stringify(body), status);
  }
}

/** One fixed answer: what `ErrorsModule` sent for a status. */
export interface FixedAnswer {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The answers by status, and a filter (or a bare route) that writes them as they are. */
export class FixedAnswers {
  private byStatus = new Map<number, FixedAnswer>();

  set(message: Record<string, unknown>): number {
    this.byStatus = new Map(
      Object.entries(message.answers as Record<string, FixedAnswer>).map(([status, answer]) => [
        Number(status),
        answer,
      ]),
    );
    return this.byStatus.size;
  }

  get(status: number): FixedAnswer {
    const answer = this.byStatus.get(status);
    if (!answer) throw new Error(`no fixed answer for ${status}`);
    return answer;
  }

  /** A filter that writes the fixed answer of the exception's status through the adapter's own reply. */
  filter(): ExceptionFilter {
    return {
      catch: (exception: unknown, host: ArgumentsHost): void => {
        const status = exception instanceof HttpException ? exception.getStatus() : 500;
        writeFixed(host.switchToHttp().getResponse(), status, this.get(status));
      },
    };
  }
}

/** Writes a fixed answer on an Express response or a Fastify reply. */
export function writeFixed(response: unknown, status: number, answer: FixedAnswer): void {
  const target = response as {
    status(code: number): unknown;
    header(name: string, value: string): unknown;
    send(body: string): unknown;
  };
  target.status(status);
  for (const [name, value] of Object.entries(answer.headers)) target.header(name, value);
  target.send(answer.body);
}
