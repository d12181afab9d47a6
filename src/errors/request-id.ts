/** The request id of a request, for another component that logs it (pino-http, Fastify). */
import { requestContext } from '../core/request-context.js';
import { DEFAULT_ERRORS_OPTIONS, type InboundErrorsOptions } from './errors.options.js';

/**
 * The id the module gives `request` (Express `req`, Fastify `request` or
 * raw Node request): the one already given, else made now from the same
 * header and rule, and then kept for the module's own step. Whichever runs
 * first, pino-http's `genReqId`, Fastify's `genReqId` or the module, all
 * see one id. Pass the module's `requestIdHeader` and `trustRequestId` when
 * they are not the defaults.
 *
 * ```ts
 * LoggerModule.forRoot({ pinoHttp: { genReqId: (req) => requestIdOf(req) } })
 * ```
 */
export function requestIdOf(
  request: unknown,
  options: Pick<InboundErrorsOptions, 'requestIdHeader' | 'trustRequestId'> = {},
): string {
  const {
    requestIdHeader = DEFAULT_ERRORS_OPTIONS.requestIdHeader,
    trustRequestId = DEFAULT_ERRORS_OPTIONS.trustRequestId,
  } = options;
  return requestContext(request, requestIdHeader, trustRequestId).requestId;
}
