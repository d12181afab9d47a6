import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Inject,
  Injectable,
  Logger,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESOLVED_ERRORS_OPTIONS } from './errors.constants.js';
import type { ResolvedErrorsOptions } from './errors.options.js';
import { failureLine, stackWithCauses } from './error-log.js';
import { INTERNAL_ERROR_MAPPING, mapException, type MappedError } from './envelope.mapper.js';
import { renderError, cleanPath, type RenderedError } from './envelope.renderer.js';
import { negotiateLocale } from './i18n/locale.js';
import { rawRequest, requestContext } from './request-context.js';
import { registerFrameworkErrorHandler } from './fastify-framework-errors.js';

/** Headers that described a body that will not be sent. */
const STALE_HEADERS = [
  'Content-Length',
  'Content-Encoding',
  'Content-Range',
  'Content-Disposition',
  'ETag',
  'Last-Modified',
];

type ResponseLike = { removeHeader?(name: string): unknown; raw?: ServerResponse };

/**
 * Catches everything thrown while serving an HTTP request and answers with
 * the error envelope, through the adapter (Express or Fastify, a Fastify
 * `Reply` or a raw response alike), then logs one line.
 *
 * Installed by `ErrorsModule.forRoot()`; apps that register filters by hand
 * can `app.useGlobalFilters(app.get(ErrorEnvelopeFilter))`.
 */
@Catch()
@Injectable()
export class ErrorEnvelopeFilter implements ExceptionFilter, OnModuleInit {
  protected readonly logger = new Logger('ErrorEnvelope');

  constructor(
    @Inject(RESOLVED_ERRORS_OPTIONS) protected readonly options: ResolvedErrorsOptions,
    protected readonly adapterHost: HttpAdapterHost,
  ) {}

  /** On Fastify, lets `envelopeFrameworkErrors` reach this filter. */
  onModuleInit(): void {
    registerFrameworkErrorHandler(this.adapterHost.httpAdapter?.getInstance(), this);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<unknown>();
    const response = http.getResponse<ResponseLike>();
    const raw = rawRequest(request);
    const context = requestContext(raw, this.options.requestIdHeader, this.options.trustRequestId);
    let mapped = mapException(exception, this.options.catalog);
    const path = cleanPath((raw as IncomingMessage & { originalUrl?: string }).originalUrl ?? raw.url);
    let status = INTERNAL_ERROR_MAPPING.status;
    try {
      const rendered = renderError(
        mapped,
        {
          locale: negotiateLocale(
            raw.headers?.['accept-language'],
            this.options.locales,
            this.options.defaultLocale,
          ),
          requestId: context.requestId,
          path,
          exception,
        },
        this.options,
      );
      status = rendered.status;
      this.send(response, rendered, context.requestId);
    } catch (sendError) {
      // A body that cannot be serialized (a cycle or a BigInt in details): a plain 500
      exception = new Error(`The envelope of ${mapped.entry.reason} could not be sent`, { cause: sendError });
      mapped = INTERNAL_ERROR_MAPPING;
      status = mapped.status;
      this.sendFallback(response, context.requestId, path);
    }
    this.log(exception, mapped, status, raw, path, context);
  }

  /** Writes the answer, unless the response is already under way. */
  protected send(response: ResponseLike, rendered: RenderedError, requestId: string): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.isHeadersSent(response)) {
      // A partial body was sent: end the connection so the client sees a failure, not a short success
      const raw = response.raw ?? (response as unknown as ServerResponse);
      if (!raw.writableEnded) raw.destroy();
      return;
    }
    for (const name of STALE_HEADERS) response.removeHeader?.(name);
    adapter.setHeader(response, 'Content-Type', rendered.contentType);
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    adapter.setHeader(response, this.options.requestIdHeader, requestId);
    adapter.setHeader(response, 'Content-Language', rendered.locale);
    adapter.reply(response, JSON.stringify(rendered.body), rendered.status);
  }

  private sendFallback(response: ResponseLike, requestId: string, path: string): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.isHeadersSent(response)) return;
    const rendered = renderError(
      INTERNAL_ERROR_MAPPING,
      { locale: this.options.defaultLocale, requestId, path },
      this.options,
    );
    this.send(response, rendered, requestId);
  }

  /** One line per failure: 5xx at `error` with stack and causes, 4xx at the configured level. */
  protected log(
    exception: unknown,
    mapped: MappedError,
    status: number,
    raw: IncomingMessage,
    path: string,
    context: { requestId: string; startedAt: number },
  ): void {
    const line = failureLine({
      method: raw.method ?? '-',
      path,
      status,
      code: mapped.entry.code,
      reason: mapped.entry.reason,
      requestId: context.requestId,
      durationMs: performance.now() - context.startedAt,
    });
    if (mapped.status >= 500) {
      this.logger.error(line, stackWithCauses(exception));
      return;
    }
    const level = this.options.clientErrorLogLevel;
    if (level) this.logger[level](line);
  }
}
