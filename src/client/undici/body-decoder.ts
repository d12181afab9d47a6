/**
 * Undoing a response's content coding on the undici transport, as axios'
 * http adapter does it (gzip, x-gzip, compress, x-compress, deflate with or
 * without its zlib header, br, and zstd where Node's zlib has it; tolerant of
 * a truncated body), with the decoded bytes counted against
 * `maxContentLength` as they are produced: a body is decoded by one zlib
 * stream as it arrives (as fast as one zlib call on the whole body, measured),
 * so a decompression bomb is stopped at the limit, and an abort stops the
 * decoding at the next chunk.
 */
import { AxiosError, type InternalAxiosRequestConfig } from 'axios';
import type { IncomingHttpHeaders } from 'node:http';
import { Transform } from 'node:stream';
import * as zlib from 'node:zlib';

/** How a content coding is undone (zlib's unzip takes gzip and zlib data alike). */
export type Coding = 'unzip' | 'deflate' | 'br' | 'zstd';

/** zlib's zstd (Node >= 22.15), which axios' http adapter uses where it exists. */
const ZSTD = zlib as unknown as {
  createZstdDecompress?: (options: zlib.ZlibOptions) => Transform;
  constants: { ZSTD_e_flush?: number };
};
const CODINGS: Readonly<Record<string, Coding>> = {
  gzip: 'unzip',
  'x-gzip': 'unzip',
  compress: 'unzip',
  'x-compress': 'unzip',
  deflate: 'deflate',
  br: 'br',
  ...(ZSTD.createZstdDecompress ? { zstd: 'zstd' as const } : {}),
};
/** Tolerant of a truncated body, as axios' http adapter is. */
const TOLERANT: Readonly<Record<Coding, zlib.ZlibOptions>> = {
  unzip: { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH },
  deflate: { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH },
  br: { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH },
  zstd: { flush: ZSTD.constants.ZSTD_e_flush, finishFlush: ZSTD.constants.ZSTD_e_flush },
};
/** The zlib header axios puts before a raw deflate body. */
const ZLIB_HEADER = Buffer.from([0x78, 0x9c]);

/** The content coding to undo, or `undefined` when the body is to be left as it is. */
export function codingOf(
  headers: IncomingHttpHeaders,
  config: InternalAxiosRequestConfig,
): Coding | undefined {
  const coding = headers['content-encoding'];
  if (coding === undefined || config.decompress === false) return undefined;
  return CODINGS[String(coding).toLowerCase()];
}

/** As axios' http adapter: an answer to HEAD, or a 204, has no body to decode. */
export function hasNoContent(method: string | undefined, status: number): boolean {
  return method === 'HEAD' || status === 204;
}

/** `maxContentLength`, the decoded bytes a caller takes at most (-1: no limit). */
export function contentLimit(config: InternalAxiosRequestConfig): number {
  return config.maxContentLength ?? -1;
}

export function overLimit(config: InternalAxiosRequestConfig, limit: number): AxiosError {
  return new AxiosError(`maxContentLength size of ${limit} exceeded`, AxiosError.ERR_BAD_RESPONSE, config);
}

/** The zlib stream that undoes `coding` (a raw deflate body still needs its zlib header). */
function decoderStream(coding: Coding): Transform {
  if (coding === 'br') return zlib.createBrotliDecompress(TOLERANT.br);
  if (coding === 'zstd') return ZSTD.createZstdDecompress!(TOLERANT.zstd);
  return zlib.createUnzip(TOLERANT[coding]);
}

/** The streams that undo `coding` on a body stream (`responseType: 'stream'`). */
export function decoderStreams(coding: Coding): Transform[] {
  const decoder = decoderStream(coding);
  return coding === 'deflate' ? [zlibHeaderFixer(), decoder] : [decoder];
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

/**
 * Decodes a body chunk by chunk as it is written, keeping the decoded bytes
 * and failing with axios' `maxContentLength` error as soon as they pass it.
 * `write` says, as a stream does, when to wait for `onDrain`; `result`
 * settles once `end` has been called, or at the first error.
 */
export class BodyDecoder {
  readonly result: Promise<Buffer>;
  private readonly stream: Transform;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private first = true;

  constructor(
    private readonly coding: Coding,
    config: InternalAxiosRequestConfig,
  ) {
    const limit = contentLimit(config);
    const stream = (this.stream = decoderStream(coding));
    this.result = new Promise<Buffer>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        this.size += chunk.length;
        if (limit > -1 && this.size > limit) {
          this.destroy();
          reject(overLimit(config, limit));
          return;
        }
        this.chunks.push(chunk);
      });
      stream.once('error', reject);
      stream.once('end', () => resolve(Buffer.concat(this.chunks, this.size)));
    });
  }

  write(chunk: Buffer): boolean {
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (this.coding === 'deflate' && chunk[0] !== ZLIB_HEADER[0]) this.stream.write(ZLIB_HEADER);
    }
    return this.stream.write(chunk);
  }

  onDrain(listener: () => void): void {
    this.stream.once('drain', listener);
  }

  /** No more coded bytes: `result` gives the decoded body. */
  end(): void {
    this.stream.end();
  }

  /** Stops decoding (an abort, a failed read, the limit); what was decoded is dropped. */
  destroy(): void {
    this.stream.destroy();
    this.chunks.length = 0;
  }
}
