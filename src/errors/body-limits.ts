/**
 * The shape a request body may have before any transformer or validator
 * touches it: one pass over the parsed value, which goes no deeper than
 * `maxBodyDepth` and counts no more than `maxBodyNodes` values, so neither a
 * deep nor a wide body can overflow the stack or stall the event loop later
 * (unless the bound on depth is in the thousands: see {@link checkBody}).
 * Pure: no Nest, no class-validator.
 */
import { DomainException } from '../core/domain.exception.js';
import { BuiltInErrors } from '../core/error-catalog.js';
import type { BodyLimits } from './errors.options.js';
import { ValidationFailedException } from './validation-failed.exception.js';

/** The first bound a body passes, and where. */
export interface BodyViolation {
  /** Which bound: `maxBodyDepth`, `maxArrayLength` or `maxBodyNodes`. */
  readonly limit: keyof BodyLimits;
  /** The bound's value. */
  readonly max: number;
  /** Property names and indexes from the root to the offending value (empty for `maxBodyNodes`). */
  readonly path: readonly (string | number)[];
}

/** A bound passed, found during the walk: its path is collected from the value up to the root. */
interface Found {
  readonly limit: keyof BodyLimits;
  readonly max: number;
  readonly path: (string | number)[];
}

/**
 * Checks `body` against `limits`; undefined when it is within all of them.
 * A walk in the order of the values (depth first, each container's values
 * counted before any of them is entered), recursive so that a body within
 * the bounds costs no more than each object's list of keys: the recursion is
 * as deep as the body, and no deeper than `maxBodyDepth`. A body nested
 * deeper than the call stack allows (only with `maxBodyDepth` in the
 * thousands) throws the `RangeError` the transformer would throw on it.
 */
export function checkBody(body: unknown, limits: BodyLimits): BodyViolation | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const result = visit(body, 1, 1, limits);
  if (typeof result === 'number') return undefined;
  return { limit: result.limit, max: result.max, path: result.path.toReversed() };
}

/** Walks `value` at `depth` with `nodes` counted so far: the count after it, or what it passed. */
function visit(value: object, depth: number, nodes: number, limits: BodyLimits): number | Found {
  if (depth > limits.maxBodyDepth) return { limit: 'maxBodyDepth', max: limits.maxBodyDepth, path: [] };
  if (Array.isArray(value)) {
    if (value.length > limits.maxArrayLength) {
      return { limit: 'maxArrayLength', max: limits.maxArrayLength, path: [] };
    }
    nodes += value.length;
    if (nodes > limits.maxBodyNodes) return tooManyNodes(limits);
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (item !== null && typeof item === 'object') {
        const result = visit(item, depth + 1, nodes, limits);
        if (typeof result !== 'number') return within(result, index);
        nodes = result;
      }
    }
    return nodes;
  }
  const keys = Object.keys(value);
  nodes += keys.length;
  if (nodes > limits.maxBodyNodes) return tooManyNodes(limits);
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    const item: unknown = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object') {
      const result = visit(item, depth + 1, nodes, limits);
      if (typeof result !== 'number') return within(result, key);
      nodes = result;
    }
  }
  return nodes;
}

function tooManyNodes(limits: BodyLimits): Found {
  return { limit: 'maxBodyNodes', max: limits.maxBodyNodes, path: [] };
}

/** `found` inside the value at `key` of its container: the node bound has no path. */
function within(found: Found, key: string | number): Found {
  if (found.limit !== 'maxBodyNodes') found.path.push(key);
  return found;
}

/**
 * The answer to a body past a bound: `maxBodyDepth` and `maxArrayLength`
 * are field errors of `VALIDATION_FAILED` at the offending value (constraints
 * `maxDepth`, `arrayMaxSize`); `maxBodyNodes` is 413 `PAYLOAD_TOO_LARGE`.
 */
export function bodyLimitException(violation: BodyViolation, validationStatus: number): DomainException {
  if (violation.limit === 'maxBodyNodes') {
    return new DomainException(BuiltInErrors.PAYLOAD_TOO_LARGE, { details: { maxBodyNodes: violation.max } });
  }
  const depth = violation.limit === 'maxBodyDepth';
  const issue = {
    path: violation.path,
    constraint: depth ? 'maxDepth' : 'arrayMaxSize',
    args: [violation.max],
    text: depth
      ? `must not nest deeper than ${violation.max} levels`
      : `must contain no more than ${violation.max} elements`,
    custom: false,
  };
  return new ValidationFailedException([issue], 1, validationStatus);
}

/** A value the transformer or validator could not walk (a `RangeError`, e.g. the call stack ran out). */
export function tooComplexException(cause: RangeError, validationStatus: number): ValidationFailedException {
  const issue = {
    path: [],
    constraint: 'tooComplex',
    args: [],
    text: 'is too complex to validate',
    custom: false,
  };
  return new ValidationFailedException([issue], 1, validationStatus, { cause });
}
