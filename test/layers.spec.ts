import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '..', 'src');

/** Every module a source file imports: relative ones as paths under src/, packages by name. */
function importsOf(file: string): { files: string[]; packages: string[] } {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const files: string[] = [];
  const packages: string[] = [];
  for (const { fileName } of importedFiles) {
    if (fileName.startsWith('.')) files.push(resolve(dirname(file), fileName).replace(/\.js$/, '.ts'));
    else if (!fileName.startsWith('node:')) {
      const parts = fileName.split('/');
      packages.push(fileName.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
    }
  }
  return { files, packages };
}

/** Everything an entry loads, transitively: source files (relative to src/) and packages. */
function graphOf(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [resolve(src, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    const name = relative(src, file);
    if (files.has(name)) continue;
    files.add(name);
    const found = importsOf(file);
    for (const item of found.packages) packages.add(item);
    pending.push(...found.files);
  }
  return { files, packages };
}

/** The source files an entry reaches, itself left out. */
function reached(entry: string): string[] {
  return [...graphOf(entry).files].filter((file) => file !== entry);
}

const OUTBOUND_PACKAGES = ['axios', 'axios-retry', 'undici', 'cockatiel', '@nestjs/axios'];

describe('one-way layers', () => {
  it('the inbound entry reaches neither the outbound half nor the module, nor their packages', () => {
    const { files, packages } = graphOf('errors/index.ts');
    expect([...files].filter((file) => !/^(errors|core|shared)\//.test(file))).toEqual([]);
    expect([...packages].filter((name) => OUTBOUND_PACKAGES.includes(name))).toEqual([]);
  });

  it('the outbound half reaches neither the inbound half nor the module', () => {
    const { files } = graphOf('client/api-client.providers.ts');
    expect(files.has('client/api-client.ts')).toBe(true);
    expect([...files].filter((file) => !/^(client|core|shared)\//.test(file))).toEqual([]);
  });

  it('the OpenAPI part reaches the inbound half and the model, and only it loads @nestjs/swagger', () => {
    const { files, packages } = graphOf('openapi/index.ts');
    expect([...files].filter((file) => !/^(openapi|errors|core|shared)\//.test(file))).toEqual([]);
    expect(packages.has('@nestjs/swagger')).toBe(true);
    expect([...packages].filter((name) => OUTBOUND_PACKAGES.includes(name))).toEqual([]);
    for (const entry of ['index.ts', 'errors/index.ts', 'advanced.ts']) {
      const other = graphOf(entry);
      expect([...other.files].filter((file) => file.startsWith('openapi/'))).toEqual([]);
      expect(other.packages.has('@nestjs/swagger')).toBe(false);
    }
    expect(reached('openapi/errors-document.options.ts').filter((file) => !file.startsWith('core/'))).toEqual(
      [],
    );
  });

  it('the shared error model depends on nothing but shared helpers', () => {
    const entries = [
      'core/domain.exception.ts',
      'core/error-catalog.ts',
      'core/request-context.ts',
      'core/catalog-export.ts',
      'core/catalog-module.ts',
    ];
    for (const entry of entries) {
      const { files, packages } = graphOf(entry);
      expect([...files].filter((file) => !/^(core|shared)\//.test(file))).toEqual([]);
      expect([...packages]).toEqual([]);
    }
  });

  it('the command line reaches only the shared model and no package, and nothing imports it', () => {
    const { files, packages } = graphOf('cli/main.ts');
    expect(files.has('cli/catalog.command.ts')).toBe(true);
    expect([...files].filter((file) => !/^(cli|core|shared)\//.test(file))).toEqual([]);
    expect([...packages]).toEqual([]);
    const others = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !file.startsWith('cli/'),
    );
    const importers = others.filter((file) =>
      importsOf(resolve(src, file)).files.some((imported) => relative(src, imported).startsWith('cli/')),
    );
    expect(importers).toEqual([]);
  });

  it('OpenTelemetry stays optional: its API imported for types only, required in one place, each half its own use', () => {
    const sources = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'),
    );
    const valueImports = sources.filter((file) =>
      /^import\s+(?!type\s)[^;]*from\s+'@opentelemetry\//m.test(readFileSync(resolve(src, file), 'utf8')),
    );
    expect(valueImports).toEqual([]);
    const required = sources.filter((file) =>
      /\('@opentelemetry\/api'\)/.test(readFileSync(resolve(src, file), 'utf8')),
    );
    expect(required).toEqual(['shared/open-telemetry.ts']);
    // the client's telemetry belongs to the client; the inbound half has its own small file
    const importers = sources.filter((file) =>
      importsOf(resolve(src, file)).files.some((imported) =>
        relative(src, imported).startsWith('client/telemetry/'),
      ),
    );
    expect(importers.filter((file) => !file.startsWith('client/'))).toEqual([]);
    expect(graphOf('errors/server-span.ts').files).toEqual(
      new Set(['errors/server-span.ts', 'shared/open-telemetry.ts']),
    );
  });

  it('option files are leaves: types and defaults that import no implementation', () => {
    expect(
      reached('client/api-client.options.ts').filter((file) => file !== 'client/client-events.ts'),
    ).toEqual([]);
    expect(reached('errors/errors.options.ts').filter((file) => !file.startsWith('core/'))).toEqual([]);
  });

  it('the test helpers reach only the shared model, load no test runner, and nothing imports them', () => {
    // the vitest flavour's types name vitest (the module they add to); the entry itself names no package
    const runners = { 'testing/index.ts': [], 'testing/vitest.ts': ['vitest'], 'testing/jest.ts': [] };
    for (const [entry, named] of Object.entries(runners)) {
      const { files, packages } = graphOf(entry);
      expect([...files].filter((file) => !/^(testing|core|shared)\//.test(file))).toEqual([]);
      expect([...packages]).toEqual(named);
    }
    expect(graphOf('testing/index.ts').files.has('testing/vitest.ts')).toBe(false);
    const others = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !file.startsWith('testing/'),
    );
    const importers = others.filter((file) =>
      importsOf(resolve(src, file)).files.some((imported) => relative(src, imported).startsWith('testing/')),
    );
    expect(importers).toEqual([]);
  });
});
