import { bold, fmt } from 'telegraf/format';
import { CONFIRM_TTL_MS } from '../../trading/confirmations/confirmations.js';
import { askResume } from '../../trading/kill-switch/confirm.js';
import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import { defineCommand, noArgs } from './define.js';

/** How long a resume confirmation button stays valid. */
export const RESUME_CONFIRM_TTL_MS = CONFIRM_TTL_MS;

export const resumeCommand = defineCommand({
  name: 'resume',
  summary: 'Turn the kill switch off (asks for confirmation)',
  usage: '/resume',
  role: 'admin',
  args: noArgs,
  async run({ reply, deps, userId }) {
    const asked = await askResume({ killSwitch: deps.killSwitch, db: deps.uow, now: () => new Date(deps.now()) }, userId);
    if (asked.kind === 'already_off') {
      await reply('✅ The kill switch is already off; trading is allowed. Nothing to resume.');
      return;
    }
    if (asked.kind === 'unknown_state') {
      await reply('⚠️ The kill switch state cannot be read (neither Postgres nor Redis answers), so nothing can be resumed. Check /status and try again.');
      return;
    }
    const { token, state } = asked;
    const key = deps.config.telegram.callbackKey;
    // The button carries the token: single use, bound to this kill epoch, expiring with the signed data.
    const expires = token.expiresAt.getTime();
    await reply(
      fmt`⚠️ ${bold`Resume trading?`}\nThe kill switch is ON: ${state.reason ?? 'no reason recorded'}.\nConfirming allows new orders again (each still needs an Approve). This button expires in 5 minutes.`,
      {
        reply_markup: {
          inline_keyboard: [
            [
              { text: '✅ Confirm resume', callback_data: signCallback(key, CALLBACK_ACTIONS.resumeConfirm, token.id, expires) },
              { text: '✖ Cancel', callback_data: signCallback(key, CALLBACK_ACTIONS.resumeCancel, token.id, expires) },
            ],
          ],
        },
      },
    );
  },
});
