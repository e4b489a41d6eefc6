/**
 * Runs `courtside backtest` in a child process exactly as src/cli/main.ts does
 * (UsageError → exit 2, other errors → 1), without depending on the command
 * being registered in src/cli/commands/index.ts yet.
 */
import { UsageError } from '../../../../src/cli/command.js';
import { backtestCommand } from '../../../../src/cli/commands/backtest.js';

const io = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t) };
try {
  process.exitCode = await backtestCommand.run(process.argv.slice(2), io);
} catch (err) {
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.stderr(`courtside backtest: ${(err as Error).message}\n\nUsage: ${backtestCommand.usage}\n`);
    process.exitCode = 2;
  } else {
    io.stderr(`courtside backtest failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
