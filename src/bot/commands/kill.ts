import { z } from 'zod';
import { bold, fmt } from 'telegraf/format';
import { QueueUnavailableError } from '../../lib/errors.js';
import { CONFIRM_TTL_MS } from '../../trading/confirmations/confirmations.js';
import { askFlatten, askFlattenQueue } from '../../trading/kill-switch/confirm.js';
import { marketHoursFor } from '../../engine/market-hours.js';
import { cancelAllQueued } from '../../trading/queue/queued-orders.js';
import { queueButton } from '../callbacks/queue.js';
import { flattenMarketClosedText, krFlattenClosedText, krFlattenOpenLine, queueCancelledByKill, queuedKilledCardLine, usFlattenClosedText } from '../views/queue-view.js';
import { kstClock } from '../views/kr-pick-card.js';
import { krQueueHours } from '../callbacks/kr-queue-hours.js';
import { heldCount } from '../../trading/portfolio/held.js';
import { editCard } from '../callbacks/approvals.js';
import { KillSwitchUnavailableError } from '../../trading/kill-switch/kill-switch.js';
import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import type { CommandCall } from './define.js';
import { defineCommand } from './define.js';

/** How long the `/kill flatten` confirmation button stays valid. */
export const FLATTEN_CONFIRM_TTL_MS = CONFIRM_TTL_MS;

export const killCommand = defineCommand({
  name: 'kill',
  summary: 'Halt all trading now: no order reaches a broker until /resume',
  usage: '/kill [reason] · /kill flatten',
  role: 'admin',
  mayRunWithoutAudit: true,
  args: z
    .object({ tokens: z.array(z.string()), text: z.string().max(200, 'reason must be at most 200 characters') })
    .transform((a) => {
      const flatten = a.tokens.length === 1 && a.tokens[0]!.toLowerCase() === 'flatten';
      // "flatten" is what to do, not why: the reason stays the one the switch already has (or "manual /kill").
      return { reason: flatten ? null : a.text || 'manual /kill', flatten };
    }),
  async run(call) {
    const { args, userId, deps, chatId, reply } = call;
    try {
      const before = args.reason === null ? await deps.killSwitch.state() : null;
      const reason = args.reason ?? (before?.engaged && before.reason ? before.reason : 'manual /kill');
      // Postgres records the cancel-all this kill owes in the same step: workers perform it whatever becomes of this reply or the job below.
      const state = await deps.killSwitch.engage(reason, userId, { chatId });
      deps.log.warn({ userId, reason }, 'kill switch engaged');
      // Orders queued for the open must not go either: every one is cancelled now.
      const dropped = await cancelAllQueued({ db: deps.uow, now: () => new Date(deps.now()) }, `kill:${userId}`).catch((err: unknown) => {
        deps.log.warn({ err }, 'could not cancel the queued orders');
        return null;
      });
      const partial =
        state.postgres === 'unreachable'
          ? '\n⚠️ Postgres is unreachable: the switch is held in Redis and in the bot\'s memory. Every order path fails closed, and Postgres records the kill as soon as it answers again (the higher kill epoch wins).'
          : state.redis === 'unreachable'
            ? '\n⚠️ Redis is unreachable: the switch is recorded in Postgres (the system of record).'
            : '';
      const queueLine = dropped === null ? '\n⚠️ Queued orders could not be read: each is still checked against the kill switch at the open.' : queueCancelledByKill(dropped);
      // Their pick cards lose the Cancel button: nothing is queued any more.
      for (const q of dropped ?? []) {
        if (q.kind === 'entry' && q.pickId) await editCard(deps, call.ctx.telegram, { pickId: q.pickId, chatId: q.chatId, ...(q.cardMessageId ? { cardMessageId: q.cardMessageId } : {}) }, queuedKilledCardLine(q));
      }
      await reply(fmt`🛑 ${bold`KILL SWITCH ON`}\nReason: ${reason}\nEvery order path now refuses to submit, checked right before each broker call.\nSend /resume to turn it off.${partial}${queueLine}`);
      await cancelBrokerOrders({ ...call, args: { reason } });
      if (args.flatten) await askFlattenConfirm(call, state.epoch);
    } catch (err) {
      if (err instanceof KillSwitchUnavailableError) {
        await reply(`❌ ${err.message}`);
        return;
      }
      throw err;
    }
  },
});

/**
 * After the switch is on: the fast path to the owed cancel-all (a worker performs it and replies
 * with the proof). LIFO: it jumps ahead of executions already queued (those refuse anyway).
 * Without Redis the owed row is enough: workers poll for it and perform it when they can.
 */
async function cancelBrokerOrders({ deps, chatId, userId, role, updateId, args, reply }: CommandCall<{ reason: string }>): Promise<void> {
  try {
    await deps.jobs.add('execution.cancel_all', { updateId, chatId, userId, role, reason: args.reason }, { jobId: `tg-${updateId}-cancel`, lifo: true });
  } catch (err) {
    if (!(err instanceof QueueUnavailableError)) throw err;
    await reply('⚠️ The queue (Redis) is unavailable: the broker cancel-all is recorded as owed in Postgres, and a worker performs it (and sends the proof) as soon as it can. No new order can be submitted meanwhile.');
  }
}

