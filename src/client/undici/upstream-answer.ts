/**
 * The answer side of the undici transport. A buffered response (every
 * response type but `stream`) is read by a dispatch handler into one Buffer,
 * with no stream per response, and a coded one decoded in one zlib call — or
 * as it arrives, once it is too large for one (see body-decoder.ts);
 * `maxContentLength` counts the bytes the caller would get, and stops the
 * read as soon as they pass it. `stream` keeps undici's `request` and its
 * body stream, decoded and limited by streams on it.
 */
import { AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { IncomingHttpHeaders } from 'node:http';
import { pipeline, type Readable, Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import {
  BodyDecoder,
  type Coding,
  codingOf,
  contentLimit,
  decoderStreams,
  hasNoContent,
  overLimit,
} from './body-decoder.js';
import { cutOffError } from './transport-errors.js';
import type { Target } from './request-target.js';

const EMPTY = Buffer.alloc(0);

/** One answer of the upstream, its body whole and decoded (`Buffer`) or to be read (`Readable`). */
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

/**
 * One hop, its body read whole (and decoded) unless `skipBody(status,
 * headers)` (a redirect about to be followed, whose body is not read). A body cut off after its
 * headers fails as on axios' http adapter ("stream has been aborted").
 */
export function bufferedAnswer(
  dispatcher: Dispatcher,
  options: HopOptions,
  signal: AbortSource,
  config: InternalAxiosRequestConfig,
  skipBody: (status: number, headers: IncomingHttpHeaders) => boolean,
): Promise<Answer> {
  const limit = contentLimit(config);
  return new Promise<Answer>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let statusText = '';
    let headers: IncomingHttpHeaders = {};
    let chunks: Buffer[] | undefined;
    let size = 0;
    let decoder: BodyDecoder | undefined;
    const fail = (error: unknown): void => {
      decoder?.destroy();
      if (settled) return;
      settled = true;
      reject(error);
    };
    const done = (body: Buffer): void => {
      if (settled) return;
      settled = true;
      resolve({ status, statusText, headers, body });
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
      onResponseStart(current, statusCode, responseHeaders, statusMessage) {
        status = statusCode;
        statusText = statusMessage ?? '';
        headers = responseHeaders;
        if (skipBody(statusCode, responseHeaders)) {
          // as follow-redirects does: the redirect's body is not read, its connection closed
          done(EMPTY);
          current.abort(new Error('redirect followed'));
          return;
        }
        chunks = [];
        const coding = hasNoContent(options.method, statusCode) ? undefined : codingOf(headers, config);
        if (!coding) return;
        // decoded as it arrives, so that the limit counts decoded bytes as they are made
        decoder = new BodyDecoder(coding, config);
        decoder.result.then(done, (error: unknown) => {
          current.abort(error as Error);
          fail(error);
        });
      },
      onResponseData(current, chunk) {
        if (!chunks || settled) return;
        if (decoder) {
          if (!decoder.write(chunk)) {
            current.pause();
            decoder.onDrain(() => current.resume());
          }
          return;
        }
        size += chunk.length;
        if (limit > -1 && size > limit) {
          const error = overLimit(config, limit);
          current.abort(error);
          fail(error);
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        if (settled) return;
        if (decoder) decoder.end();
        else done(!chunks?.length ? EMPTY : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      },
      onResponseError(_controller, error) {
        fail(
          (chunks && cutOffError(error, responseOf(options, config, status, statusText, headers))) || error,
        );
      },
    });
  });
}

/** What axios' http adapter attaches to an error about an answer whose body failed. */
function responseOf(
  options: HopOptions,
  config: InternalAxiosRequestConfig,
  status: number,
  statusText: string,
  headers: IncomingHttpHeaders,
): AxiosResponse {
  const origin = String(options.origin);
  const request = {
    method: options.method,
    path: options.path,
    host: origin.slice(origin.indexOf('//') + 2),
    protocol: origin.slice(0, origin.indexOf(':') + 1),
  };
  const axiosHeaders = new AxiosHeaders(headers as Record<string, string>);
  return { data: undefined, status, statusText, headers: axiosHeaders, config, request };
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

/** The body of an answer that is not used (a redirect followed): not read, its connection closed. */
export function discard(answer: Answer): void {
  if (!Buffer.isBuffer(answer.body)) answer.body.on('error', () => undefined).destroy();
}

/** The answer as axios' response: headers, body typed (a stream decoded and limited) as the config asks. */
export function axiosResponse(
  answer: Answer,
  config: InternalAxiosRequestConfig,
  method: string,
  target: Target,
): AxiosResponse {
  const { status, statusText } = answer;
  const headers = new AxiosHeaders(answer.headers as Record<string, string>);
  const request = { method, path: target.path, host: target.host, protocol: target.protocol };
  // as axios' http adapter: the coding header goes with a body it decodes, and on HEAD or 204 unless decompress is off
  const noContent = hasNoContent(method, status);
  const coding = noContent ? undefined : codingOf(answer.headers, config);
  if (coding || (noContent && config.decompress !== false)) headers.delete('content-encoding');
  const body = answer.body;
  const data = Buffer.isBuffer(body)
    ? config.responseType === 'arraybuffer'
      ? body
      : text(body, config)
    : bodyStream(body, coding, config);
  return { data, status, statusText, headers, config, request };
}

/** A body stream decoded and held to `maxContentLength` (axios' http adapter limits streams too). */
function bodyStream(
  body: Readable,
  coding: Coding | undefined,
  config: InternalAxiosRequestConfig,
): Readable {
  const limit = contentLimit(config);
  const streams: (Readable | Transform)[] = [body, ...(coding ? decoderStreams(coding) : [])];
  if (limit > -1) streams.push(limiter(limit, config));
  return streams.length === 1 ? body : (pipeline(streams, () => undefined) as unknown as Readable);
}

function limiter(limit: number, config: InternalAxiosRequestConfig): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) callback(overLimit(config, limit));
      else callback(null, chunk);
    },
  });
}

/** The body as text in `responseEncoding`; UTF-8 without its byte order mark, as axios' http adapter gives it. */
function text(buffer: Buffer, config: InternalAxiosRequestConfig): string {
  const encoding = (config.responseEncoding as BufferEncoding | undefined) ?? 'utf8';
  const bom = encoding === 'utf8' && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
  return buffer.toString(encoding, bom ? 3 : 0);
}
