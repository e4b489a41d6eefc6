import { bold, fmt } from 'telegraf/format';
import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import { defineCommand, noArgs } from './define.js';

/** How long a resume confirmation button stays valid. */
export const RESUME_CONFIRM_TTL_MS = 5 * 60_000;

export const resumeCommand = defineCommand({
  name: 'resume',
  summary: 'Turn the kill switch off (asks for confirmation)',
  usage: '/resume',
  role: 'admin',
  args: noArgs,
  async run({ ctx, deps }) {
    const state = await deps.killSwitch.state();
    if (!state.engaged) {
      await ctx.reply('✅ The kill switch is already off; trading is allowed. Nothing to resume.');
      return;
    }
    const expires = deps.now() + RESUME_CONFIRM_TTL_MS;
    const key = deps.config.telegram.callbackKey;
    await ctx.reply(
      fmt`⚠️ ${bold`Resume trading?`}\nThe kill switch is ON: ${state.reason ?? 'no reason recorded'}.\nConfirming allows new orders again (each still needs an Approve). This button expires in 5 minutes.`,
      {
        reply_markup: {
          inline_keyboard: [
            [
              { text: '✅ Confirm resume', callback_data: signCallback(key, CALLBACK_ACTIONS.resumeConfirm, '', expires) },
              { text: '✖ Cancel', callback_data: signCallback(key, CALLBACK_ACTIONS.resumeCancel, '', expires) },
            ],
          ],
        },
      },
    );
  },
});
