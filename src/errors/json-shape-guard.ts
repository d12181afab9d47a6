/**
 * Fastify parses a JSON body whole before anything of the app's runs, and
 * parsing a megabyte of nested or wide arrays alone blocks the event loop
 * for tens of milliseconds. This stream sits between the socket and the
 * parser and counts nesting and array items as the bytes go by, so a body
 * deeper or wider than the bounds is refused before it is parsed.
 */
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { bodyLimitException } from './body-limits.js';
import type { BodyLimits } from './errors.options.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;

/** The bounds a JSON text can be held to before it is parsed. */
export type JsonShapeLimits = BodyLimits;

/**
 * Counts nesting, one array's items and the values seen as JSON bytes go by,
 * across as many chunks as the text comes in. Values are counted from commas
 * and brackets, never more than there are, so whatever it refuses the check
 * of the parsed body would refuse too.
 */
class ShapeCounter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Containers opened and commas seen: fewer than the values of the body. */
  private values = 1;
  /** Per open level: 1 for an array, 0 for an object. */
  private readonly arrays: Uint8Array;
  /** Per open level: the commas seen in it (an array's items less one). */
  private readonly commas: Uint32Array;
  /** The bound the last {@link count} found passed. */
  passed: keyof JsonShapeLimits = 'maxBodyDepth';

  constructor(private readonly limits: JsonShapeLimits) {
    this.arrays = new Uint8Array(limits.maxBodyDepth + 1);
    this.commas = new Uint32Array(limits.maxBodyDepth + 1);
  }

  /** The index of the byte of `chunk` at which a bound is passed ({@link passed} says which), or -1. */
  count(chunk: Buffer): number {
    // UTF-8 continuation bytes are >= 0x80, so no byte of a multi-byte character looks like JSON syntax
    for (let index = 0; index < chunk.length; index++) {
      const byte = chunk[index]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
      } else if (byte === QUOTE) {
        this.inString = true;
      } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
        if (++this.depth > this.limits.maxBodyDepth) return this.pass('maxBodyDepth', index);
        if (++this.values > this.limits.maxBodyNodes) return this.pass('maxBodyNodes', index);
        this.arrays[this.depth] = byte === OPEN_ARRAY ? 1 : 0;
        this.commas[this.depth] = 0;
      } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
        if (this.depth > 0) this.depth--;
      } else if (byte === COMMA) {
        if (++this.values > this.limits.maxBodyNodes) return this.pass('maxBodyNodes', index);
        if (this.arrays[this.depth] === 1 && ++this.commas[this.depth]! >= this.limits.maxArrayLength) {
          return this.pass('maxArrayLength', index);
        }
      }
    }
    return -1;
  }

  private pass(limit: keyof JsonShapeLimits, index: number): number {
    this.passed = limit;
    return index;
  }
}

/** The answer for a JSON text whose prefix `prefix` passed `limit`, at the value its last byte opens. */
function refusal(
  limit: keyof JsonShapeLimits,
  prefix: Buffer,
  limits: JsonShapeLimits,
  validationStatus: number,
): Error {
  const path = limit === 'maxBodyNodes' ? [] : openPath(prefix);
  // a refused array is the container the item belongs to; a value too deep, the one opened at its end
  if (limit === 'maxArrayLength') path.pop();
  return bodyLimitException({ limit, max: limits[limit], path }, validationStatus);
}

/**
 * The answer of `maxBodyDepth`, `maxArrayLength` or `maxBodyNodes` for a
 * whole JSON text that passes one of them, or undefined. The count stops at
 * the first bound passed.
 */
export function checkJsonShape(
  text: Buffer,
  limits: JsonShapeLimits,
  validationStatus: number,
): Error | undefined {
  const counter = new ShapeCounter(limits);
  const index = counter.count(text);
  if (index === -1) return undefined;
  return refusal(counter.passed, text.subarray(0, index), limits, validationStatus);
}

/**
 * Passes JSON bytes through unchanged; errors with the answer of
 * `maxBodyDepth`, `maxArrayLength` or `maxBodyNodes` once nesting, one
 * array's items or the values seen pass the bound (see {@link checkJsonShape}).
 */
