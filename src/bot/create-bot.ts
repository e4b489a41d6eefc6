import { Telegraf } from 'telegraf';
import type { BotDeps } from './deps.js';
import { handleCallback } from './handle-callback.js';
import { handleMessage } from './handle-message.js';
import { authenticate, dedupeUpdates, holdForeground } from './middleware.js';
import { COMMANDS } from './commands/index.js';
import { trackingProducer } from './fairness/job-tracking.js';
import { limitUsers } from './fairness/limit-users.js';
import { queueReplies, replyOf } from './outbox/replies.js';

/**
 * Builds the telegraf bot: give each update its queued reply, de-duplicate,
 * authenticate, hold each user to their fair share, then route messages and
 * button presses.
 */
export function createBot(botDeps: BotDeps): Telegraf {
  // Handlers enqueue through a producer that notes each job against the user's update (see limitUsers).
  const deps: BotDeps = { ...botDeps, jobs: trackingProducer(botDeps.jobs) };
  const bot = new Telegraf(deps.config.telegram.token, {
    telegram: { apiRoot: deps.config.telegram.apiRoot, webhookReply: false },
    handlerTimeout: 60_000,
  });
  // Replies go through the outbox (paced, 429-safe); untracked, so a reply does not hold the user's fairness slot.
  bot.use(holdForeground(deps));
  bot.use(queueReplies({ jobs: botDeps.jobs, log: deps.log }));
  bot.use(dedupeUpdates(deps));
  bot.use(authenticate(deps));
  bot.use(limitUsers(deps));
  bot.on('callback_query', handleCallback(deps));
  bot.on('message', handleMessage(deps));
  bot.catch(async (err, ctx) => {
    const text = deps.scrub(err instanceof Error ? err.message : String(err));
    deps.log.error({ err, updateId: ctx.update.update_id }, 'update handler failed');
    try {
      if (ctx.callbackQuery) await ctx.answerCbQuery('Something went wrong; nothing was changed. Try again.');
      else if (ctx.chat) await replyOf(ctx)(`❌ Something went wrong on our side (${text.slice(0, 200)}). Try again; if it keeps failing, check /status.`);
    } catch (replyErr) {
      deps.log.error({ err: replyErr }, 'could not tell the user about a failure');
    }
  });
  return bot;
}

/** The command menu shown by Telegram clients. */
export async function publishCommands(bot: Telegraf): Promise<void> {
  await bot.telegram.setMyCommands(COMMANDS.map((c) => ({ command: c.name, description: c.summary.slice(0, 256) })));
}
