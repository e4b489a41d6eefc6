import type { Context } from 'telegraf';
import { marketHoursFor } from '../../engine/market-hours.js';
import type { Market } from '../../engine/market/markets.js';
import { krQueueHours } from './kr-queue-hours.js';
import { roleAllows, type Role } from '../../lib/roles.js';
import type { ConfirmRefusal } from '../../trading/confirmations/confirmations.js';
import { cancelConfirm, confirmFlattenQueue, flattenQueueBinding, type KillConfirmDeps } from '../../trading/kill-switch/confirm.js';
import { cancelQueued, queueEntry, queueFlatten, type CancelQueuedResult, type QueueDeps, type QueuedOrder } from '../../trading/queue/queued-orders.js';
import { queueButton } from './queue-button.js';
import type { BotDeps } from '../deps.js';
import { nyClock } from '../format/ny-time.js';
import { marketClock, notQueuedText, openWords, queuedAnswer, queuedCancelledText, queuedCardLine, queuedWhat } from '../views/queue-view.js';
import { pickMarket } from '../views/pick-card.js';
import { editCard } from './approvals.js';
import { fitCallbackAnswer } from '../format/limits.js';
import { auditOrLog } from '../audited.js';
import { ignoredBecause, EDIT_MAY_FAIL } from '../../jobs/ignore.js';

// The buttons' signed data (ops e, c, f, d) is made in queue-button.ts; re-exported for the callers that import it from here.
export { queueButton };

/** The Cancel button of a queued order: valid until it expires. */
export function cancelQueuedKeyboard(key: Buffer, q: QueuedOrder): { text: string; callback_data: string }[][] {
  return [[{ text: `✖ Cancel ${q.id}`, callback_data: queueButton(key, 'c', q.id, q.expiresAt.getTime()) }]];
}

/** What the US queue use cases need, as this bot process runs them. */
export function queueDeps(deps: BotDeps): QueueDeps {
  const clock = deps.brokerClock;
  return { db: deps.uow, hours: marketHoursFor(deps.config), now: () => new Date(deps.now()), log: deps.log, market: 'US', ...(clock ? { brokerClock: () => clock.read() } : {}) };
}

/** The queue of `market` as this bot process runs it: US as {@link queueDeps}; KR on KRX's hours ({@link krQueueHours}), without the US broker's clock. */
export async function queueDepsFor(deps: BotDeps, market: Market): Promise<QueueDeps> {
  if (market === 'US') return queueDeps(deps);
  return { db: deps.uow, hours: await krQueueHours(deps), now: () => new Date(deps.now()), log: deps.log, market: 'KR' };
}

