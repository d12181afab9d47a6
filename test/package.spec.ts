import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** Packs the library and installs the tarball into a clean consumer whose other packages are links. */
describe('the published package', () => {
  let consumer: string;
  let files: string[];

  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), 'faultline-consumer-'));
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', consumer], {
        cwd: root,
        encoding: 'utf8',
      }),
    ) as { filename: string; files: { path: string }[] }[];
    files = packed!.files.map((file) => file.path);
    const modules = join(consumer, 'node_modules');
    const target = join(modules, 'nestjs-faultline');
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(consumer, packed!.filename), '-C', target, '--strip-components=1']);
    for (const name of readdirSync(join(root, 'node_modules'))) {
      if (!name.startsWith('.')) symlinkSync(join(root, 'node_modules', name), join(modules, name));
    }
  }, 60_000);

  afterAll(() => {
    rmSync(consumer, { recursive: true, force: true });
  });

  it('ships only the built library, its types and the README', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    const unexpected = files.filter(
      (file) =>
        !/^dist\/.+\.(js|d\.ts)$/.test(file) && !['package.json', 'README.md', 'LICENSE'].includes(file),
    );
    expect(unexpected).toEqual([]);
    expect(files.filter((file) => /\.spec\.|sample|test\//.test(file))).toEqual([]);
  });

  it('imports as ESM through the exports map, and nothing deeper', () => {
    writeFileSync(
      join(consumer, 'consumer.mjs'),
      `import * as lib from 'nestjs-faultline';
const names = ['ErrorsModule', 'DomainException', 'defineErrors', 'ErrorEnvelopeFilter', 'EnvelopeValidationPipe',
  'envelopeFrameworkErrors', 'BuiltInErrors', 'RawResponse'];
console.log(JSON.stringify(names.map((name) => [name, typeof lib[name]])));
try { await import('nestjs-faultline/dist/errors/envelope.mapper.js'); console.log('deep import allowed'); }
catch (error) { console.log(error.code); }`,
    );
    const [exportsLine, deep] = execFileSync('node', ['consumer.mjs'], { cwd: consumer, encoding: 'utf8' })
      .trim()
      .split('\n');
    for (const [, type] of JSON.parse(exportsLine!) as [string, string][])
      expect(type).toMatch(/function|object/);
    expect(deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('type-checks a consumer against the shipped declarations', () => {
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2023',
          strict: true,
          noEmit: true,
          experimentalDecorators: true,
          types: ['node'],
          skipLibCheck: false,
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(consumer, 'consumer.ts'),
      `import { defineErrors, DomainException, ErrorsModule, type ErrorEnvelope } from 'nestjs-faultline';
const AppErrors = defineErrors({ USER_NOT_FOUND: { code: 10001, status: 404, messages: { en: 'User {id} not found' } } });
const reason: 'USER_NOT_FOUND' = AppErrors.USER_NOT_FOUND.reason;
export const module = ErrorsModule.forRoot({ errors: [AppErrors], defaultLocale: 'en', successEnvelope: true });
export const error = new DomainException(AppErrors.USER_NOT_FOUND, { params: { id: 1 } });
export const envelope: Pick<ErrorEnvelope, 'code' | 'reason'> = { code: 1, reason };
`,
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync('node', [tsc, '-p', consumer], { cwd: consumer, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);
});
