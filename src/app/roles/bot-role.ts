import { launchTelegramBot, type BotRole as TelegramBotRole } from '../../bot/launch.js';
import { StrangerLog } from '../../bot/strangers.js';
import type { AppContext } from '../context.js';
import { RedisUserFairness } from '../../adapters/redis/fairness/redis-user-fairness.js';
import type { StuckDeps } from '../../trading/execution/stuck.js';
import type { BotDeps } from '../../bot/deps.js';
import { sharedCalendarOverrides } from '../../trading/calendar/overrides-source.js';
import { createKrTrading, createTradingDeps, executionDeps, krLane } from '../trading-deps.js';
import { preflightRunner } from '../preflight-checks.js';

/** How often a bot process writes the strangers' finished minutes to the audit log. */
const STRANGER_FLUSH_EVERY_MS = 15_000;

/** The running bot role: the Telegram face, and the strangers' audit counters it flushes. */
export interface BotRole extends TelegramBotRole {
  strangers: StrangerLog;
}

/** Starts the bot role: the Telegram face wired to this process's services. */
export async function startBotRole(app: AppContext): Promise<BotRole> {
  const { config, log } = app;
  const role = await launchTelegramBot(
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
      notifier: app.publisher,
      ds: app.ds,
      uow: app.uow,
      picks: app.picks,
      scrub: app.scrub,
      now: () => Date.now(),
      foreground: () => app.foreground.hold(),
      ...stuckDeps(app),
      preflight: preflightRunner(app),
    },
    { webhook: config.telegram.webhook, instanceId: app.instanceId, pollLockTtlMs: config.telegram.pollLockTtlMs, redis: app.redis },
  );
  const strangers = new StrangerLog({ redis: app.redis, prefix: config.redis.prefix, audit: app.audit, log: log.child({ role: 'bot', component: 'strangers' }), now: () => Date.now(), instance: app.instanceId });
  const stopFlushing = strangers.startFlushing(STRANGER_FLUSH_EVERY_MS);
  return {
    bot: role.bot,
    webhook: role.webhook,
    ready: role.ready,
    get polling() {
      return role.polling;
    },
    strangers,
    async stop() {
      stopFlushing();
      await role.stop();
      // Finished minutes now; the current one stays counted in Redis for the next flush (this or another process).
      await strangers.flush().catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not flush the stranger counters'));
    },
  };
}

/** /stuck and /resolve look orders up at the configured broker (never order); none when the broker cannot be built here. */
function stuckDeps(app: AppContext): { stuck?: StuckDeps; brokerClock?: BotDeps['brokerClock'] } {
  try {
    const trading = createTradingDeps(app.config, app.ds, app.log.child({ component: 'broker', role: 'bot' }), { redis: app.redis, prefix: app.config.redis.prefix });
    const broker = trading.broker;
    const clock = broker.clock ? { brokerClock: { name: broker.name, read: () => broker.clock!() } } : {};
    // KR orders are looked up and settled at the KR broker (KIS, or the KR paper book).
    const kr = krLane(app, createKrTrading(app.config, app.ds, app.log.child({ component: 'broker', role: 'bot' }), { redis: app.redis, prefix: app.config.redis.prefix }, { calendarOverrides: sharedCalendarOverrides(app.uow) })).execution;
    return { stuck: { execution: executionDeps(app, trading), kr, resolveAfterMs: app.config.recovery.resolveAfterMs, alerts: app.alerts }, ...clock };
  } catch (err) {
    app.log.warn({ err: String(err) }, '/stuck and /resolve are unavailable in this process: no broker');
    return {};
  }
}
