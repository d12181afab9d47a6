import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCatalog } from '../src/core/catalog-export.js';
import { catalogJson, catalogModule } from '../src/core/catalog-module.js';
import { BuiltInErrors, defineErrors } from '../src/core/error-catalog.js';

const src = resolve(import.meta.dirname, '..', 'src');

const USER_ERRORS = {
  USER_NOT_FOUND: {
    code: 10001,
    status: 404,
    messages: { 'zh-CN': '用户 {id} 不存在', en: 'User {id} not found' },
  },
  USER_BANNED: { code: 10003, status: 403, messages: { en: `User {id} can't sign in: "{why}"` } },
};
const ORDER_ERRORS = { ORDER_LOCKED: { code: 10002, status: 409, messages: { en: 'The order is locked' } } };

/** A catalog module as an app builds it: two defineErrors results, a lone entry, and other exports. */
const fixtures: Record<string, string> = {
  'app-errors.js': `import { defineErrors } from './dist/core/error-catalog.js';
export const UserErrors = defineErrors(${JSON.stringify(USER_ERRORS)});
export default defineErrors(${JSON.stringify(ORDER_ERRORS)});
export const banned = UserErrors.USER_BANNED;
export const PAGE_SIZE = 20;
export function helper() {}`,
  'again.js': `export { UserErrors } from './app-errors.js';`,
  'clash.js': `import { defineErrors } from './dist/core/error-catalog.js';
export const Clash = defineErrors({ USER_GONE: { code: 10001, status: 410, messages: { en: 'Gone' } } });`,
  'no-errors.js': 'export const PAGE_SIZE = 20;',
  'broken.js': 'export const = 1;',
  // an enum: TypeScript that Node's type stripping (22.18+, 24) cannot run either, as in most real catalogs
  'app-errors.ts': 'export enum Kind { A }',
};

/** The files src/cli/main.ts loads, transpiled as the build emits them (ESM, one file each). */
function transpileCli(outDir: string): void {
  const pending = [join(src, 'cli', 'main.ts')];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const text = readFileSync(file, 'utf8');
    const { outputText } = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
    });
    const target = join(outDir, relative(src, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (fileName.startsWith('.')) pending.push(resolve(dirname(file), fileName).replace(/\.js$/, '.ts'));
    }
  }
}

let dir: string;

/** Runs the command line in `dir`, as `npx nestjs-faultline ...` runs the bin. */
async function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['dist/cli/main.js', ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [status] = (await once(child, 'close')) as [number | null];
  return { status, stdout, stderr };
}

const read = (path: string) => readFileSync(join(dir, path), 'utf8');

