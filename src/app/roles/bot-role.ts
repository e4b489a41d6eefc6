import { launchTelegramBot, type BotRole } from '../../bot/launch.js';
import type { AppContext } from '../context.js';
import { RedisUserFairness } from '../../adapters/redis/fairness/redis-user-fairness.js';
import type { StuckDeps } from '../../trading/execution/stuck.js';
import { createTradingDeps, executionDeps } from '../trading-deps.js';

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
      fairness: new RedisUserFairness(app.redis, config.redis.prefix),
      status: app.statusSources,
      ds: app.ds,
      uow: app.uow,
      picks: app.picks,
      scrub: app.scrub,
      now: () => Date.now(),
      ...stuckDeps(app),
    },
    { webhook: config.telegram.webhook, instanceId: app.instanceId, pollLockTtlMs: config.telegram.pollLockTtlMs, redis: app.redis },
  );
}

/** /stuck and /resolve look orders up at the configured broker (never order); none when the broker cannot be built here. */
function stuckDeps(app: AppContext): { stuck?: StuckDeps } {
  try {
    const trading = createTradingDeps(app.config, app.ds, app.log.child({ component: 'broker', role: 'bot' }));
    return { stuck: { execution: executionDeps(app, trading), resolveAfterMs: app.config.recovery.resolveAfterMs } };
  } catch (err) {
    app.log.warn({ err: String(err) }, '/stuck and /resolve are unavailable in this process: no broker');
    return {};
  }
}
