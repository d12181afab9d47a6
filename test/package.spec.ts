import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Children running, and the ones waiting for a core: the compilers below run side by side, one a core. */
let running = 0;
const waiting: (() => void)[] = [];

/** Runs `node <args>` to its end without blocking the worker. */
async function node(
  args: string[],
  cwd: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  if (running >= availableParallelism()) await new Promise<void>((start) => waiting.push(start));
  running += 1;
  try {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [status] = (await once(child, 'close')) as [number | null];
    return { status, stdout, stderr };
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/** What a consumer does with the package: values, types, a subclass of a class that extends a peer's. */
const consumerSource = `import { defineErrors, DomainException, EnvelopeValidationPipe, ErrorsModule, isDomainException, type ErrorEnvelope } from 'nestjs-faultline';
import { ApiErrors, createErrorsDocument, type ErrorsDocumentOptions } from 'nestjs-faultline/openapi';
const AppErrors = defineErrors({ USER_NOT_FOUND: { code: 10001, status: 404, messages: { en: 'User {id} not found' } } });
const reason: 'USER_NOT_FOUND' = AppErrors.USER_NOT_FOUND.reason;
export const module = ErrorsModule.forRoot({ errors: [AppErrors], defaultLocale: 'en', successEnvelope: true });
export const error = new DomainException(AppErrors.USER_NOT_FOUND, { params: { id: 1 } });
export const envelope: Pick<ErrorEnvelope, 'code' | 'reason'> = { code: 1, reason };
export const caught: boolean = isDomainException(error);
export class StrictPipe extends EnvelopeValidationPipe {}
export const transformed: Promise<unknown> = new StrictPipe({ maxFieldErrors: 5 }).transform({}, { type: 'body' });
// @ts-expect-error the peer's types are there, not any: 'nowhere' is no ArgumentMetadata type
new StrictPipe().transform({}, { type: 'nowhere' });
// @ts-expect-error ours too
ErrorsModule.forRoot({ defaultLocale: 42 });
export const documentOptions: ErrorsDocumentOptions = { errorLocale: 'en', commonErrors: [AppErrors.USER_NOT_FOUND, 404] };
export const declared: MethodDecorator & ClassDecorator = ApiErrors(AppErrors.USER_NOT_FOUND, 'INTERNAL_ERROR');
export const build: (...args: Parameters<typeof createErrorsDocument>) => { openapi: string } = createErrorsDocument;
// @ts-expect-error an error is an entry, a reason or a code
ApiErrors(true);
`;
/** The same, plus what only a CommonJS file can write. */
const commonJsSource = `${consumerSource}import faultline = require('nestjs-faultline');
export const same: boolean = faultline.ErrorsModule === ErrorsModule;
`;

/** A test of an app with the vitest matchers and the scripted upstream, typed through `/testing/vitest`. */
const vitestTestSource = `import { envelopeMatchers, ScriptedUpstream, type EnvelopeExpectation, type UpstreamStep } from 'nestjs-faultline/testing';
import type {} from 'nestjs-faultline/testing/vitest';
import { expect } from 'vitest';
expect.extend(envelopeMatchers);
const expected: EnvelopeExpectation = { status: 404, reason: 'USER_NOT_FOUND', details: { id: '42' }, errors: [{ field: 'name' }] };
export const check = (res: unknown): unknown => expect(res).toBeEnvelope(expected);
export const problem = (res: unknown): unknown => expect(res).not.toBeProblem({ type: /user/, detail: expect.any(String) });
export const steps: UpstreamStep[] = [503, 'reset', 'hang', { status: 200, headers: { 'Retry-After': '1' }, body: { ok: true } }];
export const upstream: Promise<ScriptedUpstream> = ScriptedUpstream.start({ fallback: 204 });
// @ts-expect-error a reason is a string
expect({}).toBeEnvelope({ reason: 1 });
`;
/** The same matchers for jest, typed through `/testing/jest` against jest's global \`jest.Matchers<R, T>\`. */
const jestTestSource = `import { envelopeMatchers } from 'nestjs-faultline/testing';
import type {} from 'nestjs-faultline/testing/jest';
type Matcher = (this: { isNot: boolean }, received: any, ...expected: any[]) => { pass: boolean; message(): string };
declare const expect: { extend(matchers: Record<string, Matcher>): void } & (<T>(actual: T) => jest.Matchers<void, T>);
expect.extend(envelopeMatchers);
export const check = (res: unknown): void => expect(res).toBeProblem({ status: 503, reason: 'UPSTREAM_UNAVAILABLE' });
// @ts-expect-error a reason is a string
expect({}).toBeEnvelope({ reason: 1 });
`;

/** A consumer's TypeScript setup: its options, and which module format each of its sources has. */
interface Resolution {
  name: string;
  compilerOptions: Record<string, string>;
  consumers: ('esm' | 'cjs')[];
  skipLibCheck: boolean;
}

/**
 * nodenext and node16 are checked as most apps run (`skipLibCheck`) and with the declarations of every
 * package checked too: those runs read all of ours, ESM and CommonJS twins alike. bundler and
 * module commonjs resolve to the same files, so they check what a consumer of theirs writes.
 */
const typeChecks: Resolution[] = [
  { module: 'NodeNext', moduleResolution: 'NodeNext', consumers: ['esm', 'cjs'], both: true },
  { module: 'Node16', moduleResolution: 'Node16', consumers: ['esm', 'cjs'], both: true },
  { module: 'ESNext', moduleResolution: 'Bundler', consumers: ['esm'], both: false },
  { module: 'CommonJS', moduleResolution: undefined, consumers: ['cjs'], both: false },
].flatMap(({ module, moduleResolution, consumers, both }) =>
  (both ? [false, true] : [true]).map((skipLibCheck) => ({
    name: moduleResolution ? `moduleResolution ${moduleResolution}` : `module ${module}`,
    compilerOptions: { module, ...(moduleResolution ? { moduleResolution } : {}) },
    consumers: consumers as Resolution['consumers'],
    skipLibCheck,
  })),
);

/** A Nest app as the classic CommonJS starter writes it: decorators, constructor injection. */
const appSource = `import 'reflect-metadata';
import { Controller, Get, Injectable, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { defineErrors, DomainException, ErrorsModule } from 'nestjs-faultline';

const AppErrors = defineErrors({
  USER_NOT_FOUND: { code: 10001, status: 404, messages: { en: 'User {id} not found' } },
});

@Injectable()
class UsersService {
  find(id: string): never {
    throw new DomainException(AppErrors.USER_NOT_FOUND, { params: { id }, details: { id } });
  }
}

@Controller('users')
class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get(':id')
  find(@Param('id') id: string): never {
    return this.users.find(id);
  }
}

@Module({
  imports: [ErrorsModule.forRoot({ errors: [AppErrors], defaultLocale: 'en' })],
  controllers: [UsersController],
  providers: [UsersService],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  console.log(await app.getUrl());
}
void main();
`;

/** Starts a built app, and resolves with its URL once it listens. */
async function listen(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['out/main.js'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolveUrl(stdout.trim());
    });
    void exited.then(([code]) =>
      reject(new Error(`the app exited (${String(code)}) before listening: ${stderr}`)),
    );
  });
  return {
    url,
    stop: async () => {
      child.kill();
      await exited;
    },
  };
}

