/**
 * What makes an HTTP answer an error envelope (or RFC 9457 problem details)
 * as `ErrorsModule` sends it, and what an expectation asks of it. Pure: each
 * check returns what differed, one line each; the matchers only word them.
 */
import type {
  AnswerExpectation,
  EnvelopeExpectation,
  FieldErrorExpectation,
  ProblemExpectation,
} from './envelope.expectations.js';
import type { HttpAnswer } from './http-answer.js';
import { matches, show } from './expected-values.js';

type MemberRule = (value: unknown) => string | undefined;

/** One answer format: its media type, members and the expectation keys compared member for member. */
export interface AnswerFormat {
  readonly name: string;
  readonly mediaType: string;
  readonly required: Readonly<Record<string, MemberRule>>;
  readonly optional: Readonly<Record<string, MemberRule>>;
  readonly compared: readonly string[];
}

const REASON = /^[A-Z][A-Z0-9_]*$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

const rule =
  (what: string, test: (value: unknown) => boolean): MemberRule =>
  (value) =>
    test(value) ? undefined : `expected ${what}, received ${show(value)}`;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string';

const integer = rule('an integer', Number.isInteger);
const reason = rule('an upper-case name', (value) => isText(value) && REASON.test(value));
const text = rule('a string', isText);
const token = rule('a non-empty string', (value) => isText(value) && value !== '');
const path = rule('a path without query', (value) => isText(value) && /^\/[^?#]*$/.test(value));
const object = rule('an object', isObject);
const timestamp = rule(
  'an ISO 8601 UTC time',
  (value) => isText(value) && ISO_UTC.test(value) && !Number.isNaN(Date.parse(value)),
);
const fieldErrors = rule(
  'a non-empty list of { field, pointer, constraint, message }',
  (value) =>
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (error) =>
        isObject(error) && ['field', 'pointer', 'constraint', 'message'].every((key) => isText(error[key])),
    ),
);

/** The default envelope. */
export const ENVELOPE_FORMAT: AnswerFormat = {
  name: 'error envelope',
  mediaType: 'application/json',
  required: { code: integer, reason, message: text, requestId: token, timestamp, path },
  optional: { details: object, errors: fieldErrors },
  compared: ['message', 'path'],
};

/** RFC 9457 problem details with the module's extension members. */
export const PROBLEM_FORMAT: AnswerFormat = {
  name: 'problem details answer',
  mediaType: 'application/problem+json',
  required: {
    type: token,
    title: text,
    status: integer,
    detail: text,
    instance: path,
    code: integer,
    reason,
    requestId: token,
  },
  optional: { details: object, errors: fieldErrors },
  compared: ['type', 'title', 'detail', 'instance'],
};

/** What differs between `answer` and an answer of `format` that meets `expected`; empty when nothing does. */
export function checkAnswer(
  answer: HttpAnswer,
  format: AnswerFormat,
  expected: EnvelopeExpectation | ProblemExpectation,
): string[] {
  const problems: string[] = [];
  const differ = (what: string, wanted: unknown, received: unknown) => {
    if (!matches(received, wanted))
      problems.push(`${what}: expected ${show(wanted)}, received ${show(received)}`);
  };
  const status = expected.status ?? expected.entry?.status;
  if (status !== undefined) differ('status', status, answer.status);
  else if (answer.status < 400 || answer.status > 599) {
    problems.push(`status: expected an error status (4xx or 5xx), received ${answer.status}`);
  }
  const contentType = answer.headers['content-type'];
  const [mediaType = '', ...parameters] = (contentType ?? '')
    .split(';')
    .map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith('charset='));
  if (mediaType !== format.mediaType || (charset !== undefined && charset !== 'charset=utf-8')) {
    problems.push(`content-type: expected ${format.mediaType}; charset=utf-8, received ${show(contentType)}`);
  }
  const body = answer.body;
  if (!isObject(body)) {
    const excerpt = answer.text === undefined ? show(body) : show(answer.text);
    problems.push(`body: expected a JSON object, received ${excerpt}`);
    return problems;
  }
  problems.push(...checkMembers(body, format));
  problems.push(...checkHeaders(answer, body, expected));
  if (format === PROBLEM_FORMAT && body['status'] !== answer.status) {
    problems.push(
      `status member: expected the HTTP status ${answer.status}, received ${show(body['status'])}`,
    );
  }
  const code = expected.code ?? expected.entry?.code;
  if (code !== undefined) differ('code', code, body['code']);
  const reasonName = expected.reason ?? expected.entry?.reason;
  if (reasonName !== undefined) differ('reason', reasonName, body['reason']);
  const members = expected as Readonly<Record<string, unknown>>;
  for (const key of [...format.compared, 'requestId']) {
    if (members[key] !== undefined) differ(key, members[key], body[key]);
  }
  if ('details' in expected) {
    if (expected.details === undefined) {
      if (body['details'] !== undefined)
        problems.push(`details: expected none, received ${show(body['details'])}`);
    } else differ('details', expected.details, body['details']);
  }
  if ('errors' in expected) problems.push(...checkFieldErrors(body['errors'], expected.errors ?? []));
  return problems;
}

