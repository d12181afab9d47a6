/**
 * An endless coded body of zeros (gzip, br or deflate; about 1000:1 and
 * more), compressed as the client reads it, until the client closes: the
 * bomb of the bomb bench and of the hostile-answer tests.
 */
import type { ServerResponse } from 'node:http';
import * as zlib from 'node:zlib';

export const CODINGS = ['gzip', 'br', 'deflate'] as const;
export type Coding = (typeof CODINGS)[number];

const ZEROS = Buffer.alloc(256 * 1024);

/** A fast, streaming compressor for `coding`. */
export function compressor(coding: Coding): zlib.Gzip {
  if (coding === 'gzip') return zlib.createGzip({ level: 1 });
  if (coding === 'deflate') return zlib.createDeflate({ level: 1 });
  return zlib.createBrotliCompress({
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 },
  }) as unknown as zlib.Gzip;
}

export interface BombOptions {
  /** Pause between rounds of 256 KiB of zeros (0: as fast as the client reads). */
  everyMs?: number;
  /** Sees the size of every coded chunk written. */
  onChunk?: (bytes: number) => void;
}

/** Answers 200 with an endless `coding` body of zeros. */
export function bomb(res: ServerResponse, coding: Coding, { everyMs = 0, onChunk }: BombOptions = {}): void {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Encoding': coding });
  const zip = compressor(coding);
  zip.on('data', (chunk: Buffer) => {
    onChunk?.(chunk.length);
    if (!res.write(chunk)) {
      zip.pause();
      res.once('drain', () => zip.resume());
    }
  });
  res.once('close', () => zip.destroy());
  const next = (): void => {
    if (everyMs) setTimeout(feed, everyMs);
    else setImmediate(feed);
  };
  const feed = (): void => {
    if (res.destroyed) return;
    // flushed each round, so that the client gets bytes to decode at once
    if (zip.write(ZEROS)) zip.flush(next);
    else zip.once('drain', feed);
  };
  feed();
}
