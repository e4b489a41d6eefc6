/** CLI commands run inside the test process, with src/cli/main.ts's exit codes (not a test file itself). */
import { UsageError, type CliIO } from '../../../../src/cli/command.js';

/** What a command run printed, and the exit code main.ts would have given it. */
export interface InProcessRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs `cmd` with `args` and maps a thrown error as src/cli/main.ts does: bad arguments or input
 * (UsageError, node:util parseArgs errors) exit 2, anything else exits 1; the message goes to `err`.
 */
export async function runInProcess(cmd: { run(args: string[], io: CliIO): Promise<number> }, args: string[]): Promise<InProcessRun> {
  let out = '';
  let err = '';
  try {
    const code = await cmd.run(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { code, out, err };
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return { code: 2, out, err: err + (e as Error).message };
    return { code: 1, out, err: err + (e as Error).message };
  }
}
