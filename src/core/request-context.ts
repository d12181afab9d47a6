/**
 * The request id, start time and deadline of a request, kept on the raw Node
 * request so every adapter (Express `req`, Fastify `request.raw`) and every
 * stage (middleware, filter, outbound calls) sees the same one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The deadline of a request being served: the module's `requestTimeoutMs`,
 * or less when a trusted deadline header says so.
 */
export interface RequestDeadline {
  /** `performance.now()` by which the request is to be answered. */
  readonly at: number;
  /** The request was answered at its deadline: whatever its handler does after that goes nowhere. */
  readonly expired: boolean;
  /**
   * Answers the request at its deadline now, unless its answer has begun:
   * for whoever finds the deadline passed first (an outbound call it cut
   * short). `cause` is what found it (logged with the answer, never sent).
   */
  expire(cause?: unknown): void;
}

/** What the library knows about the request being served. */
export interface RequestContext {
  /** The request id: the inbound one when it was safe, else a fresh UUID. */
  readonly requestId: string;
  /** `performance.now()` when the library first saw the request. */
  readonly startedAt: number;
  /** The request's deadline; `undefined` when it has none. */
  readonly deadline?: RequestDeadline | undefined;
}

const CONTEXT = Symbol.for('nestjs-faultline.request-context');
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type WithContext = IncomingMessage & { [CONTEXT]?: RequestContext };

/** True for an inbound id that may be reused as is. */
export function isSafeRequestId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_ID.test(value);
}

/** `inbound` when it may be reused as is, else a fresh UUID. */
export function requestIdFrom(inbound: unknown): string {
  return isSafeRequestId(inbound) ? inbound : freshUuid();
}

const UUIDS_PER_BATCH = 256;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const random = Buffer.alloc(16 * UUIDS_PER_BATCH);
/**
 * A batch as the text of a JSON array of strings. Its brackets, quotes, commas
 * and dashes are written once, here; each batch writes only the hex digits.
 */
const text = Buffer.from(JSON.stringify(Array(UUIDS_PER_BATCH).fill(NIL_UUID)), 'latin1');
/** From one id's first digit to the next one's: the id, two quotes and a comma. */
const ID_STRIDE = NIL_UUID.length + 3;
const digits = new DataView(text.buffer, text.byteOffset, text.byteLength);
/** The two hex digits of each byte value as one 16-bit store writes them (the first in the low byte). */
const HEX_PAIRS = Uint16Array.from({ length: 256 }, (_, byte) => {
  const hex = byte.toString(16).padStart(2, '0');
  return hex.charCodeAt(0) | (hex.charCodeAt(1) << 8);
});
let batch: readonly string[] = [];
let nextUuid = UUIDS_PER_BATCH;

/**
 * A version 4 UUID, as `crypto.randomUUID()` makes it (random bytes from
 * the same source, drawn for many at once), for about a third of its cost
 * on every request (with the check Node gives a header value). A batch is
 * written out as the text of a JSON array once, one 16-bit store per random
 * byte, and `JSON.parse` makes each id of it a flat string of its own: one
 * call into Node per batch, not one per id, and no pieces to join, which
 * header checks and log writers would first flatten (`randomUUID()` builds
 * its string from 36). Not slices of one string per batch: a slice keeps the
 * whole batch's text (10 KB) alive for as long as any one id of it is kept.
 */
export function freshUuid(): string {
  if (nextUuid === UUIDS_PER_BATCH) writeUuidBatch();
  return batch[nextUuid++]!;
}

/** Two hex digits of `byte` at `at` of the batch's text, in one store. */
function writeHexPair(at: number, byte: number): void {
  digits.setUint16(at, HEX_PAIRS[byte]!, true);
}

function writeUuidBatch(): void {
  randomFillSync(random);
  // `at`: the id's first digit, after the bracket (first id only) or the comma, and its quote
  for (let from = 0, at = 2; from < random.length; from += 16, at += ID_STRIDE) {
    writeHexPair(at, random[from]!);
    writeHexPair(at + 2, random[from + 1]!);
    writeHexPair(at + 4, random[from + 2]!);
    writeHexPair(at + 6, random[from + 3]!);
    writeHexPair(at + 9, random[from + 4]!);
    writeHexPair(at + 11, random[from + 5]!);
    writeHexPair(at + 14, (random[from + 6]! & 0x0f) | 0x40); // version 4
    writeHexPair(at + 16, random[from + 7]!);
    writeHexPair(at + 19, (random[from + 8]! & 0x3f) | 0x80); // variant 10
    writeHexPair(at + 21, random[from + 9]!);
    writeHexPair(at + 24, random[from + 10]!);
    writeHexPair(at + 26, random[from + 11]!);
    writeHexPair(at + 28, random[from + 12]!);
    writeHexPair(at + 30, random[from + 13]!);
    writeHexPair(at + 32, random[from + 14]!);
    writeHexPair(at + 34, random[from + 15]!);
  }
  batch = JSON.parse(text.toString('latin1')) as string[];
  nextUuid = 0;
}

/** The raw Node request behind an Express or Fastify request. */
export function rawRequest(request: unknown): IncomingMessage {
  const raw = (request as { raw?: unknown }).raw;
  return (raw && typeof raw === 'object' ? raw : request) as IncomingMessage;
}

/**
 * The context of `request`, made on first use: the id from `header` when it
 * is trusted and safe, otherwise a new UUID.
 */
export function requestContext(request: unknown, header: string, trustInbound: boolean): RequestContext {
  const raw = rawRequest(request) as WithContext;
  let context = raw[CONTEXT];
  if (!context) {
    const inbound = trustInbound ? raw.headers?.[headerKey(header)] : undefined;
    context = {
      requestId: requestIdFrom(inbound),
      startedAt: performance.now(),
      deadline: undefined,
    };
    raw[CONTEXT] = context;
  }
  return context;
}

let lastHeader = '';
let lastKey = '';

/**
 * `header` as a key of Node's `headers` object (and of a Fastify reply's):
 * lowercase, and interned as property names are. A key made afresh on every
 * request is looked up in V8's string table at every read or write with it;
 * the app has one request id header, so the last one is kept.
 */
export function headerKey(header: string): string {
  if (header !== lastHeader) {
    lastKey = Object.keys({ [header.toLowerCase()]: true })[0]!;
    lastHeader = header;
  }
  return lastKey;
}

/** Gives the request of `context` its deadline (once, when it enters). */
export function setRequestDeadline(context: RequestContext, deadline: RequestDeadline): void {
  (context as { deadline?: RequestDeadline }).deadline = deadline;
}

/** The deadline of `request` (Express `req`, Fastify `request` or raw), if it has one. */
export function deadlineOf(request: unknown): RequestDeadline | undefined {
  return (rawRequest(request) as WithContext)[CONTEXT]?.deadline;
}

/** True once `request` was answered at its deadline: what its handler does after that is dropped. */
export function answeredAtDeadline(request: unknown): boolean {
  return deadlineOf(request)?.expired === true;
}

const store = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` (and everything it starts) as part of serving the request of `context`. */
export function runInRequestContext<T>(context: RequestContext, fn: () => T): T {
  return store.run(context, fn);
}

/** The context of the request being served, wherever in its async flow this is called. */
export function currentRequestContext(): RequestContext | undefined {
  return store.getStore();
}
