/**
 * Checks of module and client options, run once at startup so that no bad
 * option surfaces later as a failed request: rules (the leaves are in
 * `option-values.ts`) composed into one table per options type, and the
 * messages that name the option by its full path. Pure: no Nest, no network.
 */
import { closest } from './closest-word.js';

/** One option's rule: what it allows, and the check that throws when a value is not that. */
export interface Rule {
  /** What is allowed, as the message says it: `an integer >= 0`. */
  readonly allowed: string;
  /** An object field that must be present. */
  readonly required?: boolean;
  check(value: unknown, path: string): void;
}

/** A rule for every field of an options type, so that a new option cannot go unchecked. */
export type Shape<T> = { readonly [K in keyof Required<T>]: Rule };

/** A bad option, found at `path`; {@link checkOptions} adds whose options they are. */
class OptionProblem extends Error {
  constructor(
    readonly path: string,
    message: string,
    /** The value as the message shows it, when the value itself is the problem. */
    readonly got?: string,
  ) {
    super(message);
  }
}

/** Throws `<owner>: <the problem>` for the first bad option in `value`. */
export function checkOptions(owner: string, value: unknown, rules: Rule): void {
  const problem = firstProblem(value, rules);
  if (problem) throw new Error(`${owner}: ${problem}`);
}

function firstProblem(value: unknown, rules: Rule): string | undefined {
  try {
    rules.check(value, '');
    return undefined;
  } catch (error) {
    if (error instanceof OptionProblem) return error.message;
    throw error;
  }
}

/** Throws for the option at `path`; `got` replaces the shown value (for secrets and hints). */
export function fail(path: string, allowed: string, value: unknown, got: string = show(value)): never {
  const subject = path ? `option '${path}'` : 'the options';
  throw new OptionProblem(path, `${subject} must be ${allowed}, got ${got}`, got);
}

/** A leaf rule from a test. `secret`: the message shows the value's type, never the value. */
export function rule(allowed: string, test: (value: unknown) => boolean, secret = false): Rule {
  return {
    allowed,
    check: (value, path) => {
      if (!test(value)) fail(path, allowed, value, secret ? kind(value) : undefined);
    },
  };
}

/**
 * The first rule that takes the value. A problem deeper inside the value
 * wins over "none of these", and a hint (did you mean) is kept.
 */
export function either(...rules: readonly Rule[]): Rule {
  const allowed = rules.map((r) => r.allowed).join(' or ');
  return {
    allowed,
    check: (value, path) => {
      let deeper: OptionProblem | undefined;
      let hint: string | undefined;
      for (const candidate of rules) {
        try {
          candidate.check(value, path);
          return;
        } catch (error) {
          if (!(error instanceof OptionProblem)) throw error;
          if (error.path !== path) deeper ??= error;
          else if (error.got !== show(value)) hint ??= error.got;
        }
      }
      if (deeper) throw deeper;
      fail(path, allowed, value, hint);
    },
  };
}

/** `rule`, or `false` to turn the feature off. */
export function orFalse(inner: Rule): Rule {
  return either(
    inner,
    rule('false', (value) => value === false),
  );
}

/** The same rule, said differently in messages. */
export function described(inner: Rule, allowed: string): Rule {
  return {
    ...inner,
    allowed,
    check: (value, path) => {
      try {
        inner.check(value, path);
      } catch (error) {
        if (error instanceof OptionProblem && error.path === path) fail(path, allowed, value, error.got);
        throw error;
      }
    },
  };
}

/** A field that must be present. */
export function required(inner: Rule): Rule {
  return { ...inner, required: true };
}

/** An array of values of one rule; `unique` tells duplicates by a key. */
export function arrayOf(
  item: Rule,
  { nonEmpty = false, unique }: { nonEmpty?: boolean; unique?: (value: unknown) => unknown } = {},
): Rule {
  const allowed = `${nonEmpty ? 'a non-empty' : 'an'} array`;
  return {
    allowed,
    check: (value, path) => {
      if (!Array.isArray(value) || (nonEmpty && value.length === 0)) fail(path, allowed, value);
      const seen = new Set<unknown>();
      value.forEach((entry, index) => {
        item.check(entry, `${path}[${index}]`);
        if (!unique) return;
        const key = unique(entry);
        if (seen.has(key)) fail(`${path}[${index}]`, 'a value not listed before', entry);
        seen.add(key);
      });
    },
  };
}

/** An object of free keys (checked by `key`) whose values follow `item`. */
export function recordOf(item: Rule, key?: Rule): Rule {
  return {
    allowed: 'an object',
    check: (value, path) => {
      if (!isObject(value)) fail(path, 'an object', value);
      for (const [name, entry] of Object.entries(value)) {
        key?.check(name, join(path, name));
        item.check(entry, join(path, name));
      }
    },
  };
}

export interface ShapeOptions {
  /**
   * `'reject'` (our own options): an unknown key throws. `'typos'` (another
   * project's options, which may grow): only a near miss of a known key throws.
   */
  readonly unknownKeys?: 'reject' | 'typos';
  /** Keys that belong elsewhere, with the key path meant (`timeout`: `attemptTimeoutMs`). */
  readonly meant?: Readonly<Record<string, string>>;
  /** Keys that belong elsewhere, with a sentence saying where. */
  readonly notes?: Readonly<Record<string, string>>;
}

/** An options object: each known field by its rule, unknown keys by `unknownKeys`. */
export function shape(fields: Readonly<Record<string, Rule>>, options: ShapeOptions = {}): Rule {
  const { unknownKeys = 'reject', meant = {}, notes = {} } = options;
  const known = Object.keys(fields);
  return {
    allowed: 'an object',
    check: (value, path) => {
      if (!isObject(value)) fail(path, 'an object', value);
      for (const name of Object.keys(value)) {
        if (Object.hasOwn(fields, name)) continue;
        const at = join(path, name);
        const note = Object.hasOwn(notes, name) ? notes[name] : undefined;
        if (note) throw new OptionProblem(at, `option '${at}' is not an option here: ${note}`);
        const near = Object.hasOwn(meant, name)
          ? meant[name]
          : closest(name, [...known, ...Object.keys(notes)]);
        // known keys and the paths meant are plain names: no quoting
        const target = path ? `${path}.${near}` : near;
        if (near) throw new OptionProblem(at, `unknown option '${at}'; did you mean '${target}'?`);
        if (unknownKeys === 'reject') {
          throw new OptionProblem(at, `unknown option '${at}'; the options here are ${known.join(', ')}`);
        }
      }
      for (const [name, field] of Object.entries(fields)) {
        const entry = (value as Record<string, unknown>)[name];
        if (entry === undefined) {
          if (field.required) fail(join(path, name), field.allowed, entry);
          continue;
        }
        field.check(entry, join(path, name));
      }
    },
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

const MAX_SHOWN = 40;

/** A value as a message shows it: short, one line. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    const text = JSON.stringify(value.length > MAX_SHOWN ? value.slice(0, MAX_SHOWN) : value).slice(1, -1);
    return `'${text.replace(/\\"/g, '"').replace(/'/g, "\\'")}${value.length > MAX_SHOWN ? '…' : ''}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return kind(value);
}

/** What a value is, without what it holds. */
function kind(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
