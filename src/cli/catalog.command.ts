/**
 * `nestjs-faultline catalog <module>... [--out <path>] [--check] [--format json|ts] [--no-built-in]`:
 * imports the modules, collects the error entries they export and writes
 * (or checks, or prints) the catalog.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { errorEntriesIn, exportCatalog } from '../core/catalog-export.js';
import { catalogJson, catalogModule } from '../core/catalog-module.js';
import type { ErrorEntry } from '../core/error-catalog.js';
import { CliUsageError, messageOf, type CliIo } from './cli-io.js';

const FORMATS = { json: catalogJson, ts: catalogModule } as const;
type Format = keyof typeof FORMATS;

interface CatalogArgs {
  readonly modules: readonly string[];
  readonly out: string | undefined;
  readonly format: Format | undefined;
  readonly check: boolean;
  readonly builtIn: boolean;
}

/** Runs the command; resolves with the exit status. Bad arguments throw {@link CliUsageError}. */
export async function catalogCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parse(args);
  const entries = await entriesOf(parsed.modules, io.cwd);
  const errors = exportCatalog(entries, { builtIn: parsed.builtIn });
  if (parsed.out === undefined) {
    io.out(FORMATS[parsed.format ?? 'json'](errors));
    return 0;
  }
  const files = outputs(parsed.out).map(({ path, format }) => ({
    path,
    file: resolve(io.cwd, path),
    text: FORMATS[format](errors),
  }));
  if (parsed.check) {
    const stale = files.filter(({ file, text }) => !existsSync(file) || readFileSync(file, 'utf8') !== text);
    for (const { path, file } of stale) {
      io.err(`${path} is ${existsSync(file) ? 'out of date' : 'missing'}: run the command without --check\n`);
    }
    if (stale.length === 0) io.out(`${files.map(({ path }) => path).join(' and ')}: up to date\n`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const { path, file, text } of files) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    io.out(`wrote ${path} (${errors.length} ${errors.length === 1 ? 'error' : 'errors'})\n`);
  }
  return 0;
}

function parse(args: readonly string[]): CatalogArgs {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        format: { type: 'string' },
        check: { type: 'boolean', default: false },
        'no-built-in': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new CliUsageError(messageOf(error));
  }
  const { out, format, check } = values;
  if (positionals.length === 0) throw new CliUsageError('catalog: name the module(s) that export the errors');
  if (format !== undefined && !Object.hasOwn(FORMATS, format)) {
    throw new CliUsageError(`catalog: --format is json or ts, not '${format}'`);
  }
  if (format !== undefined && out !== undefined) {
    throw new CliUsageError('catalog: --format is for printing; with --out, end the path with .json or .ts');
  }
  if (out === '') throw new CliUsageError('catalog: --out needs a path');
  if (check && out === undefined) throw new CliUsageError('catalog: --check compares the files at --out');
  return {
    modules: positionals,
    out,
    format: format as Format | undefined,
    check,
    builtIn: !values['no-built-in'],
  };
}

/** `<path>.json` and `<path>.ts`, or the one file a path ending in `.json` or `.ts` names. */
function outputs(out: string): { path: string; format: Format }[] {
  if (out.endsWith('.json')) return [{ path: out, format: 'json' }];
  if (out.endsWith('.ts')) return [{ path: out, format: 'ts' }];
  return [
    { path: `${out}.json`, format: 'json' },
    { path: `${out}.ts`, format: 'ts' },
  ];
}

/** The app's entries the modules export, each once. */
async function entriesOf(modules: readonly string[], cwd: string): Promise<ErrorEntry[]> {
  const entries = new Set<ErrorEntry>();
  for (const path of modules) {
    const file = resolve(cwd, path);
    if (!existsSync(file)) throw new CliUsageError(`catalog: ${path}: no such file`);
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      const hint = /\.[cm]?tsx?$/.test(path)
        ? ' (give the compiled JavaScript, e.g. dist/app-errors.js)'
        : '';
      throw new Error(`${path} could not be imported${hint}: ${messageOf(error)}`, { cause: error });
    }
    const found = errorEntriesIn(exports);
    if (found.length === 0) {
      throw new Error(
        `${path} exports no error entries (the result of defineErrors(...), or one of its entries)`,
      );
    }
    for (const entry of found) entries.add(entry);
  }
  return [...entries];
}