function checkMembers(body: Record<string, unknown>, format: AnswerFormat): string[] {
  const problems: string[] = [];
  for (const [name, check] of Object.entries(format.required)) {
    if (!(name in body)) problems.push(`${name}: missing`);
    else addProblem(problems, name, check(body[name]));
  }
  for (const [name, value] of Object.entries(body)) {
    if (name in format.required) continue;
    const check = format.optional[name];
    if (check) addProblem(problems, name, check(value));
    else problems.push(`${name}: not a member of the ${format.name}`);
  }
  return problems;
}

function checkHeaders(
  answer: HttpAnswer,
  body: Record<string, unknown>,
  expected: AnswerExpectation,
): string[] {
  const problems: string[] = [];
  const header = expected.requestIdHeader ?? 'X-Request-Id';
  if (header !== false) {
    const echoed = answer.headers[header.toLowerCase()];
    if (echoed === undefined) problems.push(`${header} header: missing`);
    else if (typeof body['requestId'] === 'string' && echoed !== body['requestId']) {
      problems.push(
        `${header} header: ${show(echoed)} is not the body's requestId ${show(body['requestId'])}`,
      );
    }
  }
  const cacheControl = answer.headers['cache-control'];
  if (!cacheControl?.split(',').some((directive) => directive.trim().toLowerCase() === 'no-store')) {
    problems.push(`cache-control: expected no-store, received ${show(cacheControl)}`);
  }
  const language = answer.headers['content-language'];
  if (expected.locale !== undefined) {
    if (language !== expected.locale)
      problems.push(`content-language: expected ${show(expected.locale)}, received ${show(language)}`);
  } else if (!language) problems.push('content-language: missing');
  return problems;
}

function checkFieldErrors(received: unknown, expected: readonly FieldErrorExpectation[]): string[] {
  if (expected.length === 0)
    return received === undefined ? [] : [`errors: expected none, received ${show(received)}`];
  if (!Array.isArray(received)) return [`errors: expected field errors, received ${show(received)}`];
  const errors = received.filter(isObject);
  const problems: string[] = [];
  for (const wanted of expected) {
    const name =
      wanted.constraint === undefined
        ? `field ${show(wanted.field)}`
        : `field ${show(wanted.field)} (${wanted.constraint})`;
    const candidates = errors.filter(
      (error) =>
        error['field'] === wanted.field &&
        (wanted.constraint === undefined || error['constraint'] === wanted.constraint),
    );
    if (candidates.length === 0) {
      const fields = errors.map((error) => `${String(error['field'])} (${String(error['constraint'])})`);
      problems.push(`errors: no error for ${name}; received ${fields.join(', ') || 'none'}`);
      continue;
    }
    for (const key of ['pointer', 'message'] as const) {
      if (wanted[key] === undefined || candidates.some((error) => matches(error[key], wanted[key]))) continue;
      const seen = candidates.map((error) => show(error[key])).join(' or ');
      problems.push(`errors, ${name}: ${key} expected ${show(wanted[key])}, received ${seen}`);
    }
  }
  const fields = new Set(expected.map((wanted) => wanted.field));
  for (const error of errors.filter((each) => !fields.has(String(each['field'])))) {
    problems.push(`errors: unexpected field ${show(error['field'])} (${String(error['constraint'])})`);
  }
  return problems;
}

function addProblem(problems: string[], name: string, problem: string | undefined): void {
  if (problem !== undefined) problems.push(`${name}: ${problem}`);
}
