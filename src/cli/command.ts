/** Where a CLI command writes; injected so tests can capture output. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A `courtside <name>` sub-command. Returns the process exit code. */
export interface CliCommand {
  readonly name: string;
  /** One line for `courtside help`. */
  readonly summary: string;
  /** Full usage text printed on a usage error. */
  readonly usage: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** Bad or missing arguments/input: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
