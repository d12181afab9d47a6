/**
 * `npm run bench [-- --quick] [-- --only=inbound,instructions,outbound,faults,memory,hostile,bomb]`
 * `[-- --repeat=N]`: nestjs-faultline next to its peers, progress on stderr, tables on stdout.
 */
import { Logger } from '@nestjs/common';
import { runBomb } from './bomb.js';
import { runFaults } from './faults.js';
import { runHostile } from './hostile.js';
import { runInbound } from './inbound.js';
import { runInstructions } from './instructions.js';
import { runMemory } from './memory.js';
import { runOutbound } from './outbound.js';
import {
  type BenchArgs,
  DevNullLogger,
  machine,
  parseArgs,
  progress,
  type Section,
  stopAllChildren,
} from './shared.js';

const RUNNERS: Record<Section, (args: BenchArgs) => Promise<void>> = {
  inbound: runInbound,
  instructions: runInstructions,
  outbound: runOutbound,
  faults: runFaults,
  memory: runMemory,
  hostile: runHostile,
  bomb: runBomb,
};

async function main(args: BenchArgs): Promise<void> {
  // ApiClient's warn lines (retries, budget) go where an app's logs would, not to stdout
  Logger.overrideLogger(new DevNullLogger());
  const started = performance.now();
  console.log(`# nestjs-faultline bench (${args.quick ? 'quick smoke run' : 'full run'})\n`);
  console.log(`machine: ${machine()}`);
  console.log(`sections: ${[...args.only].join(', ')}`);
  for (const [section, run] of Object.entries(RUNNERS) as [Section, (args: BenchArgs) => Promise<void>][]) {
    if (!args.only.has(section)) continue;
    progress(`section ${section}`);
    await run(args);
  }
  console.log(`\nwall time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping children`);
    void stopAllChildren().finally(() => process.exit(130));
  });
}

let args: BenchArgs;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

try {
  await main(args);
} catch (error) {
  process.exitCode = 1;
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
} finally {
  await stopAllChildren();
}
