/**
 * Validation errors -> field errors: pure functions, no Nest and no
 * class-validator at run time. Paths are walked iteratively, so a deeply
 * nested payload cannot overflow the stack.
 */
import type { ValidationError } from '@nestjs/common';
import { CONSTRAINT_MESSAGES } from '../core/i18n/messages.js';
import { formatMessage, type MessageParams, pickMessage } from '../core/i18n/locale.js';

/** One failed constraint of one field, before localization. */
export interface FieldIssue {
  /** Property names and array indexes from the root of the payload. */
  readonly path: readonly (string | number)[];
  /** class-validator constraint name (`minLength`, `whitelistValidation`, ...). */
  readonly constraint: string;
  /** The decorator's arguments (`@Length(3, 20)` -> `[3, 20]`), for `{0}`, `{1}`. */
  readonly args: readonly unknown[];
  /** The validator's own text, used when the DTO set `message` or no table has the constraint. */
  readonly text: string;
  /** True when the DTO set its own `message`: it wins over the tables. */
  readonly custom: boolean;
}

/** A field error as sent in the envelope's `errors`. */
export interface FieldError {
  /** Display path: dots for objects, `[i]` for arrays (`items[0].qty`). */
  readonly field: string;
  /** RFC 6901 JSON Pointer of the field (`/items/0/qty`). */
  readonly pointer: string;
  readonly constraint: string;
  /** Localized message; never holds the rejected value. */
  readonly message: string;
}

/** What a constraint was declared with, found in the validator's metadata. */
export interface ConstraintInfo {
  readonly args: readonly unknown[];
  readonly custom: boolean;
}

/**
 * Finds the declaration of one failed constraint of `error`. `owner` is the
 * object the failed property was read from, when the validated object was
 * given to {@link collectFieldIssues}.
 */
export type ConstraintLookup = (
  error: ValidationError,
  constraint: string,
  owner: object | undefined,
) => ConstraintInfo | undefined;

const MAX_KEY_LENGTH = 100;
const NO_ARGS: readonly unknown[] = Object.freeze([]);
const ARG_PLACEHOLDER = /\{\d+\}/;

/**
 * Flattens class-validator errors into field issues, depth first, in the
 * order they were found. Keeps at most `limit`; `total` counts them all.
 *
 * `root` is the object that was validated: the errors are walked along it,
 * so each error's owner (an array item or an object's key, and the DTO class
 * that declared it) is known without the errors carrying their `target`.
 * Without it, an error's own `target` decides, then the property's shape.
 */
export function collectFieldIssues(
  errors: readonly ValidationError[],
  limit: number,
  lookup: ConstraintLookup = () => undefined,
  root?: object,
): { issues: FieldIssue[]; total: number } {
  const issues: FieldIssue[] = [];
  let total = 0;
  type Entry = { error: ValidationError; parent: readonly (string | number)[]; owner: object | undefined };
  const stack: Entry[] = [];
  for (let i = errors.length - 1; i >= 0; i--)
    stack.push({ error: errors[i]!, parent: NO_ARGS as [], owner: root });
  while (stack.length > 0) {
    const { error, parent, owner } = stack.pop()!;
    const path = [...parent, segment(error, owner)];
    const constraints = error.constraints;
    if (constraints) {
      for (const constraint of Object.keys(constraints)) {
        total++;
        if (issues.length >= limit) continue;
        const info = lookup(error, constraint, owner);
        issues.push({
          path,
          constraint,
          args: info?.args ?? NO_ARGS,
          text: String(constraints[constraint]),
          custom: info?.custom ?? false,
        });
      }
    }
    const children = error.children;
    if (children && children.length > 0) {
      const value = owner === undefined ? undefined : propertyOf(owner, error.property);
      for (let i = children.length - 1; i >= 0; i--)
        stack.push({ error: children[i]!, parent: path, owner: value });
    }
  }
  return { issues, total };
}

/** How many failed constraints `errors` hold, at any depth. */
export function countFieldIssues(errors: readonly ValidationError[]): number {
  let total = 0;
  const stack = [...errors];
  while (stack.length > 0) {
    const error = stack.pop()!;
    if (error.constraints) total += Object.keys(error.constraints).length;
    if (error.children) for (const child of error.children) stack.push(child);
  }
  return total;
}

