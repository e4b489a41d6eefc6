import { z } from 'zod';
import { bold, fmt } from 'telegraf/format';
import { KillSwitchUnavailableError } from '../../safety/kill-switch.js';
import { defineCommand } from './define.js';

export const killCommand = defineCommand({
  name: 'kill',
  summary: 'Halt all trading now: no order reaches a broker until /resume',
  usage: '/kill [reason]',
  role: 'admin',
  mayRunWithoutAudit: true,
  args: z
    .object({ tokens: z.array(z.string()), text: z.string().max(200, 'reason must be at most 200 characters') })
    .transform((a) => ({ reason: a.text || 'manual /kill' })),
  async run({ ctx, args, userId, deps }) {
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
    } catch (err) {
      if (err instanceof KillSwitchUnavailableError) {
        await ctx.reply(`❌ ${err.message}`);
        return;
      }
      throw err;
    }
  },
});
