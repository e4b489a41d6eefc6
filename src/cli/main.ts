import { ConfigError, secretValues } from '../app/config/config.js';
import { applyEnvFile, EnvFileError, type EnvFileReport } from '../app/config/env-file.js';
import { makeScrubber } from '../lib/logging/scrub.js';
import { ServiceUnreachableError } from '../lib/service-unreachable.js';
import { UsageError, usageBlock, type CliIO } from './command.js';
import { CLI_COMMANDS } from './commands/index.js';
import { configProblemsText } from './config-problems.js';

const io: CliIO = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

function help(): string {
  const w = Math.max(...CLI_COMMANDS.map((c) => c.name.length));
  return `courtside — chat-first trading robot\n\nUsage: courtside <command> [options]\n\n${CLI_COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n')}\n\n\`courtside <command> --help\` shows a command's usage.\nEvery command reads ./.env (or the file COURTSIDE_ENV_FILE names); variables set in the environment win.\n`;
}

/** Runs a sub-command; exit 2 for usage or configuration errors, 1 for failures. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(help());
    return name ? 0 : 2;
  }
  const entry = CLI_COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${cmd.summary}\n\n${usageBlock(cmd.usage)}\n`);
    return 0;
  }
  // Every command sees ./.env (or COURTSIDE_ENV_FILE) the same way: merged under the environment, then validated by loadConfig.
  let envFile: EnvFileReport;
  try {
    envFile = applyEnvFile();
  } catch (err) {
    if (err instanceof EnvFileError) {
      io.stderr(`courtside ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  try {
    return await cmd.run(rest, io, { envFile });
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`courtside ${name}: ${(err as Error).message}\n\n${usageBlock(cmd.usage)}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.stderr(configProblemsText(err, envFile));
      return 2;
    }
    if (err instanceof ServiceUnreachableError) {
      io.stderr(`courtside ${name}: ${err.headline}\n${err.fix}\n`);
      return 1;
    }
    const scrub = makeScrubber(secretValues(process.env));
    io.stderr(`courtside ${name} failed: ${scrub((err as Error).message)}\n`);
    return 1;
  }
}

// `courtside signals … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const code = await main(process.argv.slice(2));
process.exitCode = code;
