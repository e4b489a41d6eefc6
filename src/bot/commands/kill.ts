import { z } from 'zod';
import { bold, fmt } from 'telegraf/format';
import { QueueUnavailableError } from '../../lib/errors.js';
import { CONFIRM_TTL_MS } from '../../trading/confirmations/confirmations.js';
import { askFlatten } from '../../trading/kill-switch/confirm.js';
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
    .transform((a) => ({ reason: a.text || 'manual /kill', flatten: a.tokens.length === 1 && a.tokens[0]!.toLowerCase() === 'flatten' })),
  async run(call) {
    const { args, userId, deps, chatId, reply } = call;
    try {
      // Postgres records the cancel-all this kill owes in the same step: workers perform it whatever becomes of this reply or the job below.
      const state = await deps.killSwitch.engage(args.reason, userId, { chatId });
      deps.log.warn({ userId, reason: args.reason }, 'kill switch engaged');
      const partial =
        state.postgres === 'unreachable'
          ? '\n⚠️ Postgres is unreachable: the switch is held in Redis and in the bot\'s memory. Every order path fails closed, and Postgres records the kill as soon as it answers again (the higher kill epoch wins).'
          : state.redis === 'unreachable'
            ? '\n⚠️ Redis is unreachable: the switch is recorded in Postgres (the system of record).'
            : '';
      await reply(fmt`🛑 ${bold`KILL SWITCH ON`}\nReason: ${args.reason}\nEvery order path now refuses to submit, checked right before each broker call.\nSend /resume to turn it off.${partial}`);
      await cancelBrokerOrders(call);
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
 */
async function askFlattenConfirm({ deps, userId, reply }: CommandCall<unknown>, epoch: number | null): Promise<void> {
  let token;
  try {
    if (epoch === null) throw new Error('kill epoch unknown');
    token = await askFlatten({ killSwitch: deps.killSwitch, db: deps.uow, now: () => new Date(deps.now()) }, epoch, userId);
  } catch (err) {
    deps.log.warn({ err }, 'could not issue the flatten confirmation');
    await reply('⚠️ Could not offer the flatten confirmation: Postgres does not answer (positions cannot be sold without it either). The kill switch stays ON; send /kill flatten again once /status shows Postgres ok.');
    return;
  }
  const key = deps.config.telegram.callbackKey;
  const expires = token.expiresAt.getTime();
  await reply(fmt`⚠️ ${bold`Sell every open position?`}\nEach is sold with an IOC limit order at the bid, even though the kill switch is on. This button expires in 5 minutes.`, {
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
