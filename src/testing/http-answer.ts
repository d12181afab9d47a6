/**
 * The answers the matchers read: a supertest response, a Fastify
 * `inject()` (light-my-request) response, a fetch `Response` once read with
 * {@link readResponse}, or a plain `{ status, headers, body }`.
 */

/** One HTTP answer, as the matchers see it. */
export interface HttpAnswer {
  readonly status: number;
  /** Header values by lower-case name. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body parsed as JSON; `undefined` when there is none or it is not JSON (see `text`). */
  readonly body: unknown;
  /** The body as received, when it was text. */
  readonly text?: string;
}

/** What a fetch `Response` has that {@link readResponse} reads. */
export interface FetchLikeResponse {
  readonly status: number;
  readonly headers: { forEach(callback: (value: string, name: string) => void): void };
  text(): Promise<string>;
}

type Loose = Record<string, unknown>;

/** Reads a fetch `Response` (its body once) into an answer the matchers take. */
export async function readResponse(response: FetchLikeResponse): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  const text = await response.text();
  return { status: response.status, headers, body: parseJson(text), text };
}

/** The answer in `received`, or why it is none. */
export function toHttpAnswer(received: unknown): HttpAnswer | string {
  if (typeof received !== 'object' || received === null) {
    return `expected an HTTP answer ({ status, headers, body }), received ${typeof received}`;
  }
  const value = received as Loose;
  const status = typeof value['status'] === 'number' ? value['status'] : value['statusCode'];
  if (typeof status !== 'number') {
    return 'expected an HTTP answer with a numeric status (or statusCode), received an object without one';
  }
  const headers = readHeaders(value['headers']);
  if (typeof headers === 'string') return headers;
  if (typeof value['text'] === 'function' && typeof value['bodyUsed'] === 'boolean') {
    return 'received a fetch Response, whose body cannot be read synchronously: pass `await readResponse(res)`';
  }
  const text = textOf(value);
  const body = text !== undefined ? parseJson(text) : value['body'];
  return { status, headers, body, text };
}

function readHeaders(headers: unknown): Record<string, string | undefined> | string {
  if (typeof headers !== 'object' || headers === null) return 'expected the answer to have headers';
  const result: Record<string, string | undefined> = {};
  if (typeof (headers as { forEach?: unknown }).forEach === 'function' && !Array.isArray(headers)) {
    (headers as FetchLikeResponse['headers']).forEach((value, name) => {
      result[name.toLowerCase()] = value;
    });
    return result;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return result;
}

/** The body as text: supertest's `text`, light-my-request's `payload`, or a string or buffer body. */
function textOf(value: Loose): string | undefined {
  for (const key of ['text', 'payload', 'body']) {
    const member = value[key];
    if (typeof member === 'string') return member;
    if (member instanceof Uint8Array) return Buffer.from(member).toString('utf8');
  }
  return undefined;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
