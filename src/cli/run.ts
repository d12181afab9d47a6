/** The command line: which command runs, its usage, and how a failure ends the run. */
import { catalogCommand } from './catalog.command.js';
import { CliUsageError, messageOf, type CliIo } from './cli-io.js';

export const USAGE = `Usage: nestjs-faultline catalog <module>... [options]

Writes the error catalog of an app as JSON and as a TypeScript module: the
entries of every defineErrors(...) result the modules export, and the
built-in ones. The modules are imported: give compiled JavaScript that only
declares errors (e.g. dist/app-errors.js), not the app's entry point.

Options:
  --out <path>        write <path>.json and <path>.ts, or the one file <path>
                      names when it ends with .json or .ts;
                      without --out, the catalog is printed
  --format json|ts    what is printed without --out (default: json)
  --check             write nothing; fail when the files at --out are missing
                      or differ from what would be written (for CI)
  --no-built-in       leave out the library's own entries (NOT_FOUND, ...)
  -h, --help          show this help

Exit status: 0 done, 1 out of date (--check) or the catalog could not be
read, 2 bad arguments.
`;

/** Runs the command line `args` (without `node` and the script); resolves with the exit status. */
export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === undefined) {
      io.err(USAGE);
      return 2;
    }
    if ([command, ...rest].some((arg) => arg === '-h' || arg === '--help') || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (command !== 'catalog') throw new CliUsageError(`unknown command '${command}'`);
    return await catalogCommand(rest, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`nestjs-faultline: ${error.message}\nRun 'nestjs-faultline --help' for usage.\n`);
      return 2;
    }
    io.err(`nestjs-faultline: ${messageOf(error)}\n`);
    return 1;
  }
}
