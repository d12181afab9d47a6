#!/usr/bin/env node
/**
 * The `nestjs-faultline` command (the package's `bin`). It only reports how
 * the run ended through `process.exitCode`, so a pending write to stdout is
 * never cut short.
 */
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2), {
  cwd: process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
