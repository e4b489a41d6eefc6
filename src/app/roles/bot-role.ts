import { launchTelegramBot, type BotRole } from '../../bot/launch.js';
import type { AppContext } from '../context.js';

export type { BotRole } from '../../bot/launch.js';

/** Starts the bot role: the Telegram face wired to this process's services. */
export async function startBotRole(app: AppContext): Promise<BotRole> {
  const { config, log } = app;
  return launchTelegramBot(
    {
      config,
      log: log.child({ role: 'bot' }),
      audit: app.audit,
      killSwitch: app.killSwitch,
      jobs: app.jobs,
      redis: app.redis,
      metrics: app.metrics,
      status: app.statusSources,
      ds: app.ds,
      uow: app.uow,
      picks: app.picks,
      scrub: app.scrub,
      now: () => Date.now(),
    },
    { webhook: config.telegram.webhook, instanceId: app.instanceId, pollLockTtlMs: config.telegram.pollLockTtlMs, redis: app.redis },
  );
}
