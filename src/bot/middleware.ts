import type { Context, MiddlewareFn } from 'telegraf';
import type { Role } from '../lib/roles.js';
import type { BotDeps } from './deps.js';
import { replyOf } from './outbox/replies.js';
import { StrangerLog } from './strangers.js';
import { ignoredBecause } from '../jobs/ignore.js';

/** State the middleware chain attaches to a context. */
export interface AuthState {
  role: Role;
}

export function roleOf(ctx: Context): Role {
  return (ctx.state as AuthState).role;
}

/**
 * Drops an update we have already seen (Telegram redelivers after a restart
 * before the offset was confirmed). Best effort: if Redis is down we go on,
 * and queued commands are still de-duplicated by their jobId.
 *
 * The mark is "being handled" for a short while (long enough to drop a
 * duplicate racing the first delivery), and becomes "handled" for a day only
 * once the handler finished. An update whose handling threw, or whose process
 * died mid-way (a /kill that never reached the database), is not remembered,
 * so Telegram's redelivery of it is handled.
 */
export function dedupeUpdates(deps: BotDeps): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const key = `${deps.config.redis.prefix}:tg:update:${ctx.update.update_id}`;
    const fresh = await deps.redis.set(key, 'handling', 'EX', HANDLING_MARK_S, 'NX').catch((err: unknown) => {
      deps.log.debug({ err, updateId: ctx.update.update_id }, 'update mark unavailable (Redis); handled without de-duplication');
      return 'unknown' as const;
    });
    if (fresh === null) {
      deps.log.info({ updateId: ctx.update.update_id }, 'duplicate update ignored');
      return;
    }
    try {
      await next();
    } catch (err) {
      // Not remembered either way: the mark expires in HANDLING_MARK_S, and a redelivery after that is handled.
      await deps.redis.del(key).catch(ignoredBecause(deps.log, 'update mark not dropped after a failed handler; it expires on its own', { updateId: ctx.update.update_id }));
      throw err;
    }
    await deps.redis.set(key, 'handled', 'EX', 24 * 3600).catch(ignoredBecause(deps.log, 'update not marked handled; a redelivery is still caught by its job id', { updateId: ctx.update.update_id }));
  };
}

/** How long an update counts as "being handled" (a bot-side handler takes well under a second; queued work is de-duplicated by jobId). */
const HANDLING_MARK_S = 15;

/**
 * Holds the process's foreground gate while an update is handled: a person
 * is waiting, so background computation (incubation) pauses meanwhile.
 */
export function holdForeground(deps: BotDeps): MiddlewareFn<Context> {
  return async (_ctx, next) => {
    const release = deps.foreground?.();
    try {
      await next();
    } finally {
      release?.();
    }
  };
}

/**
 * Only allow-listed users get past this point. Everyone else gets one polite
 * refusal naming their user ID per hour, and every attempt is counted into
 * one audit row per stranger per minute (strangers.ts): a flood costs a Redis
 * round trip per update, no reply and no Postgres write.
 */
export function authenticate(deps: BotDeps): MiddlewareFn<Context> {
  const strangers = new StrangerLog({ redis: deps.redis, prefix: deps.config.redis.prefix, audit: deps.audit, log: deps.log, now: deps.now });
  return async (ctx, next) => {
    const from = ctx.from;
    if (!from) return; // channel posts and service updates: nobody to authorise
    const role = deps.config.telegram.allowed.get(from.id);
    if (role) {
      (ctx.state as AuthState).role = role;
      return next();
    }
    deps.metrics.commands.labels('(denied)', 'denied').inc();
    const text = ctx.message && 'text' in ctx.message ? ctx.message.text : undefined;
    const { reply } = await strangers.record({
      userId: from.id,
      username: from.username ?? null,
      chatId: ctx.chat?.id ?? null,
      kind: ctx.callbackQuery ? 'callback' : 'message',
      text: text?.slice(0, 200) ?? null,
      updateId: ctx.update.update_id,
    });
    if (!reply) return;
    const message = `⛔ Sorry, you are not allowed to use this bot.\nYour Telegram user ID is ${from.id}. If you own this bot, add it to TELEGRAM_ALLOWED_USER_IDS and restart.`;
    if (ctx.callbackQuery) await ctx.answerCbQuery(message.slice(0, 200), { show_alert: true });
    else if (ctx.chat) await replyOf(ctx)(message);
  };
}