/** What the function writes for the fixture's catalog. */
function expected(builtIn = true) {
  const errors = exportCatalog([defineErrors(USER_ERRORS), defineErrors(ORDER_ERRORS)], { builtIn });
  return { errors, json: catalogJson(errors), module: catalogModule(errors) };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-cli-'));
  transpileCli(join(dir, 'dist'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const [name, text] of Object.entries(fixtures)) writeFileSync(join(dir, name), text);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('nestjs-faultline catalog', () => {
  it('writes the JSON and the TypeScript module of every catalog the module exports', async () => {
    const { status, stdout, stderr } = await cli(
      'catalog',
      './app-errors.js',
      '--out',
      'src/generated/errors',
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const count = Object.keys(BuiltInErrors).length + 3;
    expect(stdout).toBe(
      `wrote src/generated/errors.json (${count} errors)\nwrote src/generated/errors.ts (${count} errors)\n`,
    );
    expect(read('src/generated/errors.json')).toBe(expected().json);
    expect(read('src/generated/errors.ts')).toBe(expected().module);
  });

  it('checks the files without writing them, and fails when they differ or are missing', async () => {
    await cli('catalog', 'app-errors.js', '--out', 'checked/errors');
    expect(await cli('catalog', 'app-errors.js', '--out', 'checked/errors', '--check')).toEqual({
      status: 0,
      stdout: 'checked/errors.json and checked/errors.ts: up to date\n',
      stderr: '',
    });

    writeFileSync(join(dir, 'checked/errors.ts'), `${read('checked/errors.ts')}// edited\n`);
    rmSync(join(dir, 'checked/errors.json'));
    const stale = await cli('catalog', 'app-errors.js', '--out', 'checked/errors', '--check');
    expect(stale.status).toBe(1);
    expect(stale.stderr).toBe(
      'checked/errors.json is missing: run the command without --check\n' +
        'checked/errors.ts is out of date: run the command without --check\n',
    );
    expect(read('checked/errors.ts')).toContain('// edited');
  });

  it('writes only the file --out names by its extension', async () => {
    expect((await cli('catalog', 'app-errors.js', '--out', 'one/errors.ts')).status).toBe(0);
    expect(read('one/errors.ts')).toBe(expected().module);
    expect(() => read('one/errors.json')).toThrow(/ENOENT/);
  });

  it('prints the catalog without --out: JSON, or the module; built-in entries left out when asked', async () => {
    expect((await cli('catalog', 'app-errors.js')).stdout).toBe(expected().json);
    const printed = await cli('catalog', 'app-errors.js', 'again.js', '--format', 'ts', '--no-built-in');
    expect(printed.stdout).toBe(expected(false).module);
    expect(expected(false).errors.map((error) => error.reason)).toEqual([
      'USER_NOT_FOUND',
      'ORDER_LOCKED',
      'USER_BANNED',
    ]);
  });

  it.each([
    [[], /^Usage: nestjs-faultline catalog/],
    [['publish'], /^nestjs-faultline: unknown command 'publish'\nRun 'nestjs-faultline --help'/],
    [['catalog'], /name the module\(s\) that export the errors/],
    [['catalog', 'missing.js'], /catalog: missing.js: no such file/],
    [['catalog', 'app-errors.js', '--outt', 'x'], /Unknown option '--outt'/],
    [['catalog', 'app-errors.js', '--out'], /Option '--out <value>' argument missing/],
    [['catalog', 'app-errors.js', '--format', 'yaml'], /--format is json or ts, not 'yaml'/],
    [
      ['catalog', 'app-errors.js', '--format', 'ts', '--out', 'x'],
      /with --out, end the path with \.json or \.ts/,
    ],
    [['catalog', 'app-errors.js', '--check'], /--check compares the files at --out/],
  ])('refuses bad arguments with status 2: %j', async (args, message) => {
    const { status, stdout, stderr } = await cli(...args);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(status).toBe(2);
  });

  it.each([
    [
      ['no-errors.js'],
      'no-errors.js exports no error entries (the result of defineErrors(...), or one of its entries)',
    ],
    [['broken.js'], 'broken.js could not be imported: '],
    [
      ['app-errors.ts'],
      'app-errors.ts could not be imported (give the compiled JavaScript, e.g. dist/app-errors.js): ',
    ],
    [
      ['app-errors.js', 'clash.js'],
      'Error catalog: code 10001 is used by both USER_NOT_FOUND and USER_GONE.',
    ],
  ])('fails with status 1 on a catalog it cannot read: %j', async (modules, message) => {
    const { status, stdout, stderr } = await cli('catalog', ...modules, '--out', 'never/errors');
    expect(stdout).toBe('');
    expect(stderr.startsWith(`nestjs-faultline: ${message}`)).toBe(true);
    expect(status).toBe(1);
    expect(() => read('never/errors.json')).toThrow(/ENOENT/);
  });

  it.each([['--help'], ['catalog', '-h'], ['catalog', 'app-errors.js', '--help']])(
    'prints its usage on %j',
    async (...args) => {
      const { status, stdout } = await cli(...args);
      expect(status).toBe(0);
      expect(stdout).toMatch(/^Usage: nestjs-faultline catalog <module>\.\.\. \[options\]/);
    },
  );
});