export class JsonShapeGuard extends Transform {
  /** The bytes received, which Fastify reads to check its body limit and Content-Length. */
  receivedEncodedLength = 0;
  /** What went through so far: the path of a refused value is read from it. */
  private readonly seen: Buffer[] = [];
  private readonly counter: ShapeCounter;

  constructor(
    private readonly limits: JsonShapeLimits,
    private readonly validationStatus: number,
  ) {
    super();
    this.counter = new ShapeCounter(limits);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    const index = this.counter.count(chunk);
    if (index !== -1) {
      this.seen.push(chunk.subarray(0, index));
      const prefix = Buffer.concat(this.seen);
      callback(refusal(this.counter.passed, prefix, this.limits, this.validationStatus));
      return;
    }
    this.seen.push(chunk);
    callback(null, chunk);
  }
}

/**
 * Where the end of a JSON prefix is: the key or index of the current
 * position in every container still open, from the root. Run only on a
 * refused body, so it may allocate.
 */
export function openPath(prefix: Buffer): (string | number)[] {
  const path: (string | number)[] = [];
  /** Per open container: true for an array. */
  const arrays: boolean[] = [];
  let expectingKey = false;
  for (let index = 0; index < prefix.length; index++) {
    const byte = prefix[index]!;
    if (byte === QUOTE) {
      const end = stringEnd(prefix, index);
      if (expectingKey) {
        path[path.length - 1] = keyText(prefix.subarray(index, end + 1));
        expectingKey = false;
      }
      index = end;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      arrays.push(byte === OPEN_ARRAY);
      path.push(byte === OPEN_ARRAY ? 0 : '');
      expectingKey = byte === OPEN_OBJECT;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      arrays.pop();
      path.pop();
      // an empty object closes while a key was awaited: the next string is a value
      expectingKey = false;
    } else if (byte === COMMA && arrays.length > 0) {
      if (arrays.at(-1)) path[path.length - 1] = (path.at(-1) as number) + 1;
      else expectingKey = true;
    }
  }
  return path;
}

/** The index of the quote that ends the string starting at `start` (or the last byte). */
function stringEnd(text: Buffer, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    if (text[index] === BACKSLASH) index++;
    else if (text[index] === QUOTE) return index;
  }
  return text.length - 1;
}

function keyText(quoted: Buffer): string {
  try {
    return JSON.parse(quoted.toString()) as string;
  } catch {
    return quoted.toString().slice(1, -1);
  }
}

/**
 * True for a JSON media type (`application/json`, `application/problem+json`,
 * with parameters); false for a missing or repeated `Content-Type` header.
 */
export function isJsonContentType(contentType: string | string[] | undefined): boolean {
  if (typeof contentType !== 'string' || contentType === '') return false;
  const semicolon = contentType.indexOf(';');
  const type = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

type PreParsingHook = (
  request: { headers: Record<string, string | string[] | undefined> },
  reply: unknown,
  payload: NodeJS.ReadableStream,
  done: (error: Error | null, payload?: NodeJS.ReadableStream) => void,
) => void;
type Hooks = PreParsingHook | PreParsingHook[] | undefined;
type RouteOptions = { method: string | string[]; preParsing?: Hooks };
type FastifyLike = {
  addHook(name: 'onRoute', hook: (route: RouteOptions) => void): unknown;
  setNotFoundHandler(options?: unknown, handler?: unknown): unknown;
};

/** Methods whose body Fastify never reads: a route of only these needs no guard. */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);

type ParsedDone = (error: Error | null, value?: unknown) => void;
type BodyParserRunner = (
  this: unknown,
  parser: unknown,
  request: { headers: Record<string, string | string[] | undefined> },
  body: unknown,
  done: ParsedDone,
) => unknown;
/** What of Nest's Fastify adapter the guard uses: its body parsers (`useBodyParser`) run through `runBodyParser`. */
type GuardedAdapter = {
  getType?(): string;
  getInstance(): unknown;
  runBodyParser?: BodyParserRunner;
  hasCustomBodyParser?(contentType: string): boolean;
};