/** Handles one press of a queue button; always answers the query. */
export async function handleQueueCallback(deps: BotDeps, ctx: Context, arg: string, role: Role): Promise<void> {
  if (!ctx.from) return;
  const op = arg.slice(0, 1);
  const id = arg.slice(1);
  const chatId = ctx.chat?.id ?? ctx.from.id;
  const cq = ctx.callbackQuery;
  const cardMessageId = cq && 'message' in cq && cq.message ? cq.message.message_id : undefined;
  const answer = (text: string, alert = false) => ctx.answerCbQuery(fitCallbackAnswer(text), { show_alert: alert });
  const audit = (action: string, extra: Record<string, unknown>) =>
    auditOrLog(deps, { action, actor: ctx.from!.id, chatId, ...extra });
  switch (op) {
    case 'e': {
      if (!roleAllows(role, 'trader')) {
        await answer('Only a trader or admin can queue an order.', true);
        return;
      }
      const ks = await deps.killSwitch.state();
      if (ks.engaged) {
        await audit('pick.queue_refused', { pickId: id, reason: 'kill_switch' });
        await answer(`🛑 Kill switch is ON (${ks.reason ?? 'no reason'}): nothing was queued and the pick stays open.`, true);
        return;
      }
      // The pick's market decides whose open it waits for (a KRX code: KRX's continuous session, in KST).
      const pick = await deps.picks.get(id).catch(ignoredBecause(deps.log, 'pick unreadable before queueing; queued on its symbol-less default (the US queue refuses a KR pick)', { pickId: id }));
      const market = pick ? pickMarket(pick) : 'US';
      const clock = (at: Date) => marketClock(market, at);
      const res = await queueEntry(await queueDepsFor(deps, market), { pickId: id, userId: ctx.from.id, role, chatId, ...(cardMessageId ? { cardMessageId } : {}) });
      switch (res.kind) {
        case 'queued': {
          await audit('order.queued', { queuedId: res.order.id, pickId: id, approvalId: res.order.approvalId, market: res.order.market, sendAt: res.order.sendAt.toISOString(), expiresAt: res.order.expiresAt.toISOString() });
          await editCard(deps, ctx.telegram, { pickId: id, chatId, ...(cardMessageId ? { cardMessageId } : {}) }, queuedCardLine(res.order, ctx.from.first_name), cancelQueuedKeyboard(deps.config.telegram.callbackKey, res.order));
          await answer(queuedAnswer(res.order));
          return;
        }
        case 'market_open':
          await answer(`${market === 'KR' ? 'KRX takes orders now' : 'The market is open now'}: tap ✅ Approve (or send /approve with the pick id) to order it at once.`, true);
          return;
        case 'no_session':
          await answer(`No session ahead in the ${market === 'KR' ? 'KRX' : 'exchange'} calendar: nothing was queued.`, true);
          return;
        case 'forbidden':
          await answer('Only a trader or admin can queue an order.', true);
          return;
        case 'already_decided':
          // A stale button (tapped twice, or after Approve/Reject/a queue elsewhere): the pick's state says why.
          await answer(`Already ${res.state.toLowerCase()}${res.decidedAt ? ` at ${clock(res.decidedAt)}` : ''}. Nothing changed.`, true);
          return;
        case 'expired':
          await answer(`This pick expired at ${clock(res.expiredAt)}; nothing was queued. Run /scan${market === 'KR' ? ' kr' : ''} for fresh picks.`, true);
          return;
        case 'not_found':
          await answer(`No pick "${id}". See /picks for the current ones.`, true);
          return;
      }
      return;
    }
    case 'c': {
      const res = await cancelQueued(queueDeps(deps), { id, by: ctx.from.id, role });
      await answer(cancelAnswer(res), res.kind !== 'cancelled');
      if (res.kind === 'cancelled') {
        await audit('order.queue_cancelled', { queuedId: res.order.id, how: 'button' });
        const q = res.order;
        if (q.kind === 'entry' && q.pickId) await editCard(deps, ctx.telegram, { pickId: q.pickId, chatId, ...(cardMessageId ? { cardMessageId } : {}) }, `✖ Queued order ${q.id} cancelled by ${ctx.from.first_name}: nothing was ordered`);
        else await ctx.editMessageText(queuedCancelledText(q)).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
      }
      return;
    }
    case 'f':
    case 'd':
    case 'g':
    case 'h': {
      if (!roleAllows(role, 'admin')) {
        await answer('Only an admin can flatten positions.', true);
        return;
      }
      // f/d: the US (NYSE) flatten queue offer; g/h: the KR (KRX) one. Each token is bound to its market and the kill epoch.
      const market: Market = op === 'g' || op === 'h' ? 'KR' : 'US';
      const kd: KillConfirmDeps = { killSwitch: deps.killSwitch, db: deps.uow, now: () => new Date(deps.now()) };
      if (op === 'd' || op === 'h') {
        await cancelConfirm(kd, flattenQueueBinding(market), id, ctx.from.id);
        await audit('flatten.queue_declined', { market });
        await answer('Not queued.');
        await ctx.editMessageText(`${market === 'KR' ? 'KR flatten' : 'Flatten'} not queued: positions are kept. The kill switch stays ON.`).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
        return;
      }
      const r = await confirmFlattenQueue(kd, id, ctx.from.id, market);
      if (r.kind === 'refused') {
        await audit('flatten.queue_refused', { refusal: r.refusal.kind, market });
        await answer(refusalWords(r.refusal), true);
        return;
      }
      const res = await queueFlatten(await queueDepsFor(deps, market), { killEpoch: r.epoch, userId: ctx.from.id, role, chatId });
      if (res.kind === 'queued' || res.kind === 'already_queued') {
        const q = res.order;
        await audit('flatten.queued', { queuedId: q.id, epoch: r.epoch, market });
        await answer(queuedAnswer(q));
        await ctx
          .editMessageText(
            `⏰ ${market === 'KR' ? 'KR flatten' : 'Flatten'} queued for ${openWords(market)} (${q.id}) by ${ctx.from.first_name}: ${queuedWhat(q)} at ${marketClock(market, q.sendAt)}, bound to this kill; expires ${marketClock(market, q.expiresAt)}. /cancel ${q.id}`,
            { reply_markup: { inline_keyboard: cancelQueuedKeyboard(deps.config.telegram.callbackKey, q) } },
          )
          .catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
        return;
      }
      await answer(res.kind === 'market_open' ? `${market === 'KR' ? 'KRX takes orders now' : 'The market is open now'}: send /kill flatten again to sell at once.` : 'Nothing was queued.', true);
      return;
    }
    default:
      await answer('This button is not valid. Send the command again.', true);
  }
}

/** The answer to a Cancel press or `/cancel <id>`. */
export function cancelAnswer(res: CancelQueuedResult): string {
  switch (res.kind) {
    case 'cancelled':
      return queuedCancelledText(res.order);
    case 'not_queued':
      return notQueuedText(res.order);
    case 'not_found':
      return `No queued order "${res.id}". /cancel without an id lists them.`;
    case 'forbidden':
      return `Only ${res.needed === 'admin' ? 'an admin' : 'a trader or admin'} can cancel that.`;
  }
}

function refusalWords(r: ConfirmRefusal): string {
  switch (r.kind) {
    case 'stale':
      return 'This offer is out of date: the kill switch changed since it was shown. Nothing was queued.';
    case 'used':
      return r.how === 'cancelled' ? 'This offer was cancelled. Send /kill flatten again.' : 'This offer was already used.';
    case 'expired':
      return 'This offer has expired. Send /kill flatten again.';
    case 'unknown':
      return 'This button is not valid. Send the command again.';
  }
}
