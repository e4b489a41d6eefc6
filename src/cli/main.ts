import { ConfigError } from '../app/config/config.js';
import { makeScrubber } from '../lib/logging/scrub.js';
import { UsageError, type CliIO } from './command.js';
import { CLI_COMMANDS } from './commands/index.js';

const io: CliIO = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

function help(): string {
  const w = Math.max(...CLI_COMMANDS.map((c) => c.name.length));
  return `courtside — chat-first trading robot\n\nUsage: courtside <command> [options]\n\n${CLI_COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n')}\n\n\`courtside <command> --help\` shows a command's usage.\n`;
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
    io.stdout(`${cmd.summary}\n\nUsage: ${cmd.usage}\n`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`courtside ${name}: ${(err as Error).message}\n\nUsage: ${cmd.usage}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.stderr(err.message + '\n');
      return 2;
    }
    // Library errors can embed request URLs that contain the bot token.
    const scrub = makeScrubber([process.env.TELEGRAM_BOT_TOKEN ?? '', process.env.TELEGRAM_WEBHOOK_SECRET ?? '', process.env.CALLBACK_SECRET ?? '']);
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
