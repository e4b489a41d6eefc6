import type { Context, MiddlewareFn } from 'telegraf';
import type { BotDeps } from '../deps.js';
import { replyOf } from '../outbox/replies.js';
import { roleOf } from '../middleware.js';
import { classifyUpdate } from './exempt.js';
import { trackingJobsOf } from './job-tracking.js';
import { tooFastReply, tooManyQueuedReply } from './replies.js';
import { requestSlot } from './work-slots.js';

/** At most one "slow down" notice per user per minute; every other refusal is silent. */
const NOTICE_EVERY_MS = 60_000;

/**
 * One user cannot starve everyone: after authentication, each user's
 * messages and button presses draw from a token bucket (USER_RATE_PER_MIN,
 * burst USER_RATE_BURST), and each may hold at most USER_MAX_QUEUED jobs
 * waiting or running. /kill and /resume and their buttons skip both checks
 * for the users who may use them (see exempt.ts).
 * A refused update is audited; the user hears one polite notice a minute
 * for the rate (a refused button press is still answered, silently, so the
 * phone's spinner stops) and a polite answer for a full queue. If Redis does
 * not answer, updates go through: failing open keeps /status and the
 * "queue unavailable" answers working during an outage.
 *
 * `deps.jobs` must be a tracking producer (see job-tracking.ts): it is how
 * the jobs an update enqueues come to hold its slot.
 */
export function limitUsers(deps: BotDeps): MiddlewareFn<Context> {
  const { perMinute, burst } = deps.config.fairness;
  return async (ctx, next) => {
    const from = ctx.from;
    if (!from) return next();
    const kind = classifyUpdate(ctx, roleOf(ctx), deps.config.telegram.callbackKey, deps.now());
    if (kind === 'exempt') return next();

    const token = await deps.fairness.take(from.id, { perMinute, burst, noticeEveryMs: NOTICE_EVERY_MS }).catch((err: unknown) => {
      deps.log.warn({ err, userId: from.id }, 'rate bucket unavailable; taking the update');
      return { allowed: true as const };
    });
    if (!token.allowed) {
      await refuse(deps, ctx, 'fairness.rate_limited', token.notify ? tooFastReply(perMinute) : null);
      return;
    }
    if (kind === 'rate_only') return next();

    const slot = await requestSlot(deps, from.id, ctx.update.update_id);
    if (!slot.granted) {
      await refuse(deps, ctx, 'fairness.queue_full', tooManyQueuedReply(slot.held), { queued: slot.held });
      return;
    }
    await trackingJobsOf(() => next(), slot.settle);
  };
}

/**
 * Audits a refused update (like a stranger's, see authenticate) and answers
 * it: `reply` in the chat, or on the button; a button press is answered even
 * without a reply, so the client stops waiting.
 */
async function refuse(deps: BotDeps, ctx: Context, action: 'fairness.rate_limited' | 'fairness.queue_full', reply: string | null, extra: Record<string, unknown> = {}): Promise<void> {
  const from = ctx.from!;
  const cq = ctx.callbackQuery;
  const text = ctx.message && 'text' in ctx.message ? ctx.message.text : undefined;
  deps.metrics.commands.labels(cq ? '(button)' : '(message)', action === 'fairness.rate_limited' ? 'rate_limited' : 'queue_full').inc();
  await deps.audit
    .append({
      action,
      actor: from.id,
      username: from.username ?? null,
      chatId: ctx.chat?.id ?? null,
      updateId: ctx.update.update_id,
      kind: cq ? 'callback' : 'message',
      ...(cq ? { data: String('data' in cq ? cq.data : '').slice(0, 64) } : { text: text?.slice(0, 200) ?? null }),
      ...extra,
    })
    .catch((err: unknown) => deps.log.error({ err }, 'could not audit a refused update'));
  try {
    if (cq) await ctx.answerCbQuery(reply?.slice(0, 200));
    // Through the paced outbox like every reply (a 429 is retried there, not lost).
    else if (reply && ctx.chat) await replyOf(ctx)(reply);
  } catch (err) {
    // A refusal that cannot be delivered changes nothing; it must not turn into an error reply.
    deps.log.warn({ err, userId: from.id }, 'could not deliver a fairness refusal');
  }
}
