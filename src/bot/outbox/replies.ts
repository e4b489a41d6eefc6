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
 * Gives every update a {@link Reply} keyed by its update id: the n-th reply
 * to update U is the notify job `tg-U-direct-n`, so a redelivered update
 * (handled again after a crash) queues nothing twice. If the queue cannot
 * take it (Redis down) the reply is sent directly — still the answer the
 * user needs most then ("Queue unavailable", the /kill confirmation).
 */
export function queueReplies(deps: ReplyDeps): MiddlewareFn<Context> {
  return async (ctx, next) => {
    (ctx.state as ReplyState).reply = queuedReply(ctx, deps);
    return next();
  };
}

/** The update's reply (queued through the outbox); a direct reply when no middleware set one (tests building a bare context). */
export function replyOf(ctx: Context): Reply {
  return (ctx.state as ReplyState).reply ?? directReply(ctx);
}

function queuedReply(ctx: Context, deps: ReplyDeps): Reply {
  let n = 0;
  return async (text, extra) => {
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return;
    const f = asFormatted(text);
    const keyboard = extra?.reply_markup?.inline_keyboard;
    const jobId = `tg-${ctx.update.update_id}-direct-${n++}`;
    try {
      await deps.jobs.add('notify.deliver', { chatId, ops: [{ kind: 'text', ...f, ...(keyboard ? { keyboard } : {}) }], origin: 'reply' }, { jobId });
    } catch (err) {
      deps.log.warn({ err, jobId }, 'reply not queued; sending it directly');
      await directReply(ctx)(text, extra);
    }
  };
}

function directReply(ctx: Context): Reply {
  return async (text, extra) => {
    const f = asFormatted(text);
    await ctx.reply(f.text, { ...(f.entities ? { entities: f.entities } : {}), ...(extra?.reply_markup ? { reply_markup: extra.reply_markup } : {}) });
  };
}
