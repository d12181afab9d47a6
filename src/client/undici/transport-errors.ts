/**
 * undici's failures under the codes axios' http adapter gives for the same
 * fault, so that both transports are classified alike: Node's socket codes,
 * llhttp's `HPE_*` codes (undici's parser errors carry llhttp's reason but
 * no code), and axios' own "stream has been aborted" for a body the upstream
 * cut off after its headers; an attempt's timeout, cancellation and status
 * failures as axios' own errors.
 */
import { AxiosError, type AxiosResponse, CanceledError, type InternalAxiosRequestConfig } from 'axios';

/** The abort reason of an attempt that ran out of time. */
export const TIMEOUT = Symbol('timeout');

/** undici's own error codes, as the Node codes the rest of the client knows. */
const NODE_CODES: Readonly<Record<string, string>> = {
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_HEADERS_OVERFLOW: 'HPE_HEADER_OVERFLOW',
};
/** llhttp's reasons (the same parser in Node and in undici) and the code Node gives each. */
const PARSER_REASONS: readonly (readonly [RegExp, string])[] = [
  [/status/i, 'HPE_INVALID_STATUS'],
  [/version/i, 'HPE_INVALID_VERSION'],
  [/^Expected HTTP\//, 'HPE_INVALID_CONSTANT'],
  [/header (token|value|field)/i, 'HPE_INVALID_HEADER_TOKEN'],
  [/Transfer-Encoding/, 'HPE_INVALID_TRANSFER_ENCODING'],
  [/Duplicate Content-Length/, 'HPE_UNEXPECTED_CONTENT_LENGTH'],
  [/Content-Length/, 'HPE_INVALID_CONTENT_LENGTH'],
  [/chunk size/i, 'HPE_INVALID_CHUNK_SIZE'],
  [/expected CR/i, 'HPE_CR_EXPECTED'],
  [/expected LF after chunk/i, 'HPE_STRICT'],
  [/expected LF/i, 'HPE_LF_EXPECTED'],
];
/** What an answer that is not HTTP gets when llhttp's reason is none of the above. */
const UNPARSED = 'HPE_INVALID_CONSTANT';
/** Failures that, once the headers are in, mean the upstream closed before the body's end. */
const CUT_OFF = new Set(['UND_ERR_SOCKET', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH']);

interface ErrorFacts {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly cause?: { readonly code?: string };
}

/** The code axios' http adapter would give this failure. */
export function nodeCodeOf(error: unknown): string | undefined {
  const { name, code, message = '', cause } = (error ?? {}) as ErrorFacts;
  if (name === 'HTTPParserError' && !code) {
    const reason = /\((.*)\)$/.exec(message)?.[1] ?? message;
    return PARSER_REASONS.find(([pattern]) => pattern.test(reason))?.[1] ?? UNPARSED;
  }
  return NODE_CODES[code ?? ''] ?? cause?.code ?? code;
}

/**
 * axios' error for a body cut off after its headers (the upstream closed, or
 * sent fewer bytes than it announced), or `undefined` for another failure
 * (a reset keeps its `ECONNRESET`, as on axios' http adapter).
 */
export function cutOffError(error: unknown, response: AxiosResponse): AxiosError | undefined {
  if (!CUT_OFF.has((error as ErrorFacts | undefined)?.code ?? '')) return undefined;
  return new AxiosError(
    'stream has been aborted',
    AxiosError.ERR_BAD_RESPONSE,
    response.config,
    response.request,
    response,
  );
}

/** How an attempt's abort ended, if it did. */
interface Aborted {
  readonly aborted: boolean;
  readonly reason: unknown;
}

/** A failed attempt as axios' http adapter fails it: its timeout, its cancellation, or the Node code. */
export function toAxiosError(error: unknown, config: InternalAxiosRequestConfig, signal: Aborted): unknown {
  if (error instanceof AxiosError) return error;
  if (signal.aborted) {
    if (signal.reason === TIMEOUT) {
      const transitional = config.transitional;
      return new AxiosError(
        config.timeoutErrorMessage ?? `timeout of ${config.timeout}ms exceeded`,
        transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED,
        config,
      );
    }
    return signal.reason instanceof CanceledError ? signal.reason : new CanceledError(undefined, config);
  }
  return AxiosError.from(error as Error, nodeCodeOf(error), config);
}

/** The response, or the same error as axios' own settle() when `validateStatus` refuses it. */
export function settle(response: AxiosResponse, config: InternalAxiosRequestConfig): AxiosResponse {
  const validate = config.validateStatus;
  if (!response.status || !validate || validate(response.status)) return response;
  throw new AxiosError(
    `Request failed with status code ${response.status}`,
    [AxiosError.ERR_BAD_REQUEST, AxiosError.ERR_BAD_RESPONSE][Math.floor(response.status / 100) - 4],
    config,
    response.request,
    response,
  );
}
