import { loadConfig } from '../../src/app/config/config.js';
import { startApp, type ProcessRole, type RunningApp } from '../../src/app/start.js';
import type { TelegramEmulator } from '../../src/dev/telegram/index.js';
import { REDIS_URL, type BenchResources } from './resources.js';

export interface LocalApp {
  running: RunningApp;
  emulator: TelegramEmulator;
  prefix: string;
  /** The environment the config was loaded from (for the report). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the real app in local mode (no bot token: it starts its own Bot API emulator) against a
 * throwaway database and Redis prefix, on free ports, with logging off. The config is built
 * from `env` only — never from process.env — so a developer's .env cannot leak in.
 */
export async function startLocalApp(resources: BenchResources, env: Record<string, string>, roles: ProcessRole[] = ['bot', 'worker', 'scheduler']): Promise<LocalApp> {
  const prefix = resources.redisPrefix();
  const full: Record<string, string> = {
    DATABASE_URL: await resources.database(),
    REDIS_URL,
    REDIS_PREFIX: prefix,
    HTTP_PORT: '0',
    LOCAL_BOT_API_PORT: '0',
    LOG_LEVEL: 'silent',
    COURTSIDE_HOME: resources.tempDir(),
    // The worker otherwise loads the embedded market data in the background at start, which
    // competes with whatever is being measured; sections that need the data pass 'true'.
    SEED_DEFAULT_DATA: 'false',
    // Scheduled scans firing mid-measurement would skew the figures.
    SCHEDULE_ENABLED: 'false',
    // Measure the same path on any day: outside the session an Approve queues for the open and
    // orders nothing (issue 13), so a bench run on a weekend would time a different thing.
    MARKET_HOURS: 'always',
    ...env,
  };
  const config = loadConfig(full);
  if (!config.local.enabled) throw new Error('bench apps run in local mode: do not pass TELEGRAM_BOT_TOKEN');
  const running = await startApp(config, { roles, httpPort: 0 });
  // Stopped before the database and keys are removed, also on Ctrl-C (stop() is idempotent).
  resources.onCleanup(() => running.stop());
  try {
    if (!running.emulator || !running.bot) throw new Error('local mode did not start the bot and its emulator');
    await Promise.race([
      running.bot.ready,
      new Promise((_, reject) => setTimeout(() => reject(new Error('bot did not start polling within 15 s')), 15_000).unref()),
    ]);
    if (full.SEED_DEFAULT_DATA !== 'false') await quiesceSeeding(running, prefix);
  } catch (err) {
    await running.stop();
    throw err;
  }
  return { running, emulator: running.emulator, prefix, env: full, stop: () => running.stop() };
}

/** Waits (up to 5 minutes) until the worker's background seed of the default data is done. */
async function quiesceSeeding(running: RunningApp, prefix: string): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  await new Promise((r) => setTimeout(r, 200));
  while (Date.now() < deadline && (await running.app.redis.exists(`${prefix}:bars:seeding`)) === 1) await new Promise((r) => setTimeout(r, 250));
}
