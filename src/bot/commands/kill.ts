import { z } from 'zod';
import { bold, fmt } from 'telegraf/format';
import { QueueUnavailableError } from '../../lib/errors.js';
import { KillSwitchUnavailableError } from '../../trading/kill-switch/kill-switch.js';
import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import type { CommandCall } from './define.js';
import { defineCommand } from './define.js';

/** How long the `/kill flatten` confirmation button stays valid. */
export const FLATTEN_CONFIRM_TTL_MS = 5 * 60_000;

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
    const { ctx, args, userId, deps } = call;
    try {
      const state = await deps.killSwitch.engage(args.reason, userId);
      deps.log.warn({ userId, reason: args.reason }, 'kill switch engaged');
      const partial =
        state.postgres === 'unreachable'
          ? '\n⚠️ Postgres is unreachable: the switch is held in Redis only. Every order path fails closed; send /kill again once Postgres is back so it is recorded.'
          : state.redis === 'unreachable'
            ? '\n⚠️ Redis is unreachable: the switch is recorded in Postgres (the system of record).'
            : '';
      await ctx.reply(fmt`🛑 ${bold`KILL SWITCH ON`}\nReason: ${args.reason}\nEvery order path now refuses to submit, checked right before each broker call.\nSend /resume to turn it off.${partial}`);
      await cancelBrokerOrders(call);
      if (args.flatten) await askFlattenConfirm(call);
    } catch (err) {
      if (err instanceof KillSwitchUnavailableError) {
        await ctx.reply(`❌ ${err.message}`);
        return;
      }
      throw err;
    }
  },
});

/**
 * After the switch is on: cancel every open order at the broker; the worker replies with the proof.
 * LIFO: it jumps ahead of executions already queued (those refuse anyway: the switch is on).
 */
async function cancelBrokerOrders({ ctx, deps, chatId, userId, role, updateId, args }: CommandCall<{ reason: string }>): Promise<void> {
  try {
    await deps.jobs.add('execution.cancel_all', { updateId, chatId, userId, role, reason: args.reason }, { jobId: `tg-${updateId}-cancel`, lifo: true });
  } catch (err) {
    if (!(err instanceof QueueUnavailableError)) throw err;
    await ctx.reply('⚠️ Could not ask the broker to cancel open orders: the queue (Redis) is unavailable. No new order can be submitted; send /kill again once Redis is back to cancel working orders.');
  }
}

async function askFlattenConfirm({ ctx, deps }: CommandCall<unknown>): Promise<void> {
  const key = deps.config.telegram.callbackKey;
  const expires = deps.now() + FLATTEN_CONFIRM_TTL_MS;
  await ctx.reply(fmt`⚠️ ${bold`Sell every open position?`}\nEach is sold with an IOC limit order at the bid, even though the kill switch is on. This button expires in 5 minutes.`, {
    reply_markup: {
      inline_keyboard: [
        [
          { text: '🧯 Confirm: sell all', callback_data: signCallback(key, CALLBACK_ACTIONS.flattenConfirm, '', expires) },
          { text: '✖ Cancel', callback_data: signCallback(key, CALLBACK_ACTIONS.flattenCancel, '', expires) },
        ],
      ],
    },
  });
}
