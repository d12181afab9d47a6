/**
 * The answer side of the undici transport. A buffered response (every
 * response type but `stream`) is read by a dispatch handler into one Buffer,
 * with no stream per response, and decoded in one step; `stream` keeps
 * undici's `request` and its body stream.
 */
import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { IncomingHttpHeaders } from 'node:http';
import { promisify } from 'node:util';
import { pipeline, type Readable, Transform } from 'node:stream';
import {
  type BrotliOptions,
  brotliDecompress,
  constants as zlibConstants,
  createBrotliDecompress,
  createUnzip,
  unzip,
  type ZlibOptions,
} from 'node:zlib';
import * as zlib from 'node:zlib';
import type { Dispatcher } from 'undici';
import type { Target } from './undici.target.js';

/** One answer of the upstream, its body whole (`Buffer`) or to be read (`Readable`). */
export interface Answer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer | Readable;
}

/** What the transport hands undici for one hop. */
export type HopOptions = Omit<Dispatcher.DispatchOptions, 'signal'>;

/** The abort of one attempt, as the answer side listens to it. */
export interface AbortSource {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void): void;
}

/** zlib's zstd (Node >= 22.15), which axios' http adapter uses where it exists. */
type ZstdDecompress = (
  body: Buffer,
  options: ZlibOptions,
  callback: (error: Error | null, result: Buffer) => void,
) => void;
const ZSTD = zlib as unknown as {
  zstdDecompress?: ZstdDecompress;
  createZstdDecompress?: (options: ZlibOptions) => Transform;
  constants: { ZSTD_e_flush?: number };
};
const ZSTD_TOLERANT = {
  flush: ZSTD.constants.ZSTD_e_flush,
  finishFlush: ZSTD.constants.ZSTD_e_flush,
} as ZlibOptions;
/** How each content coding is undone, as axios' http adapter does it (zlib's unzip takes gzip and zlib data). */
const CODINGS: Readonly<Record<string, Coding>> = {
  gzip: 'unzip',
  'x-gzip': 'unzip',
  compress: 'unzip',
  'x-compress': 'unzip',
  deflate: 'deflate',
  br: 'br',
  ...(ZSTD.createZstdDecompress ? { zstd: 'zstd' as const } : {}),
};
type Coding = 'unzip' | 'deflate' | 'br' | 'zstd';
/** Tolerant of a truncated body, as axios' http adapter is. */
const ZLIB_TOLERANT: ZlibOptions = {
  flush: zlibConstants.Z_SYNC_FLUSH,
  finishFlush: zlibConstants.Z_SYNC_FLUSH,
};
const BROTLI_TOLERANT: BrotliOptions = {
  flush: zlibConstants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH,
};
const unzipOnce = promisify(unzip);
const brotliOnce = promisify(brotliDecompress);
/** The zlib header axios puts before a raw deflate body. */
const ZLIB_HEADER = Buffer.from([0x78, 0x9c]);
const EMPTY = Buffer.alloc(0);

/** The content coding to undo, or `undefined` when the body is to be left as it is. */
function codingOf(headers: IncomingHttpHeaders, config: InternalAxiosRequestConfig): Coding | undefined {
  const coding = headers['content-encoding'];
  if (coding === undefined || config.decompress === false) return undefined;
  return CODINGS[String(coding).toLowerCase()];
}

function overLimit(config: InternalAxiosRequestConfig, limit: number): AxiosError {
  return new AxiosError(`maxContentLength size of ${limit} exceeded`, AxiosError.ERR_BAD_RESPONSE, config);
}

/**
 * One hop, its body read whole unless `skipBody(status, headers)` (a redirect
 * about to be followed); `maxContentLength`
 * stops the read as soon as the raw body passes it (a compressed body is
 * measured once decoded).
 */
export function bufferedAnswer(
  dispatcher: Dispatcher,
  options: HopOptions,
  signal: AbortSource,
  config: InternalAxiosRequestConfig,
  skipBody: (status: number, headers: IncomingHttpHeaders) => boolean,
): Promise<Answer> {
  const limit = config.maxContentLength ?? -1;
  return new Promise<Answer>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let statusText = '';
    let headers: IncomingHttpHeaders = {};
    let chunks: Buffer[] | undefined;
    let size = 0;
    let measured = limit > -1;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    signal.addEventListener('abort', () => {
      controller?.abort(signal.reason as Error);
      fail(signal.reason);
    });
    dispatcher.dispatch(options, {
      onRequestStart(started) {
        controller = started;
        if (signal.aborted) started.abort(signal.reason as Error);
      },
      onResponseStart(_controller, statusCode, responseHeaders, statusMessage) {
        status = statusCode;
        statusText = statusMessage ?? '';
        headers = responseHeaders;
        if (!skipBody(statusCode, responseHeaders)) chunks = [];
        if (codingOf(responseHeaders, config)) measured = false;
      },
      onResponseData(current, chunk) {
        if (!chunks) return;
        size += chunk.length;
        if (measured && size > limit) {
          const error = overLimit(config, limit);
          current.abort(error);
          fail(error);
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        if (settled) return;
        settled = true;
        const body = !chunks?.length ? EMPTY : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
        resolve({ status, statusText, headers, body });
      },
      onResponseError(_controller, error) {
        fail(error);
      },
    });
  });
}

