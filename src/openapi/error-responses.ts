/**
 * The error responses of one operation: its catalog entries grouped by the
 * status they are answered with, each status with its schema, examples and
 * headers, merged into what the operation already documents. The examples
 * are the renderer's own answers (`renderError`), so they are what the app
 * sends. Pure.
 */
import type { ExampleObject, MediaTypeObject, ResponseObject, ResponsesObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import type { ErrorEntry } from '../core/error-catalog.js';
import type { MappedError } from '../errors/envelope.mapper.js';
import { renderError, type RenderedError } from '../errors/envelope.renderer.js';
import type { ResolvedInboundOptions } from '../errors/errors.options.js';
import { withoutUndefined } from '../shared/objects.js';
import { statusSchema } from './error.schemas.js';

/** Fixed example values: a document does not change from one build to the next. */
const EXAMPLE_REQUEST_ID = '9f1c6c1e-2d1b-4f7e-9a43-5f0c2b1d7e11';
const EXAMPLE_TIMESTAMP = '2026-11-22T10:00:00.000Z';

/** The answer the app sends for `entry` on a request to `path` in `locale`, placeholders left as they are. */
export function exampleAnswer(
  entry: ErrorEntry,
  path: string,
  locale: string,
  options: ResolvedInboundOptions,
): RenderedError {
  // the pipe's errorHttpStatusCode is the status of its validation failures
  const status =
    entry.reason === 'VALIDATION_FAILED' && entry.builtIn
      ? (options.validation.errorHttpStatusCode ?? entry.status)
      : entry.status;
  const mapped: MappedError = {
    entry,
    status,
    params: undefined,
    details: undefined,
    issues: undefined,
    issueCount: 0,
  };
  const rendered = renderError(mapped, { locale, requestId: EXAMPLE_REQUEST_ID, path }, options);
  if ('timestamp' in rendered.body) rendered.body.timestamp = EXAMPLE_TIMESTAMP;
  return rendered;
}

/** The error responses of an operation at `path`, by status; the entries of a status in the order given. */
export function errorResponses(
  entries: readonly ErrorEntry[],
  path: string,
  locale: string,
  options: ResolvedInboundOptions,
): Record<string, ResponseObject> {
  const byStatus = new Map<number, { entry: ErrorEntry; answer: RenderedError }[]>();
  for (const entry of entries) {
    const answer = exampleAnswer(entry, path, locale, options);
    byStatus.set(answer.status, [...(byStatus.get(answer.status) ?? []), { entry, answer }]);
  }
  const problem = options.format === 'problem';
  const responses: Record<string, ResponseObject> = {};
  for (const [status, group] of byStatus) {
    const reasons = group.map(({ entry }) => entry.reason);
    const examples: Record<string, ExampleObject> = {};
    for (const { entry, answer } of group) {
      // members the renderer leaves undefined are not in the answer
      examples[entry.reason] = {
        summary: `${entry.reason} (${entry.code})`,
        value: withoutUndefined(answer.body),
      };
    }
    const media: MediaTypeObject = {
      schema: statusSchema({
        problem,
        reasons,
        codes: group.map(({ entry }) => entry.code),
        types:
          problem && options.problemTypeBaseUri
            ? group.map(({ answer }) => (answer.body as { type: string }).type)
            : undefined,
      }),
      examples,
    };
    responses[status] = {
      description: `${STATUS_CODES[status] ?? 'Error'}: ${reasons.join(', ')}`,
      headers: {
        [options.requestIdHeader]: { description: 'The request id.', schema: { type: 'string' } },
        'Content-Language': { description: 'The locale of the message.', schema: { type: 'string' } },
      },
      content: { [mediaType(group[0]!.answer.contentType)]: media },
    };
  }
  return responses;
}

/**
 * `responses` with the error responses added. What a route declares itself
 * stays: its description and headers win, and where it has a schema for the
 * same media type (its own error body, or its success body when the app
 * answers errors with HTTP 200), the error schema becomes an alternative
 * (`oneOf`) beside it. A `$ref` response is left as it is.
 */
export function withErrorResponses(
  responses: ResponsesObject | undefined,
  errors: Readonly<Record<string, ResponseObject>>,
): ResponsesObject {
  const merged: ResponsesObject = { ...responses };
  for (const [status, error] of Object.entries(errors)) {
    const existing = merged[status];
    if (existing === undefined) merged[status] = error;
    else if (!('$ref' in existing)) merged[status] = mergeResponse(existing, error);
  }
  return Object.fromEntries(Object.entries(merged).toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function mergeResponse(existing: ResponseObject, error: ResponseObject): ResponseObject {
  const content = { ...existing.content };
  for (const [type, media] of Object.entries(error.content ?? {})) {
    const theirs = content[type];
    if (!theirs?.schema) {
      content[type] = { ...theirs, ...media };
      continue;
    }
    const { example, examples, ...rest } = theirs;
    content[type] = {
      ...rest,
      schema: { oneOf: [theirs.schema, media.schema!] },
      examples: {
        ...(example === undefined ? {} : { default: { value: example } }),
        ...examples,
        ...media.examples,
      },
    };
  }
  return {
    ...existing,
    description: existing.description || error.description,
    headers: { ...error.headers, ...existing.headers },
    content,
  };
}

/** `application/json; charset=utf-8` -> `application/json`. */
function mediaType(contentType: string): string {
  return contentType.split(';', 1)[0]!.trim();
}
