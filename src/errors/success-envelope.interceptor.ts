import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  StreamableFile,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { map, type Observable } from 'rxjs';
import { RESOLVED_ERRORS_OPTIONS } from './errors.constants.js';
import type { ResolvedInboundOptions } from './errors.options.js';
import { negotiateLocale, pickMessage } from '../core/i18n/locale.js';
import { rawRequest } from '../core/request-context.js';
import { isPipeable } from '../shared/streams.js';

const RAW_RESPONSE = 'nestjs-faultline:raw-response';

/** Leaves a handler's (or controller's) results out of the success envelope. */
export const RawResponse = (): MethodDecorator & ClassDecorator => SetMetadata(RAW_RESPONSE, true);

/** The opt-in success envelope. */
export interface SuccessEnvelope<T> {
  code: 0;
  message: string;
  data: T;
}

/**
 * Wraps handler results as `{ code: 0, message: 'success', data }` (message
 * localized). Streams, `StreamableFile`s, buffers and `@RawResponse()`
 * handlers are sent as they are. Installed by `successEnvelope: true`.
 */
@Injectable()
export class SuccessEnvelopeInterceptor implements NestInterceptor {
  constructor(
    @Inject(RESOLVED_ERRORS_OPTIONS) private readonly options: ResolvedInboundOptions,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (
      context.getType() !== 'http' ||
      this.reflector.getAllAndOverride<boolean>(RAW_RESPONSE, [context.getHandler(), context.getClass()])
    ) {
      return next.handle();
    }
    const raw: IncomingMessage = rawRequest(context.switchToHttp().getRequest());
    return next.handle().pipe(
      map((data: unknown): unknown => {
        if (isRawBody(data)) return data;
        const locale = negotiateLocale(
          raw.headers['accept-language'],
          this.options.locales,
          this.options.defaultLocale,
        );
        const message =
          pickMessage(this.options.successMessages, locale, this.options.defaultLocale) ?? 'success';
        return { code: 0, message, data: data ?? null } satisfies SuccessEnvelope<unknown>;
      }),
    );
  }
}

function isRawBody(data: unknown): boolean {
  return data instanceof StreamableFile || Buffer.isBuffer(data) || isPipeable(data);
}