/**
 * On Fastify, holds every JSON body larger than {@link JSON_GUARD_MIN_BYTES}
 * to the bounds before it is parsed. Express' parser reads at most its 100 KB
 * limit by default, and the validation pipe checks the parsed body there.
 *
 * Where Nest's adapter parses JSON (its `useBodyParser` parsers, which the app
 * has unless it turned `bodyParser` off), the check runs on the body Fastify
 * has read, just before Nest's parser: no work at all for a smaller body.
 * Otherwise a {@link JsonShapeGuard} stream goes in front of the parser of
 * each route that can take a body and of the 404 handler (a `preParsing`
 * hook), which costs each of their requests a turn of Fastify's hook runner;
 * routes must then be added after this runs (Nest adds its own, and its 404
 * handler, during `init`, after the modules' `configure`).
 */
export function installJsonShapeGuard(
  adapter: GuardedAdapter | undefined,
  limits: JsonShapeLimits,
  validationStatus: number,
): void {
  if (adapter?.getType?.() !== 'fastify') return;
  const runBodyParser = adapter.runBodyParser;
  if (typeof runBodyParser === 'function' && adapter.hasCustomBodyParser?.('application/json') === true) {
    adapter.runBodyParser = function (this: unknown, parser, request, body, done) {
      if (Buffer.isBuffer(body) && body.length > JSON_GUARD_MIN_BYTES) {
        const refused =
          isJsonContentType(request.headers['content-type']) &&
          checkJsonShape(body, limits, validationStatus);
        if (refused) {
          done(refused);
          return;
        }
      }
      return runBodyParser.call(this, parser, request, body, done);
    };
    return;
  }
  hookJsonRoutes(adapter.getInstance() as FastifyLike, limits, validationStatus);
}

/** Puts a {@link JsonShapeGuard} in front of the body of each route that can take one, and of the 404 handler. */
function hookJsonRoutes(instance: FastifyLike, limits: JsonShapeLimits, validationStatus: number): void {
  const guardJsonBody: PreParsingHook = (request, _reply, payload, done) => {
    if (isSmall(request.headers['content-length']) || !isJsonContentType(request.headers['content-type'])) {
      // no payload given: Fastify reads the request as it is, and sets nothing on it
      done(null);
      return;
    }
    const guard = new JsonShapeGuard(limits, validationStatus);
    // a client that goes away mid-body ends the guard too, with the same error
    pipeline(payload, guard, ignore);
    done(null, guard);
  };
  instance.addHook('onRoute', (route) => {
    const methods = typeof route.method === 'string' ? [route.method] : route.method;
    if (methods.every((method) => BODYLESS.has(method.toUpperCase()))) return;
    route.preParsing = withHook(route.preParsing, guardJsonBody);
  });
  // Fastify runs the hooks given with the 404 handler after the app's own, as it does a route's
  const setNotFoundHandler = instance.setNotFoundHandler;
  instance.setNotFoundHandler = function (this: unknown, options?: unknown, handler?: unknown) {
    if (typeof options === 'function') [options, handler] = [{}, options];
    const given = (options ?? {}) as { preParsing?: Hooks };
    return setNotFoundHandler.call(
      this,
      { ...given, preParsing: withHook(given.preParsing, guardJsonBody) },
      handler,
    );
  };
}

/** The route's own `preParsing` hooks, then `hook`. */
function withHook(hooks: Hooks, hook: PreParsingHook): PreParsingHook | PreParsingHook[] {
  if (hooks === undefined) return hook;
  return Array.isArray(hooks) ? [...hooks, hook] : [hooks, hook];
}

function ignore(): void {}

/**
 * Bodies up to this many bytes skip the guard: parsing one takes less than
 * the stream costs (about 0.1 ms a request), and the pipe's check of the
 * parsed body refuses it with the same answer. Fastify holds a body to its
 * declared length, so a small declared length bounds what can be parsed (the
 * stream, which sees a body before its length is known, skips only those).
 */
export const JSON_GUARD_MIN_BYTES = 16 * 1024;

function isSmall(contentLength: string | string[] | undefined): boolean {
  if (typeof contentLength !== 'string' || contentLength === '') return false;
  const length = Number(contentLength);
  return length >= 0 && length <= JSON_GUARD_MIN_BYTES;
}
