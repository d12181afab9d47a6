/**
 * The catalog as data for the callers of an API: every reason, code, status
 * and message, in a stable order, ready to be written as JSON or as a
 * TypeScript module (`catalog-module.ts`). Pure: no files, no Nest.
 */
import { ErrorCatalog, type ErrorDefinition, type ErrorEntries, type ErrorEntry } from './error-catalog.js';
import { placeholdersOf } from './placeholders.js';

/** One `defineErrors` result, or one entry. */
export type CatalogGroup = ErrorEntry | ErrorEntries<Record<string, ErrorDefinition>>;

/** Options of {@link exportCatalog}. */
export interface CatalogExportOptions {
  /**
   * Include the library's own entries (`NOT_FOUND`, `VALIDATION_FAILED`,
   * ...), marked `builtIn: true`: an API answers with them too.
   * @default true
   */
  readonly builtIn?: boolean;
  /**
   * Texts that replace or add to the entries' messages, by reason then
   * locale: the `messages` option given to `ErrorsModule`, so the export
   * says what clients are sent.
   * @default {}
   */
  readonly messages?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** One error of an exported catalog. */
export interface ExportedError {
  readonly reason: string;
  readonly code: number;
  readonly status: number;
  /** True for the library's own entries. */
  readonly builtIn: boolean;
  /** The `{placeholders}` of its messages, all locales, sorted. */
  readonly params: readonly string[];
  /** Its message per locale, locales sorted. */
  readonly messages: Readonly<Record<string, string>>;
}

/**
 * The catalog made of `groups` (and the built-in entries), checked as
 * `ErrorsModule` checks it at startup — a code or reason used twice throws —
 * and ordered by code, so that what is written from it only changes when the
 * catalog does.
 */
export function exportCatalog(
  groups: Iterable<CatalogGroup>,
  options: CatalogExportOptions = {},
): ExportedError[] {
  const { builtIn = true, messages = {} } = options;
  return new ErrorCatalog(groups)
    .entries()
    .filter((entry) => builtIn || !entry.builtIn)
    .map((entry) => exported(entry, { ...entry.messages, ...messages[entry.reason] }))
    .toSorted((a, b) => a.code - b.code);
}

function exported(entry: ErrorEntry, texts: Readonly<Record<string, string>>): ExportedError {
  const locales = Object.keys(texts).toSorted(byCodeUnits);
  const params = new Set(locales.flatMap((locale) => placeholdersOf(texts[locale]!)));
  return {
    reason: entry.reason,
    code: entry.code,
    status: entry.status,
    builtIn: entry.builtIn,
    params: [...params].toSorted(byCodeUnits),
    messages: Object.fromEntries(locales.map((locale) => [locale, texts[locale]!])),
  };
}

/** Sorts as strings compare, the same on every machine (no locale collation). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The app's entries among the exports of a module (its namespace object):
 * every `defineErrors` result and every single entry exported, each entry
 * once. The library's own entries are left out (the catalog adds them), as is
 * everything else a module exports.
 */
export function errorEntriesIn(exports: Readonly<Record<string, unknown>>): ErrorEntry[] {
  const found = new Set<ErrorEntry>();
  for (const name of Object.keys(exports).toSorted(byCodeUnits)) {
    const value = exports[name];
    const entries = isEntry(value) ? [value] : isGroup(value) ? Object.values(value) : [];
    for (const entry of entries) if (!entry.builtIn) found.add(entry);
  }
  return [...found];
}

function isEntry(value: unknown): value is ErrorEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<ErrorEntry>;
  return (
    typeof entry.reason === 'string' &&
    typeof entry.code === 'number' &&
    typeof entry.status === 'number' &&
    typeof entry.builtIn === 'boolean' &&
    typeof entry.messages === 'object' &&
    entry.messages !== null
  );
}

function isGroup(value: unknown): value is Record<string, ErrorEntry> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const values = Object.values(value);
  return values.length > 0 && values.every(isEntry);
}
