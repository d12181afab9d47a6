/**
 * The error bodies as OpenAPI schemas: the components (`ErrorEnvelope`,
 * `FieldError`, `ProblemDetails`) and, for one status of one route, the
 * schema narrowed to its reasons and codes. Pure: types only from Swagger.
 */
import type { SchemaObject } from '@nestjs/swagger';

/** Component names, as the TypeScript types of the bodies are named. */
export const ERROR_SCHEMA_NAMES = Object.freeze({
  envelope: 'ErrorEnvelope',
  fieldError: 'FieldError',
  problem: 'ProblemDetails',
});

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const FIELD_ERROR: SchemaObject = {
  type: 'object',
  description: 'One failed constraint of one field; never holds the rejected value.',
  required: ['field', 'pointer', 'constraint', 'message'],
  properties: {
    field: {
      type: 'string',
      description: 'Display path: dots for objects, [i] for arrays.',
      example: 'items[0].qty',
    },
    pointer: { type: 'string', description: 'RFC 6901 JSON Pointer of the field.', example: '/items/0/qty' },
    constraint: { type: 'string', description: 'The class-validator constraint.', example: 'min' },
    message: { type: 'string', description: "Localized, in the caller's language." },
  },
};

const DETAILS: SchemaObject = {
  type: 'object',
  additionalProperties: true,
  description: 'Safe, client-visible facts; only when the error has some.',
};

const ERRORS: SchemaObject = {
  type: 'array',
  items: ref(ERROR_SCHEMA_NAMES.fieldError),
  description: 'Field errors; only for validation failures.',
};

const CODE: SchemaObject = { type: 'integer', description: 'Stable numeric code of the error.' };
const REASON: SchemaObject = { type: 'string', description: 'Stable name of the error.' };
const REQUEST_ID: SchemaObject = {
  type: 'string',
  description: 'The request id, also in the response header and the log line.',
};

const ENVELOPE: SchemaObject = {
  type: 'object',
  description: 'The error envelope.',
  required: ['code', 'reason', 'message', 'requestId', 'timestamp', 'path'],
  properties: {
    code: CODE,
    reason: REASON,
    message: { type: 'string', description: "Localized, in the caller's language, placeholders filled." },
    details: DETAILS,
    errors: ERRORS,
    requestId: REQUEST_ID,
    timestamp: { type: 'string', format: 'date-time', description: 'ISO 8601, UTC.' },
    path: { type: 'string', description: 'The request path, without the query string.' },
  },
};

const PROBLEM: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details, with the error envelope facts as extension members.',
  required: ['type', 'title', 'status', 'detail', 'instance', 'code', 'reason', 'requestId'],
  properties: {
    type: { type: 'string', format: 'uri-reference', description: 'The problem type.' },
    title: { type: 'string', description: 'The HTTP status text.' },
    status: { type: 'integer', description: 'The HTTP status.' },
    detail: { type: 'string', description: "Localized, in the caller's language, placeholders filled." },
    instance: { type: 'string', description: 'The request path, without the query string.' },
    code: CODE,
    reason: REASON,
    details: DETAILS,
    errors: ERRORS,
    requestId: REQUEST_ID,
  },
};

/** The three components, by name. */
export function errorComponents(): Record<string, SchemaObject> {
  return structuredClone({
    [ERROR_SCHEMA_NAMES.envelope]: ENVELOPE,
    [ERROR_SCHEMA_NAMES.fieldError]: FIELD_ERROR,
    [ERROR_SCHEMA_NAMES.problem]: PROBLEM,
  });
}

/** What one status of one route answers: its reasons and codes, and the problem types when known. */
export interface StatusFacts {
  readonly problem: boolean;
  readonly reasons: readonly string[];
  readonly codes: readonly number[];
  /** Problem `type` URIs, when the module has a `problemTypeBaseUri`. */
  readonly types: readonly string[] | undefined;
}

/** The body schema of one status: the component, narrowed to the reasons and codes it can carry. */
export function statusSchema(facts: StatusFacts): SchemaObject {
  const properties: Record<string, SchemaObject> = {
    code: { type: 'integer', enum: [...new Set(facts.codes)] },
    reason: { type: 'string', enum: [...facts.reasons] },
  };
  if (facts.types) properties.type = { type: 'string', enum: [...new Set(facts.types)] };
  return {
    allOf: [
      ref(facts.problem ? ERROR_SCHEMA_NAMES.problem : ERROR_SCHEMA_NAMES.envelope),
      { type: 'object', properties },
    ],
  };
}
