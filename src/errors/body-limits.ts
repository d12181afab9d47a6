/**
 * The shape a request body may have before any transformer or validator
 * touches it: one iterative pass over the parsed value, so neither a deep
 * nor a wide body can overflow the stack or stall the event loop later.
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

interface Frame {
  readonly value: object;
  readonly depth: number;
  readonly parent: Frame | undefined;
  readonly key: string | number | undefined;
}

/** Checks `body` against `limits`; undefined when it is within all of them. */
export function checkBody(body: unknown, limits: BodyLimits): BodyViolation | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const { maxBodyDepth, maxArrayLength, maxBodyNodes } = limits;
  let nodes = 1;
  const pending: Frame[] = [{ value: body, depth: 1, parent: undefined, key: undefined }];
  while (pending.length > 0) {
    const frame = pending.pop()!;
    if (frame.depth > maxBodyDepth) return { limit: 'maxBodyDepth', max: maxBodyDepth, path: pathOf(frame) };
    const { value } = frame;
    if (Array.isArray(value)) {
      if (value.length > maxArrayLength) {
        return { limit: 'maxArrayLength', max: maxArrayLength, path: pathOf(frame) };
      }
      nodes += value.length;
      if (nodes > maxBodyNodes) return { limit: 'maxBodyNodes', max: maxBodyNodes, path: [] };
      for (let index = value.length - 1; index >= 0; index--) {
        const item: unknown = value[index];
        if (item !== null && typeof item === 'object') {
          pending.push({ value: item, depth: frame.depth + 1, parent: frame, key: index });
        }
      }
      continue;
    }
    const keys = Object.keys(value);
    nodes += keys.length;
    if (nodes > maxBodyNodes) return { limit: 'maxBodyNodes', max: maxBodyNodes, path: [] };
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index]!;
      const item: unknown = (value as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') {
        pending.push({ value: item, depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
  return undefined;
}

function pathOf(frame: Frame): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.toReversed();
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
