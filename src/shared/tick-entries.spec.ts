import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepTickEntryShapes, keptTickEntry } from './tick-entries.js';

/**
 * A fresh Node process that, three times over, queues ticks and then runs
 * full collections while none is queued (enough in a row for V8 to stop
 * keeping unused shapes), then queues ticks again; it prints what V8 holds
 * for each computed-key store of `process.nextTick`'s entry.
 */
const SCRIPT = `
import { keepTickEntryShapes } from './tick-entries.mjs';
if (process.argv[2] === 'keep') keepTickEntryShapes();
const ticks = (n) => new Promise((done) => {
  let left = n;
  for (let i = 0; i < n; i++) process.nextTick(() => { if (--left === 0) done(); });
});
for (let round = 0; round < 3; round++) {
  await ticks(3000);
  await new Promise((done) => setTimeout(done, 5));
  await new Promise((done) => setImmediate(() => { for (let i = 0; i < 8; i++) globalThis.gc(); done(); }));
}
await ticks(1000);
new Function('f', '%DebugPrint(f)')(process.nextTick);
`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tick-entries-'));
  const source = readFileSync(join(import.meta.dirname, 'tick-entries.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  writeFileSync(join(dir, 'tick-entries.mjs'), outputText);
  writeFileSync(join(dir, 'main.mjs'), SCRIPT);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The states of the computed-key stores of `process.nextTick`, in a process run as `mode`. */
async function storeStates(mode: 'keep' | 'none'): Promise<string[]> {
  // one V8 thread: with V8's background threads on a busy machine, 4 of 48 processes without an
  // entry kept held the shapes through the collections (a compile job in flight, most likely) and
  // read as if they had one; with one thread, 0 of 48
  const flags = ['--single-threaded', '--expose-gc', '--allow-natives-syntax'];
  const child = spawn(process.execPath, [...flags, 'main.mjs', mode], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const [code] = await once(child, 'exit');
  expect(code).toBe(0);
  return [...out.matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((match) => match[1]!);
}

describe('keepTickEntryShapes', () => {
  it("keeps every computed-key store of process.nextTick's entry on its one shape through full collections", async () => {
    const [lost, kept] = await Promise.all([storeStates('none'), storeStates('keep')]);
    // without an entry kept, the collections free the shapes and the stores go megamorphic
    expect(lost).toContain('MEGAMORPHIC');
    expect(kept.length).toBeGreaterThanOrEqual(4);
    expect(new Set(kept)).toEqual(new Set(['MONOMORPHIC']));
  });

  it('keeps the entry of a tick, once per process', async () => {
    keepTickEntryShapes();
    await new Promise((done) => process.nextTick(done));
    const entry = keptTickEntry();
    const keys = Object.getOwnPropertySymbols(entry).map((symbol) => symbol.description);
    expect(keys).toContain('async_id_symbol');
    keepTickEntryShapes();
    await new Promise((done) => process.nextTick(done));
    expect(keptTickEntry()).toBe(entry);
  });
});