/** One hop, its body left to be read (`responseType: 'stream'`). */
export async function streamedAnswer(
  dispatcher: Dispatcher,
  options: HopOptions,
  signal: AbortSource,
): Promise<Answer> {
  const response = await dispatcher.request({ ...options, signal: signal as unknown as AbortSignal });
  return {
    status: response.statusCode,
    statusText: response.statusText,
    headers: response.headers,
    body: response.body,
  };
}

/** The body of an answer that is not used (a redirect followed). */
export function discard(answer: Answer): void {
  if (!Buffer.isBuffer(answer.body)) answer.body.resume();
}

/** The answer as axios' response: headers, body decoded and typed as the config asks. */
export async function axiosResponse(
  answer: Answer,
  config: InternalAxiosRequestConfig,
  method: string,
  target: Target,
): Promise<AxiosResponse> {
  const { status, statusText } = answer;
  const headers = new AxiosHeaders(answer.headers as Record<string, string>);
  const request = { method, path: target.path, host: target.host, protocol: target.protocol };
  // as axios' http adapter: no body to decode on HEAD or 204, and the coding header goes
  const noContent = method === 'HEAD' || status === 204;
  const coding = noContent ? undefined : codingOf(answer.headers, config);
  if (coding || (noContent && config.decompress !== false)) headers.delete('content-encoding');
  let data: unknown;
  if (!Buffer.isBuffer(answer.body)) {
    data = coding ? pipeline([answer.body, ...decoderStreams(coding)], () => undefined) : answer.body;
  } else {
    const buffer = coding ? await decode(answer.body, coding, config) : answer.body;
    data = config.responseType === 'arraybuffer' ? buffer : text(buffer, config);
  }
  return { data, status, statusText, headers, config, request };
}

function decoderStreams(coding: Coding): [Transform] | [Transform, Transform] {
  if (coding === 'br') return [createBrotliDecompress(BROTLI_TOLERANT)];
  if (coding === 'zstd') return [ZSTD.createZstdDecompress!(ZSTD_TOLERANT)];
  const unzipper = createUnzip(ZLIB_TOLERANT);
  return coding === 'deflate' ? [zlibHeaderFixer(), unzipper] : [unzipper];
}

/** Puts the zlib header before a raw deflate stream, as axios' http adapter does. */
function zlibHeaderFixer(): Transform {
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (first && chunk.length > 0) {
        first = false;
        if (chunk[0] !== ZLIB_HEADER[0]) this.push(ZLIB_HEADER);
      }
      callback(null, chunk);
    },
  });
}

async function decode(body: Buffer, coding: Coding, config: InternalAxiosRequestConfig): Promise<Buffer> {
  const limit = config.maxContentLength ?? -1;
  const options: ZlibOptions =
    coding === 'br'
      ? { ...BROTLI_TOLERANT }
      : coding === 'zstd'
        ? { ...ZSTD_TOLERANT }
        : { ...ZLIB_TOLERANT };
  if (limit > -1) options.maxOutputLength = Math.max(1, limit);
  try {
    const decoded =
      coding === 'zstd'
        ? await promisify(ZSTD.zstdDecompress!)(body, options)
        : coding === 'br'
          ? await brotliOnce(body, options)
          : await unzipOnce(
              coding === 'deflate' && body.length > 0 && body[0] !== ZLIB_HEADER[0]
                ? Buffer.concat([ZLIB_HEADER, body])
                : body,
              options,
            );
    if (limit > -1 && decoded.length > limit) throw overLimit(config, limit);
    return decoded;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw overLimit(config, limit);
    throw error;
  }
}

/** The body as text in `responseEncoding`; UTF-8 without its byte order mark, as axios' http adapter gives it. */
function text(buffer: Buffer, config: InternalAxiosRequestConfig): string {
  const encoding = (config.responseEncoding as BufferEncoding | undefined) ?? 'utf8';
  const bom = encoding === 'utf8' && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
  return buffer.toString(encoding, bom ? 3 : 0);
}
