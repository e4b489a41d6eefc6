import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROCESS_ROLES, startApp, type ProcessRole } from '../../app/start.js';
import { loadConfig } from '../../app/config/config.js';
import { UsageError, type CliCommand } from '../command.js';
import { modeLine, settingsLine } from '../startup-summary.js';
import { LOG_ROTATION, terminalLoggingFor } from '../../lib/logging/terminal-logging.js';

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'Run the robot (all roles, or --role bot|worker|scheduler; repeatable)',
  usage: 'courtside start [--role bot|worker|scheduler]... [--no-chat]\n  With no TELEGRAM_BOT_TOKEN it runs in local mode: an emulated Telegram you chat with from this terminal or `courtside chat`.',
  async run(args, io, ctx) {
    const { values } = parseArgs({ args, options: { role: { type: 'string', multiple: true }, 'no-chat': { type: 'boolean' } }, strict: true });
    const roles = (values.role ?? [...PROCESS_ROLES]) as ProcessRole[];
    for (const r of roles) if (!(PROCESS_ROLES as readonly string[]).includes(r)) throw new UsageError(`unknown role "${r}"; use one of ${PROCESS_ROLES.join(', ')}`);
    const envFile = ctx?.envFile ?? null;
    // The settings file's report too, so the configuration pin records which variables came from it (and their lines).
    const config = loadConfig(process.env, envFile);
    // Which file was read and which mode was chosen, and why: before anything can fail or scroll away.
    io.stderr(`${settingsLine(envFile)}\n${modeLine(config, envFile)}\n`);
    // On a terminal the logs go to a rotated file (the chat stays readable); services and pipes keep JSON on stdout.
    const logs = await terminalLoggingFor(process.stdout.isTTY === true, config.home);
    if (logs) io.stderr(`Logs: ${logs.path} (a new file every ${LOG_ROTATION.size}B, ${LOG_ROTATION.keep} kept)\n`);
    const running = await startApp(config, { roles, ...(logs ? { logDestination: logs.destination } : {}) });
    running.app.log.info({ settingsFile: envFile?.found ? envFile.path : null, fromFile: envFile ? [...envFile.applied.keys()] : [], mode: running.app.mode }, 'settings');
    let exiting = false;
    const shutdown = (signal: string) => {
      if (exiting) {
        io.stderr(`second ${signal}: exiting now\n`);
        process.exit(1);
      }
      exiting = true;
      void running.stop().then(
        async () => {
          await logs?.close();
          process.exit(0);
        },
        () => process.exit(1),
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    const local = running.config.local.enabled && running.emulator;
    if (local) {
      io.stderr(
        `\nCourtside is running in LOCAL MODE (no TELEGRAM_BOT_TOKEN): Telegram is emulated at ${running.emulator!.url}, health at http://${config.http.host}:${running.httpPort}/healthz\n` +
          `From another terminal: npx courtside chat "/status"\n\n`,
      );
    }
    if (local && roles.includes('bot') && process.stdin.isTTY && process.stdout.isTTY && !values['no-chat']) {
      await running.bot?.ready;
      // Loaded only here: `start --role worker` and `start --help` need none of the terminal chat.
      const { runTerminalChat } = await import('../chat/terminal-chat.js');
      await runTerminalChat({ baseUrl: running.emulator!.url, userId: config.local.userId, photoDir: join(config.home, 'photos'), onExit: () => shutdown('SIGINT'), ...(logs ? { notices: logs.notices } : {}) });
    }
    // Keep running until a signal arrives.
    await new Promise<never>(() => undefined);
    return 0;
  },
};
