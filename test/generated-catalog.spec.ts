/**
 * The TypeScript module `nestjs-faultline catalog` writes, compiled as a
 * frontend compiles it: strict, isolated modules, no Node types, an ES2020
 * library. Its union of reasons is exact, and its values are the catalog's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppErrors } from './fixtures/app-errors.js';
import { exportCatalog, type ExportedError } from '../src/core/catalog-export.js';
import { catalogJson, catalogModule } from '../src/core/catalog-module.js';
import { defineErrors } from '../src/core/error-catalog.js';

const Tricky = defineErrors({
  QUOTES: { code: 20001, status: 400, messages: { en: `It's "{what}" \\ done\n`, 'pt-BR': '\u2028ok' } },
});

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2020,
  lib: ['lib.es2020.d.ts'],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  noUnusedLocals: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  types: [],
};

let dir: string;
let errors: ExportedError[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-generated-'));
  errors = exportCatalog([AppErrors, Tricky]);
  writeFileSync(join(dir, 'errors.ts'), catalogModule(errors));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A compiler host that parses TypeScript's own library files once for all the compilations below. */
const host = ts.createCompilerHost(COMPILER_OPTIONS);
const libraries = new Map<string, ts.SourceFile | undefined>();
const readSource = host.getSourceFile.bind(host);
host.getSourceFile = (fileName, language, ...rest) => {
  if (!fileName.includes('/node_modules/typescript/lib/')) return readSource(fileName, language, ...rest);
  if (!libraries.has(fileName)) libraries.set(fileName, readSource(fileName, language, ...rest));
  return libraries.get(fileName);
};

/** The diagnostics of a frontend file that imports the generated module. */
function compile(source: string): string[] {
  const file = join(dir, 'frontend.ts');
  writeFileSync(file, source);
  const program = ts.createProgram([file], COMPILER_OPTIONS, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/** A frontend that holds the union to exactly `reasons`, switches on it and uses the rest of the module. */
function frontend(reasons: readonly string[]): string {
  const union = reasons.map((reason) => `'${reason}'`).join(' | ');
  return `import { ERRORS, REASON_BY_CODE, isErrorReason, type ErrorCode, type ErrorReason } from './errors.js';

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
export const exact: Same<ErrorReason, ${union}> = true;

export function describe(reason: ErrorReason): string {
  switch (reason) {
${reasons.map((reason) => `    case '${reason}': return ERRORS.${reason}.messages.en ?? '';`).join('\n')}
    default: {
      const unhandled: never = reason;
      return unhandled;
    }
  }
}

export function reasonOf(body: { code: number; reason: string }): ErrorReason | undefined {
  if (isErrorReason(body.reason)) return body.reason;
  return (REASON_BY_CODE as Partial<Record<number, ErrorReason>>)[body.code];
}

export const code: ErrorCode = ERRORS.USER_NOT_FOUND.code;
export const notFound: 'USER_NOT_FOUND' = REASON_BY_CODE[10001];
// @ts-expect-error not a reason of the catalog
export const typo: ErrorReason = 'USER_NOT_FOUNDD';
`;
}

describe('the generated TypeScript module', () => {
  it('compiles, with a union of reasons that is exactly the catalog', () => {
    expect(compile(frontend(errors.map((error) => error.reason)))).toEqual([]);
  });

  it('fails to compile a frontend that expects a reason too many or too few', () => {
    const reasons = errors.map((error) => error.reason);
    const tooMany = compile(frontend([...reasons, 'EXTRA_REASON']));
    const tooFew = compile(frontend(reasons.filter((reason) => reason !== 'ORDER_LOCKED')));
    expect(tooMany).toContain("Type 'true' is not assignable to type 'false'.");
    expect(tooFew).toContain("Type 'true' is not assignable to type 'false'.");
    expect(tooFew).toContain(`Type '"ORDER_LOCKED"' is not assignable to type 'never'.`);
  });

  it('holds the values of the catalog, the same as the JSON', async () => {
    const { outputText } = ts.transpileModule(catalogModule(errors), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2020 },
    });
    const file = join(dir, 'errors.mjs');
    writeFileSync(file, outputText);
    const generated = (await import(pathToFileURL(file).href)) as {
      ERRORS: Record<string, unknown>;
      REASON_BY_CODE: Record<number, string>;
      isErrorReason: (value: unknown) => boolean;
    };
    expect(generated.ERRORS).toEqual(JSON.parse(catalogJson(errors)));
    expect(Object.keys(generated.ERRORS)).toEqual(errors.map((error) => error.reason));
    expect(generated.REASON_BY_CODE).toEqual(
      Object.fromEntries(errors.map((error) => [error.code, error.reason])),
    );
    expect(generated.isErrorReason('QUOTES')).toBe(true);
    expect(generated.isErrorReason('toString')).toBe(false);
    expect(generated.isErrorReason(404)).toBe(false);
  });
});
