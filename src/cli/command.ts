import type { EnvFileReport } from '../app/config/env-file.js';

/** Where a CLI command writes; injected so tests can capture output. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** What main.ts did before the command ran. */
export interface CliContext {
  /** The settings file read into the environment (./.env or COURTSIDE_ENV_FILE); null when a test calls a command directly. */
  envFile: EnvFileReport | null;
}

/** A `courtside <name>` sub-command. Returns the process exit code. */
export interface CliCommand {
  readonly name: string;
  /** One line for `courtside help`. */
  readonly summary: string;
  /** Full usage text printed on a usage error, starting with `courtside <name>` (main.ts puts "Usage: " before it). */
  readonly usage: string;
  run(args: string[], io: CliIO, ctx?: CliContext): Promise<number>;
}

/** Bad or missing arguments/input: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** "Usage: courtside …" once, whether or not a command's usage text already starts with "Usage:". */
export function usageBlock(usage: string): string {
  return `Usage: ${usage.replace(/^\s*Usage:\s*/, '')}`;
}