/** Module hooks that append every URL an import resolves to the file given as `data.log`. */
const RESOLVE_LOG_HOOKS = `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(log, resolved.url + '\\n');
  return resolved;
}`;

/** Packs the library and installs the tarball into a clean consumer whose other packages are links. */
// each test starts fresh Node processes that load the packed library (some through a resolve hook on
// every module): seconds alone, and several times that on a machine busy with other work
describe('the published package', { timeout: 60_000 }, () => {
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
  }, 120_000);

  afterAll(() => {
    rmSync(consumer, { recursive: true, force: true });
  });

  it('ships only the built library, its types, the README and the license', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/index.d.cts');
    const unexpected = files.filter(
      (file) =>
        !/^dist\/.+\.(js|d\.ts|d\.cts)$/.test(file) &&
        !['package.json', 'README.md', 'LICENSE'].includes(file),
    );
    expect(unexpected).toEqual([]);
    expect(files.filter((file) => /\.spec\.|sample|test\//.test(file))).toEqual([]);
    // one JavaScript build; every declaration file has its CommonJS-format twin, and only declarations do
    expect(files.filter((file) => /\.(cjs|mjs)$/.test(file))).toEqual([]);
    const twins = (extension: string) =>
      files.filter((file) => file.endsWith(extension)).map((file) => file.slice(0, -extension.length));
    expect(twins('.d.cts').toSorted()).toEqual(twins('.d.ts').toSorted());
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
    const [exportsLine, deep] = execFileSync(process.execPath, ['consumer.mjs'], {
      cwd: consumer,
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    for (const [, type] of JSON.parse(exportsLine!) as [string, string][])
      expect(type).toMatch(/function|object/);
    expect(deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('nestjs-faultline/errors loads neither axios, undici nor cockatiel; the root entry does; only /openapi loads @nestjs/swagger; none loads @opentelemetry/api', async () => {
    // every module resolved (ESM, through a resolve hook) or required (CommonJS) while importing an entry
    write(join(consumer, 'loaded-hooks.mjs'), RESOLVE_LOG_HOOKS);
    write(
      join(consumer, 'loaded.mjs'),
      `import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const [entry, log] = process.argv.slice(2);
writeFileSync(log, '');
register('./loaded-hooks.mjs', import.meta.url, { data: { log } });
const lib = await import(entry);
const loaded = [...readFileSync(log, 'utf8').split('\\n'), ...Object.keys(createRequire(import.meta.url).cache)];
const packages = ['axios', 'axios-retry', 'undici', 'cockatiel', '@nestjs/axios', '@nestjs/swagger', '@opentelemetry/api'].filter((name) =>
  loaded.some((url) => url.includes('/node_modules/' + name + '/')));
console.log(JSON.stringify({ packages, names: Object.keys(lib) }));`,
    );
    const run = async (entry: string) => {
      const { status, stdout, stderr } = await node(
        ['loaded.mjs', entry, join(consumer, `${entry.replace(/\W+/g, '-')}.log`)],
        consumer,
      );
      expect(stderr).toBe('');
      expect(status).toBe(0);
      return JSON.parse(stdout) as { packages: string[]; names: string[] };
    };
    const inbound = await run('nestjs-faultline/errors');
    expect(inbound.names).toEqual(
      expect.arrayContaining([
        'ErrorEnvelopeFilter',
        'EnvelopeValidationPipe',
        'DomainException',
        'defineErrors',
        'mapException',
      ]),
    );
    expect(inbound.names).not.toContain('ApiClient');
    expect(inbound.packages).toEqual([]);
    const whole = await run('nestjs-faultline');
    expect(whole.packages).toEqual(expect.arrayContaining(['axios', 'undici', 'cockatiel']));
    expect(whole.packages).not.toContain('@nestjs/swagger');
    // an optional peer, required when a client is made or a failure answered, never on import
    expect(whole.packages).not.toContain('@opentelemetry/api');
    expect(whole.names).toEqual(expect.arrayContaining(inbound.names));
    const openapi = await run('nestjs-faultline/openapi');
    expect(openapi.packages).toEqual(['@nestjs/swagger']);
    expect(openapi.names).toEqual(expect.arrayContaining(['ApiErrors', 'createErrorsDocument']));
  });

  it('works without @opentelemetry/api installed: calls go out without trace context, failures are answered', async () => {
    // a consumer of its own: the package copied (a link would resolve from this repository), every other
    // package linked but OpenTelemetry's
    const bare = mkdtempSync(join(tmpdir(), 'faultline-no-otel-'));
    try {
      const modules = join(bare, 'node_modules');
      cpSync(join(consumer, 'node_modules', 'nestjs-faultline'), join(modules, 'nestjs-faultline'), {
        recursive: true,
      });
      for (const name of readdirSync(join(root, 'node_modules'))) {
        if (!name.startsWith('.') && name !== '@opentelemetry')
          symlinkSync(join(root, 'node_modules', name), join(modules, name));
      }
      write(
        join(bare, 'app.mjs'),
        `import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { ApiClient, DomainException, ErrorsModule } from 'nestjs-faultline';
let installed = true;
try { createRequire(import.meta.url).resolve('@opentelemetry/api'); } catch { installed = false; }
const seen = [];
const upstream = createServer((req, res) => { seen.push(req.headers); res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
await new Promise((listening) => upstream.listen(0, '127.0.0.1', listening));
const client = new ApiClient({ baseURL: 'http://127.0.0.1:' + upstream.address().port });
const { data } = await client.get('/x');
await client.close();
upstream.close();
class Users {
  missing() { throw new DomainException('NOT_FOUND'); }
  crash() { throw new Error('boom'); }
}
Get('missing')(Users.prototype, 'missing', Object.getOwnPropertyDescriptor(Users.prototype, 'missing'));
Get('crash')(Users.prototype, 'crash', Object.getOwnPropertyDescriptor(Users.prototype, 'crash'));
Controller()(Users);
class AppModule {}
Module({ imports: [ErrorsModule.forRoot({ defaultLocale: 'en', clientErrorLogLevel: false })], controllers: [Users] })(AppModule);
const app = await NestFactory.create(AppModule, { logger: false });
await app.listen(0, '127.0.0.1');
const base = await app.getUrl();
const answers = [];
for (const path of ['/missing', '/crash']) {
  const answer = await fetch(base + path);
  answers.push([answer.status, (await answer.json()).reason]);
}
await app.close();
console.log(JSON.stringify({ installed, data, traceparent: seen[0].traceparent ?? null, answers }));`,
      );
      const { status, stdout, stderr } = await node(['app.mjs'], bare);
      expect(stderr).toBe('');
      expect(status).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        installed: false,
        data: { ok: true },
        traceparent: null,
        answers: [
          [404, 'NOT_FOUND'],
          [500, 'INTERNAL_ERROR'],
        ],
      });
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('nestjs-faultline/advanced holds the building blocks; the root keeps them as deprecated aliases', async () => {
    writeFileSync(
      join(consumer, 'advanced.mjs'),
      `import * as advanced from 'nestjs-faultline/advanced';
import * as root from 'nestjs-faultline';
const names = Object.keys(advanced);
console.log(JSON.stringify({ names, different: names.filter((name) => root[name] !== advanced[name]) }));`,
    );
    const { status, stdout, stderr } = await node(['advanced.mjs'], consumer);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const seen = JSON.parse(stdout) as { names: string[]; different: string[] };
    expect(seen.names).toEqual(
      expect.arrayContaining(['planRetry', 'RetryBudget', 'redactUrl', 'requestContext']),
    );
    expect(seen.different).toEqual([]);
  });

  it('nestjs-faultline/testing loads in ESM and CommonJS as one module, with no test runner; the root entry leaves it out', async () => {
    write(join(consumer, 'testing-hooks.mjs'), RESOLVE_LOG_HOOKS);
    write(
      join(consumer, 'testing.mjs'),
      `import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const log = process.argv[2];
writeFileSync(log, '');
register('./testing-hooks.mjs', import.meta.url, { data: { log } });
const loaded = () => [...readFileSync(log, 'utf8').split('\\n'), ...Object.keys(createRequire(import.meta.url).cache)];
const root = await import('nestjs-faultline');
const rootLoaded = loaded().filter((url) => url.includes('/dist/testing/'));
const imported = await import('nestjs-faultline/testing');
const required = createRequire(import.meta.url)('nestjs-faultline/testing');
await import('nestjs-faultline/testing/vitest');
await import('nestjs-faultline/testing/jest');
const runners = ['vitest', '@vitest/expect', 'jest', 'expect', '@jest/expect', 'chai', 'supertest'].filter((name) =>
  loaded().some((url) => url.includes('/node_modules/' + name + '/')));
const upstream = await required.ScriptedUpstream.start();
upstream.script('/flaky', 503, 200);
const statuses = [(await fetch(upstream.url + '/flaky')).status, (await fetch(upstream.url + '/flaky')).status];
await upstream.close();
const names = Object.keys(imported);
console.log(JSON.stringify({ rootLoaded, runners, names, inRoot: names.filter((name) => name in root),
  different: names.filter((name) => imported[name] !== required[name]), statuses }));`,
    );
    write(
      join(consumer, 'testing.cjs'),
      `const { envelopeMatchers } = require('nestjs-faultline/testing');
require('nestjs-faultline/testing/vitest');
const body = { code: 404, reason: 'NOT_FOUND', message: 'Not found', requestId: 'r-1', timestamp: new Date().toISOString(), path: '/x' };
const headers = { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'r-1', 'cache-control': 'no-store', 'content-language': 'en' };
const verdict = envelopeMatchers.toBeEnvelope.call({ isNot: false }, { status: 404, headers, body }, { reason: 'NOT_FOUND' });
console.log(JSON.stringify({ pass: verdict.pass }));`,
    );
    const esm = await node(['testing.mjs', join(consumer, 'testing.log')], consumer);
    expect(esm.stderr).toBe('');
    expect(esm.status).toBe(0);
    expect(JSON.parse(esm.stdout)).toEqual({
      rootLoaded: [],
      runners: [],
      names: expect.arrayContaining(['envelopeMatchers', 'ScriptedUpstream', 'readResponse']),
      inRoot: [],
      different: [],
      statuses: [503, 200],
    });
    const cjs = await node(['testing.cjs'], consumer);
    expect(cjs.stderr).toBe('');
    expect(JSON.parse(cjs.stdout)).toEqual({ pass: true });
  });

  it.concurrent.each([
    {
      name: 'NodeNext',
      options: { module: 'NodeNext', moduleResolution: 'NodeNext' },
      formats: ['esm', 'cjs'],
      skipLibCheck: false,
    },
    {
      name: 'Node16',
      options: { module: 'Node16', moduleResolution: 'Node16' },
      formats: ['esm', 'cjs'],
      skipLibCheck: true,
    },
    {
      name: 'Bundler',
      options: { module: 'ESNext', moduleResolution: 'Bundler' },
      formats: ['esm'],
      skipLibCheck: true,
    },
    { name: 'module CommonJS', options: { module: 'CommonJS' }, formats: ['cjs'], skipLibCheck: true },
  ])(
    'types nestjs-faultline/testing and its vitest and jest matchers with $name',
    async ({ name, options, formats, skipLibCheck }) => {
      for (const [runner, source] of [
        ['vitest', vitestTestSource],
        ['jest', jestTestSource],
      ] as const) {
        const dir = join(consumer, `testing-types-${name.replace(/\W+/g, '-')}-${runner}`);
        const compilerOptions = {
          ...options,
          target: 'ES2023',
          lib: ['ES2023', 'DOM'],
          strict: true,
          types: ['node'],
          skipLibCheck,
          noEmit: true,
        };
        const sources = formats.map((format) => `${format}/${runner}.spec.ts`);
        write(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: sources }));
        for (const format of formats) {
          write(
            join(dir, format, 'package.json'),
            JSON.stringify({ type: format === 'esm' ? 'module' : 'commonjs' }),
          );
          write(join(dir, format, `${runner}.spec.ts`), source);
        }
        const result = await node([tsc, '-p', dir], dir);
        expect(result.stdout + result.stderr).toBe('');
        expect(result.status).toBe(0);
      }
    },
    120_000,
  );

  it('require() gives the very module import gives: one copy of every class, no warning', async () => {
    writeFileSync(
      join(consumer, 'consumer.cjs'),
      `const required = require('nestjs-faultline');
let deep;
try { require('nestjs-faultline/dist/errors/envelope.mapper.js'); deep = 'deep require allowed'; }
catch (error) { deep = error.code; }
import('nestjs-faultline').then((imported) => {
  const names = Object.keys(imported);
  console.log(JSON.stringify({
    names,
    requiredNames: Object.keys(required),
    different: names.filter((name) => required[name] !== imported[name]),
    errorsModule: required.ErrorsModule === imported.ErrorsModule,
    deep,
  }));
});`,
    );
    const { status, stdout, stderr } = await node(['consumer.cjs'], consumer);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    expect(seen.names).toEqual(expect.arrayContaining(['ErrorsModule', 'DomainException', 'ApiClient']));
    expect(seen.requiredNames).toEqual(seen.names);
    expect(seen.different).toEqual([]);
    expect(seen.errorsModule).toBe(true);
    expect(seen.deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('runs the nestjs-faultline bin, an ES module, once linked as npm links it', () => {
    const manifest = readFileSync(join(consumer, 'node_modules/nestjs-faultline/package.json'), 'utf8');
    const bin = (JSON.parse(manifest) as { bin: Record<string, string> }).bin['nestjs-faultline']!;
    expect(files).toContain(bin);
    const script = join(consumer, 'node_modules/nestjs-faultline', bin);
    expect(readFileSync(script, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    chmodSync(script, 0o755); // npm makes a bin executable when it installs the package
    const app = join(consumer, 'catalog-app');
    write(join(app, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    write(
      join(app, 'dist', 'app-errors.js'),
      `const { defineErrors } = require('nestjs-faultline/errors');
exports.AppErrors = defineErrors({ USER_NOT_FOUND: { code: 10001, status: 404, messages: { en: 'User {id} not found' } } });`,
    );
    const args = ['catalog', 'dist/app-errors.js', '--out', 'errors.ts', '--no-built-in'];
    expect(execFileSync(script, args, { cwd: app, encoding: 'utf8' })).toBe('wrote errors.ts (1 error)\n');
    expect(readFileSync(join(app, 'errors.ts'), 'utf8')).toContain(
      "export type ErrorReason =\n  | 'USER_NOT_FOUND';",
    );
  });

  it.concurrent.each(typeChecks)(
    'type-checks consumers with $name, skipLibCheck: $skipLibCheck',
    async ({ name, compilerOptions, consumers, skipLibCheck }) => {
      const dir = join(consumer, `types-${name.replace(/\W+/g, '-')}-${skipLibCheck ? 'skip' : 'full'}`);
      const options = {
        ...compilerOptions,
        target: 'ES2023',
        lib: ['ES2023'],
        strict: true,
        experimentalDecorators: true,
        types: ['node'],
        skipLibCheck,
        rootDir: '.',
        outDir: 'out',
      };
      const sources = consumers.map((format) => `${format}/consumer.ts`);
      write(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: sources }));
      for (const format of consumers) {
        const type = format === 'esm' ? 'module' : 'commonjs';
        write(join(dir, format, 'package.json'), JSON.stringify({ type }));
        write(join(dir, format, 'consumer.ts'), format === 'esm' ? consumerSource : commonJsSource);
      }
      const result = await node([tsc, '-p', dir], dir);
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
      // what each consumer's output became: require() calls for the CommonJS one, imports for the ESM one
      const emitted = { esm: "from 'nestjs-faultline'", cjs: 'require("nestjs-faultline")' };
      for (const format of consumers)
        expect(readFileSync(join(dir, 'out', format, 'consumer.js'), 'utf8')).toContain(emitted[format]);
    },
    120_000,
  );

  it.concurrent(
    'a Nest app compiled to CommonJS with decorator metadata boots on Express and answers with envelopes',
    async () => {
      const dir = join(consumer, 'app');
      write(join(dir, 'package.json'), JSON.stringify({ type: 'commonjs' }));
      write(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'CommonJS',
            target: 'ES2023',
            lib: ['ES2023'],
            strict: true,
            experimentalDecorators: true,
            emitDecoratorMetadata: true,
            types: ['node'],
            skipLibCheck: true,
            rootDir: 'src',
            outDir: 'out',
          },
          files: ['src/main.ts'],
        }),
      );
      write(join(dir, 'src', 'main.ts'), appSource);
      const built = await node([tsc, '-p', dir], dir);
      expect(built.stdout + built.stderr).toBe('');
      expect(built.status).toBe(0);
      const output = readFileSync(join(dir, 'out', 'main.js'), 'utf8');
      expect(output).toContain('require("nestjs-faultline")');
      expect(output).toContain('require("@nestjs/common")');

      const app = await listen(dir);
      try {
        const domain = await fetch(`${app.url}/users/42`);
        expect(domain.status).toBe(404);
        expect(domain.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await domain.json()).toMatchObject({
          code: 10001,
          reason: 'USER_NOT_FOUND',
          message: 'User 42 not found',
          details: { id: '42' },
          path: '/users/42',
        });
        const unknown = await fetch(`${app.url}/nowhere?x=1`);
        expect(unknown.status).toBe(404);
        expect(await unknown.json()).toMatchObject({ code: 404, reason: 'NOT_FOUND', path: '/nowhere' });
        expect(unknown.headers.get('x-request-id')).toMatch(/^[\w.:-]+$/);
      } finally {
        await app.stop();
      }
    },
    120_000,
  );
});