/**
 * The flatten confirm: its token is bound to the kill epoch this /kill produced, so it never
 * sells after a /resume or another /kill (the flatten job also stops if the epoch moves).
 *
 * Per market (issue 15): where the exchange takes orders the positions are sold now (the
 * "sell all" confirm); where it does not, the flatten is offered queued for that exchange's
 * open, bound to this kill — NYSE's in New York time, KRX's continuous session in Seoul time.
 * KR is named only while the KR book holds positions: without them the reply is the US one,
 * as it always was. NYSE and KRX sessions never overlap, so at most one sells now.
 */
async function askFlattenConfirm(call: CommandCall<unknown>, epoch: number | null): Promise<void> {
  const { deps, userId, reply } = call;
  const key = deps.config.telegram.callbackKey;
  if (epoch !== null) {
    const nowMs = deps.now();
    const hours = marketHoursFor(deps.config);
    const usOpen = hours.isOpen(nowMs);
    const kr = (await krBookHeld(call)) ? await krQueueHours(deps) : null;
    const krOpen = kr !== null && kr.isOpen(nowMs);
    const kd = { killSwitch: deps.killSwitch, db: deps.uow, now: () => new Date(deps.now()) };
    if (!usOpen) {
      // Selling now cannot fill: the same choice as a card's, queued for the open and bound to this kill.
      const offer = await askFlattenQueue(kd, epoch, userId);
      const until = offer.expiresAt.getTime();
      await reply(kr ? usFlattenClosedText(hours.nextOpen(nowMs)) : flattenMarketClosedText(hours.nextOpen(nowMs)), {
        reply_markup: {
          inline_keyboard: [
            [
              { text: kr ? '⏰ Queue US flatten for the NYSE open' : '⏰ Queue flatten for the open', callback_data: queueButton(key, 'f', offer.id, until) },
              { text: '✖ Cancel', callback_data: queueButton(key, 'd', offer.id, until) },
            ],
          ],
        },
      });
    }
    if (kr && !krOpen) {
      // KRX takes no orders now (closed, or an auction): the KR book's own offer, for KRX's next open.
      const offer = await askFlattenQueue(kd, epoch, userId, 'KR');
      const until = offer.expiresAt.getTime();
      const next = kr.nextOpen(nowMs);
      await reply(krFlattenClosedText(next), {
        reply_markup: {
          inline_keyboard: [
            [
              { text: next ? `⏰ Queue KR flatten for the KRX open (${kstClock(new Date(next.open))})` : '⏰ Queue KR flatten for the KRX open', callback_data: queueButton(key, 'g', offer.id, until) },
              { text: '✖ Cancel', callback_data: queueButton(key, 'h', offer.id, until) },
            ],
          ],
        },
      });
    }
    // Nothing can be sold now in any market: the queue offers above are the whole answer.
    if (!usOpen && !krOpen) return;
    // NYSE closed, KRX open: the confirm sells the KR book only (the flatten job leaves the US book to its queue offer above).
    await askSellAll(call, epoch, krOpen ? krFlattenOpenLine() : null, !usOpen);
    return;
  }
  await askSellAll(call, epoch, null);
}

/**
 * True when the KR book holds positions (its flatten is then offered on KRX's hours). A book
 * that cannot be read counts as held: offering a KR flatten that finds nothing sells nothing.
 */
async function krBookHeld({ deps }: CommandCall<unknown>): Promise<boolean> {
  const n = await heldCount(deps.uow, 'KR').catch((err: unknown) => {
    deps.log.warn({ err }, 'KR positions unreadable: the KR flatten is offered anyway');
    return null;
  });
  return n === null || n > 0;
}

/** The "sell every open position now" confirm (`krLine`: what it does to the KR book, when KRX is open). */
async function askSellAll({ deps, userId, reply }: CommandCall<unknown>, epoch: number | null, krLine: string | null, krOnly = false): Promise<void> {
  const key = deps.config.telegram.callbackKey;
  let token;
  try {
    if (epoch === null) throw new Error('kill epoch unknown');
    token = await askFlatten({ killSwitch: deps.killSwitch, db: deps.uow, now: () => new Date(deps.now()) }, epoch, userId);
  } catch (err) {
    deps.log.warn({ err }, 'could not issue the flatten confirmation');
    await reply('⚠️ Could not offer the flatten confirmation: Postgres does not answer (positions cannot be sold without it either). The kill switch stays ON; send /kill flatten again once /status shows Postgres ok.');
    return;
  }
  const expires = token.expiresAt.getTime();
  await reply(fmt`⚠️ ${bold(krOnly ? 'Sell every KR position?' : 'Sell every open position?')}\n${krOnly ? 'NYSE is closed, so the US book is not sold now (its queue offer is above). ' : ''}Each is sold with an IOC limit order at the bid, even though the kill switch is on. This button expires in 5 minutes.${krLine ? `\n${krLine}` : ''}`, {
    reply_markup: {
      inline_keyboard: [
        [
          { text: '🧯 Confirm: sell all', callback_data: signCallback(key, CALLBACK_ACTIONS.flattenConfirm, token.id, expires) },
          { text: '✖ Cancel', callback_data: signCallback(key, CALLBACK_ACTIONS.flattenCancel, token.id, expires) },
        ],
      ],
    },
  });
}
