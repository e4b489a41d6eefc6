import type { Context, MiddlewareFn } from 'telegraf';
import type { JobProducer } from '../../jobs/producer.js';
import { asFormatted, type Formatted, type Keyboard } from '../format/message.js';

/** What a reply may carry besides its text: inline buttons. */
export interface ReplyExtra {
  reply_markup?: { inline_keyboard: Keyboard };
}

/**
 * Answers the update's chat. Goes through the outbox (the notify queue: paced
 * per chat, 429 retry_after honoured), so a rate limit on the reply delays it
 * instead of losing it. Resolves once the reply is queued (or, when Redis
 * does not answer, sent directly).
 */
export type Reply = (text: string | Formatted, extra?: ReplyExtra) => Promise<void>;

/** What the reply middleware needs. */
export interface ReplyDeps {
  /** The producer (untracked: a reply must not hold the user's fairness slot). */
  jobs: Pick<JobProducer, 'add'>;
  log: { warn(obj: object, msg: string): void };
}

interface ReplyState {
  reply?: Reply;
}

/**
 * Gives every update a {@link Reply}. The replies an update's handler makes
 * are collected and queued together, once the handler is done, as ONE notify
 * job `tg-<update id>-direct` whose messages are sent in order (separate jobs
 * could overtake each other: several consumers, per-chat pacing); a
 * redelivered update (handled again after a crash) queues nothing twice. If
 * the queue cannot take it (Redis down) the replies are sent directly, in
 * order — still the answer the user needs most then ("Queue unavailable", the
 * /kill confirmation).
 */
export function queueReplies(deps: ReplyDeps): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const pending: { text: string | Formatted; extra?: ReplyExtra }[] = [];
    (ctx.state as ReplyState).reply = async (text, extra) => {
      pending.push({ text, ...(extra ? { extra } : {}) });
    };
    try {
      await next();
    } finally {
      // A handler that failed half-way still says what it said. Replies made after this (the bot's
      // error handler runs once the chain has unwound) are queued one by one, after these.
      const state = ctx.state as ReplyState;
      let late = 0;
      state.reply = (text, extra) => flush(ctx, deps, [{ text, ...(extra ? { extra } : {}) }], `late-${late++}`);
      if (pending.length > 0) await flush(ctx, deps, pending);
    }
  };
}

async function flush(ctx: Context, deps: ReplyDeps, replies: { text: string | Formatted; extra?: ReplyExtra }[], suffix = ''): Promise<void> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return;
  const ops = replies.map(({ text, extra }) => {
    const keyboard = extra?.reply_markup?.inline_keyboard;
    return { kind: 'text' as const, ...asFormatted(text), ...(keyboard ? { keyboard } : {}) };
  });
  const jobId = `tg-${ctx.update.update_id}-direct${suffix ? `-${suffix}` : ''}`;
  try {
    await deps.jobs.add('notify.deliver', { chatId, ops, origin: 'reply' }, { jobId });
  } catch (err) {
    deps.log.warn({ err, jobId }, 'replies not queued; sending them directly');
    for (const { text, extra } of replies) await directReply(ctx)(text, extra);
  }
}

/** The update's reply (queued through the outbox); a direct reply when no middleware set one (tests building a bare context). */
export function replyOf(ctx: Context): Reply {
  return (ctx.state as ReplyState).reply ?? directReply(ctx);
}

function directReply(ctx: Context): Reply {
  return async (text, extra) => {
    const f = asFormatted(text);
    await ctx.reply(f.text, { ...(f.entities ? { entities: f.entities } : {}), ...(extra?.reply_markup ? { reply_markup: extra.reply_markup } : {}) });
  };
}