function segment(error: ValidationError, owner: object | undefined): string | number {
  const property = String(error.property).slice(0, MAX_KEY_LENGTH);
  const container = owner ?? error.target;
  const isIndex = container === undefined ? /^(0|[1-9]\d{0,8})$/.test(property) : Array.isArray(container);
  return isIndex && /^\d+$/.test(property) ? Number(property) : property;
}

/**
 * The object class-validator validated under `property` of `owner`: an
 * array's item, a Map's entry, an object's property. A Set comes back as an
 * array of its items, which class-validator numbers as it numbers an array's.
 */
function propertyOf(owner: object, property: string): object | undefined {
  let value: unknown;
  try {
    value = owner instanceof Map ? owner.get(property) : (owner as Record<string, unknown>)[property];
  } catch {
    return undefined;
  }
  if (value instanceof Set) return [...value];
  return typeof value === 'object' && value !== null ? value : undefined;
}

/** `items[0].qty` */
export function displayPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

/** RFC 6901 pointer: `/items/0/qty`, `~` and `/` escaped as `~0`, `~1`. */
export function jsonPointer(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `/${part}`;
    // most keys have neither: the two replacements cost every error answer more than the rest of its path
    else if (!part.includes('~') && !part.includes('/')) out += `/${part}`;
    else out += '/' + part.replaceAll('~', '~0').replaceAll('/', '~1');
  }
  return out;
}

/** Limits on the field error list of one response. */
export interface FieldErrorLimits {
  /** At most this many field errors. */
  readonly maxErrors: number;
  /** At most about this many bytes of field error text. */
  readonly maxBytes: number;
}

/**
 * Localizes field issues into envelope field errors, within `limits`.
 * Returns the errors kept and how many were left out.
 */
export function renderFieldErrors(
  issues: readonly FieldIssue[],
  locale: string,
  fallbackLocale: string,
  limits: FieldErrorLimits,
  tables: Readonly<Record<string, Readonly<Record<string, string>>>> = CONSTRAINT_MESSAGES,
): { errors: FieldError[]; omitted: number } {
  const errors: FieldError[] = [];
  // bytes as sent are counted exactly only once a bound on them could reach maxBytes
  let bound = 0;
  let bytes: number | undefined;
  for (const issue of issues) {
    if (errors.length >= limits.maxErrors) break;
    const error: FieldError = {
      field: displayPath(issue.path),
      pointer: jsonPointer(issue.path),
      constraint: issue.constraint,
      message: issueMessage(issue, locale, fallbackLocale, tables),
    };
    if (bytes === undefined) {
      const most = mostBytes(error);
      if (bound + most <= limits.maxBytes) {
        bound += most;
        errors.push(error);
        continue;
      }
      bytes = errors.reduce((sum, each) => sum + sentBytes(each), 0);
    }
    const size = sentBytes(error);
    if (bytes + size > limits.maxBytes) break;
    bytes += size;
    errors.push(error);
  }
  return { errors, omitted: issues.length - errors.length };
}

/** As sent: the JSON text and the comma after it. */
function sentBytes(error: FieldError): number {
  return Buffer.byteLength(JSON.stringify(error)) + 1;
}

/** At least {@link sentBytes}: the members' names and marks, and 6 bytes a code unit (`\u001f`; UTF-8 takes at most 3). */
function mostBytes(error: FieldError): number {
  const units = error.field.length + error.pointer.length + error.constraint.length + error.message.length;
  return EMPTY_ERROR_BYTES + 6 * units;
}

const EMPTY_ERROR_BYTES = sentBytes({ field: '', pointer: '', constraint: '', message: '' });

function issueMessage(
  issue: FieldIssue,
  locale: string,
  fallbackLocale: string,
  tables: Readonly<Record<string, Readonly<Record<string, string>>>>,
): string {
  const table = issue.custom ? undefined : tables[issue.constraint];
  if (!table) return issue.text;
  const template = pickMessage(table, locale, fallbackLocale) ?? issue.text;
  // an array is read by index as `{0}`, `{1}`: no copy into an object
  if (issue.args.length > 0) return formatMessage(template, issue.args as unknown as MessageParams);
  // arguments unknown (no declaration found): a template that needs them cannot be filled
  return ARG_PLACEHOLDER.test(template) ? issue.text : template;
}
