/**
 * Thrown value -> catalog entry, status and client-safe facts. Pure: no Nest
 * instances are needed beyond `HttpException`'s shape, nothing is written.
 */
import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { type DomainException, isDomainException } from '../core/domain.exception.js';
import { BuiltInErrors, type ErrorCatalog, type ErrorEntry } from '../core/error-catalog.js';
import type { MessageParams } from '../core/i18n/locale.js';
import type { FieldIssue } from './field-errors.js';
import { isValidationFailedException } from './validation-failed.exception.js';

/** What the renderer needs to know about one failure. */
export interface MappedError {
  readonly entry: ErrorEntry;
  /** HTTP status to answer with (before the legacy 200 mode). */
  readonly status: number;
  readonly params: MessageParams | undefined;
  /** Client-visible details, already safe. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Field issues of a validation failure, and how many there were in all. */
  readonly issues: readonly FieldIssue[] | undefined;
  readonly issueCount: number;
}

const MAX_DETAIL_LENGTH = 500;
const MAX_DETAIL_MESSAGES = 20;
const ROUTE_NOT_FOUND = /^Cannot [A-Z]+ (\/\S*)$/;
/** `ThrottlerException: Too Many Requests`: a class name before the status text is still the default text. */
const NAMED_STATUS_TEXT = /^[A-Za-z]*(?:Exception|Error): /;

/** The mapping of anything that is not a client's fault: 500 INTERNAL_ERROR, nothing else told. */
export const INTERNAL_ERROR_MAPPING: MappedError = Object.freeze({
  entry: BuiltInErrors.INTERNAL_ERROR,
  status: 500,
  params: undefined,
  details: undefined,
  issues: undefined,
  issueCount: 0,
});

/**
 * Maps anything thrown while serving a request. Never throws: an exception
 * whose own getters or methods throw while being read is a 500.
 */
export function mapException(exception: unknown, catalog: ErrorCatalog): MappedError {
  try {
    return mapThrown(exception, catalog);
  } catch {
    return INTERNAL_ERROR_MAPPING;
  }
}

function mapThrown(exception: unknown, catalog: ErrorCatalog): MappedError {
  if (isDomainException(exception)) return mapDomain(exception, catalog);
  if (exception instanceof HttpException) return mapHttp(exception, catalog);
  const status = transportStatus(exception);
  if (status !== undefined && status < 500) return plain(catalog.forStatus(status), status);
  return INTERNAL_ERROR_MAPPING;
}

function mapDomain(exception: DomainException, catalog: ErrorCatalog): MappedError {
  const entry = exception.entry ?? catalog.get(exception.key);
  if (!entry) return INTERNAL_ERROR_MAPPING;
  const validation = isValidationFailedException(exception) ? exception : undefined;
  return {
    entry,
    status: validation?.status ?? entry.status,
    params: exception.params,
    details: exception.details,
    issues: validation?.issues,
    issueCount: validation?.issueCount ?? 0,
  };
}

function mapHttp(exception: HttpException, catalog: ErrorCatalog): MappedError {
  const status = exception.getStatus();
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    return INTERNAL_ERROR_MAPPING;
  }
  const cause = exception.cause;
  if (status === 400 && isJsonParseError(cause)) return plain(BuiltInErrors.MALFORMED_JSON, 400);
  // Express' router does not decode an unmatched path: a malformed one is the client's bad request, as on Fastify
  if (status === 404 && isMalformedRoute(exception.getResponse())) return plain(catalog.forStatus(400), 400);
  const entry = catalog.forStatus(status);
  // 5xx texts and texts written by body parsers or the framework stay in the log
  if (status >= 500 || isTransportError(cause)) {
    return plain(entry, status);
  }
  return { ...plain(entry, status), details: httpDetails(exception.getResponse(), status) };
}

function plain(entry: ErrorEntry, status: number): MappedError {
  return { entry, status, params: undefined, details: undefined, issues: undefined, issueCount: 0 };
}

/**
 * The app's own message of a 4xx HttpException (`new NotFoundException('No
 * such order')`) goes to `details.message`; the default status text does not.
 */
function httpDetails(response: string | object, status: number): Record<string, unknown> | undefined {
  const body =
    typeof response === 'string' ? undefined : (response as { message?: unknown; error?: unknown });
  const message = body ? body.message : response;
  if (typeof message === 'string') {
    // Nest's body of an exception made without a message is just { message, statusCode };
    // the router's own "Cannot GET /path?query" would echo the URL
    const statusText = STATUS_CODES[status]?.toLowerCase();
    const isDefault =
      !message ||
      (body !== undefined && Object.keys(body).length === 2 && 'statusCode' in body) ||
      message.toLowerCase() === statusText ||
      message.replace(NAMED_STATUS_TEXT, '').toLowerCase() === statusText ||
      ROUTE_NOT_FOUND.test(message);
    return isDefault ? undefined : { message: clip(message) };
  }
  if (Array.isArray(message)) {
    const messages = message.filter((m): m is string => typeof m === 'string');
    return messages.length > 0 ? { messages: messages.slice(0, MAX_DETAIL_MESSAGES).map(clip) } : undefined;
  }
  return undefined;
}

/** The router's 404 for a path whose percent-encoding cannot be decoded (`Cannot GET /%E0%A4%A`). */
function isMalformedRoute(response: string | object): boolean {
  const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  if (typeof message !== 'string') return false;
  const path = ROUTE_NOT_FOUND.exec(message)?.[1];
  if (path === undefined || !path.includes('%')) return false;
  const end = path.search(/[?#]/);
  try {
    decodeURIComponent(end === -1 ? path : path.slice(0, end));
    return false;
  } catch {
    return true;
  }
}

function clip(text: string): string {
  return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH)}…` : text;
}

/** The 4xx/5xx status carried by a framework, body-parser or http-errors error. */
function transportStatus(value: unknown): number | undefined {
  // not `status`: an outbound client's error (axios) carries the upstream's status there
  if (!value || typeof value !== 'object' || (value as { isAxiosError?: unknown }).isAxiosError === true) {
    return undefined;
  }
  const status = (value as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : undefined;
}

/** An error a body parser, the router or the framework raised (its text may hold internals). */
function isTransportError(cause: unknown): boolean {
  return cause instanceof SyntaxError || cause instanceof URIError || transportStatus(cause) !== undefined;
}

/** body-parser's SyntaxError (Express), Fastify's JSON body errors. */
function isJsonParseError(cause: unknown): boolean {
  if (cause instanceof SyntaxError) return true;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
}
