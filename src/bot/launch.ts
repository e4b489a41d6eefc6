import type { Telegraf } from 'telegraf';
import { createBot, publishCommands } from './create-bot.js';
import { PollingLock } from './polling-lock.js';
import type { Redis } from 'ioredis';
import type { BotDeps } from './deps.js';

/** A running bot role. `webhookHandler` is set in webhook mode, for the HTTP server to mount. */
export interface BotRole {
  bot: Telegraf;
  /** True while this instance is the one long-polling getUpdates. */
  readonly polling: boolean;
  webhook: { path: string; handler: ReturnType<Telegraf['webhookCallback']> } | null;
  /** Resolves once this instance is polling (or the webhook is registered). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** Where and how the bot runs, besides its deps. */
export interface LaunchOptions {
  webhook: { url: string; secret: string } | null;
  /** This process, for the polling lock's owner field. */
  instanceId: string;
  pollLockTtlMs: number;
  /** Fail-fast Redis connection the polling lock lives on. */
  redis: Redis;
}

/**
 * Starts the telegraf bot: webhook mode when a webhook is configured,
 * otherwise long polling guarded by a Redis lock so only one instance polls.
 */
export async function launchTelegramBot(deps: BotDeps, opts: LaunchOptions): Promise<BotRole> {
  const blog = deps.log;
  const bot = createBot(deps);
  bot.botInfo = await bot.telegram.getMe();
  await publishCommands(bot).catch((err: unknown) => blog.warn({ err }, 'could not publish the command menu'));

  if (opts.webhook) {
    const { url, secret } = opts.webhook;
    const path = new URL(url).pathname || '/';
    await bot.telegram.setWebhook(url, { secret_token: secret, allowed_updates: ['message', 'callback_query'] });
    blog.info({ path }, 'webhook registered');
    return {
      bot,
      webhook: { path, handler: bot.webhookCallback(path, { secretToken: secret }) },
      ready: Promise.resolve(),
      polling: false,
      async stop() {
        /* Telegram keeps the webhook; updates queue at Telegram while we are down. */
      },
    };
  }

  const lock = new PollingLock(opts.redis, `${deps.config.redis.prefix}:bot:poll-lock:${bot.botInfo.id}`, opts.instanceId, opts.pollLockTtlMs, blog);
  let polling = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  const startPolling = () => {
    if (polling) return;
    polling = true;
    blog.info({ username: bot.botInfo?.username }, 'polling for updates');
    void bot
      .launch({ allowedUpdates: ['message', 'callback_query'] }, () => markReady())
      .catch((err: unknown) => {
        polling = false;
        blog.error({ err }, 'polling stopped with an error; will retry while holding the lock');
      });
  };
  const stopPolling = () => {
    if (!polling) return;
    polling = false;
    blog.warn('another instance holds the polling lock; standing by');
    try {
      bot.stop('lock lost');
    } catch (err) {
      blog.debug({ err }, 'bot.stop: not running (its launch had already ended)');
    }
  };
  lock.run(startPolling, stopPolling);
  // If Redis is down at start we cannot know who polls; poll anyway rather than leave users unanswered.
  setTimeout(() => {
    if (!lock.isHeld && !polling) {
      void opts.redis.ping().then(
        () => undefined,
        () => startPolling(),
      );
    }
  }, 2_000).unref();
  return {
    bot,
    webhook: null,
    ready,
    get polling() {
      return polling;
    },
    async stop() {
      if (polling) {
        polling = false;
        try {
          bot.stop('shutdown');
        } catch (err) {
          blog.debug({ err }, 'bot.stop at shutdown: already stopped');
        }
      }
      await lock.release();
    },
  };
}
