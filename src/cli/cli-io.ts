/** Where a command runs and writes: the process's, or a test's. */
export interface CliIo {
  /** The directory relative paths are read from. */
  readonly cwd: string;
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
}

/** Arguments that cannot be run: reported with a pointer to the usage, exit status 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
