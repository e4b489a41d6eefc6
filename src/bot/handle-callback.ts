import type { Context } from 'telegraf';
import { bold, fmt } from 'telegraf/format';
import { roleAllows } from '../lib/roles.js';
import { CALLBACK_ACTIONS, verifyCallback } from './callback-data.js';
import type { BotDeps } from './deps.js';
import { roleOf } from './middleware.js';
import { handleBacktestCancel } from './commands/backtest.js';
import { decideApprove, decideReject } from './callbacks/approvals.js';
import { handleSettingsCallback } from './commands/settings.js';

const ADMIN_ACTIONS: ReadonlySet<string> = new Set([CALLBACK_ACTIONS.resumeConfirm, CALLBACK_ACTIONS.resumeCancel, CALLBACK_ACTIONS.flattenConfirm, CALLBACK_ACTIONS.flattenCancel]);

/** Inline button presses: verify the signed data, check the role, act once, always answer the query. */
export function handleCallback(deps: BotDeps) {
  return async (ctx: Context): Promise<void> => {
    const cq = ctx.callbackQuery;
    if (!cq || !ctx.from) return;
    const data = 'data' in cq ? cq.data : undefined;
    const verdict = verifyCallback(deps.config.telegram.callbackKey, data, deps.now());
    const base = { actor: ctx.from.id, chatId: ctx.chat?.id ?? null, updateId: ctx.update.update_id };
    if (!verdict.ok) {
      await deps.audit.append({ action: 'callback.rejected', ...base, reason: verdict.reason, data: String(data ?? '').slice(0, 64) }).catch(() => undefined);
      await ctx.answerCbQuery(
        verdict.reason === 'expired' ? 'This button has expired. Send the command again.' : 'This button is not valid. Send the command again.',
        { show_alert: true },
      );
      return;
    }
    const role = roleOf(ctx);
    const { action } = verdict.payload;
    if (ADMIN_ACTIONS.has(action) && !roleAllows(role, 'admin')) {
      const command = action === CALLBACK_ACTIONS.resumeConfirm || action === CALLBACK_ACTIONS.resumeCancel ? 'resume' : 'kill flatten';
      await deps.audit.append({ action: 'auth.forbidden', ...base, command, role }).catch(() => undefined);
      await ctx.answerCbQuery(command === 'resume' ? 'Only an admin can resume trading.' : 'Only an admin can flatten positions.', { show_alert: true });
      return;
    }
    switch (action) {
      case CALLBACK_ACTIONS.backtestCancel:
        await handleBacktestCancel(deps, ctx, verdict.payload.arg);
        return;
      case CALLBACK_ACTIONS.approvePick:
      case CALLBACK_ACTIONS.rejectPick:
        if (!roleAllows(role, 'trader')) {
          await deps.audit.append({ action: 'auth.forbidden', ...base, command: action === CALLBACK_ACTIONS.approvePick ? 'approve' : 'reject', role }).catch(() => undefined);
          await ctx.answerCbQuery('Only a trader or admin can approve or reject picks.', { show_alert: true });
          return;
        }
        {
          const cardMessageId = cq.message?.message_id;
          const req = { pickId: verdict.payload.arg, userId: ctx.from.id, role, name: ctx.from.first_name, chatId: ctx.chat?.id ?? ctx.from.id, ...(cardMessageId ? { cardMessageId } : {}) };
          const answer = action === CALLBACK_ACTIONS.approvePick ? await decideApprove(deps, ctx.telegram, req) : await decideReject(deps, ctx.telegram, req);
          await ctx.answerCbQuery(answer.text.slice(0, 200), { show_alert: answer.alert });
        }
        return;
      case CALLBACK_ACTIONS.resumeConfirm: {
        const before = await deps.killSwitch.state();
        if (!before.engaged) {
          await ctx.answerCbQuery('The kill switch is already off.');
          await ctx.editMessageText('✅ The kill switch is already off; trading is allowed.').catch(() => undefined);
          return;
        }
        const after = await deps.killSwitch.resume(ctx.from.id);
        deps.log.warn({ userId: ctx.from.id }, 'kill switch resumed');
        await ctx.answerCbQuery(after.engaged ? 'Resume did not fully apply.' : 'Trading resumed.');
        await ctx
          .editMessageText(
            after.engaged
              ? fmt`⚠️ ${bold`Still halted`}: one store could not be cleared (Postgres: ${String(after.postgres)}, Redis: ${String(after.redis)}). Check /status and send /resume again.`
              : fmt`▶️ ${bold`Trading resumed`} by ${ctx.from.first_name} (${ctx.from.id}). The kill switch is off.`,
          )
          .catch(() => undefined);
        return;
      }
      case CALLBACK_ACTIONS.flattenConfirm: {
        const messageId = cq.message?.message_id ?? 0;
        const chatId = ctx.chat?.id ?? ctx.from.id;
        // Keyed by the confirmation message: a double tap is one flatten.
        await deps.jobs.add('execution.flatten', { updateId: ctx.update.update_id, chatId, userId: ctx.from.id, role }, { jobId: `flatten-${chatId}-${messageId}` });
        await deps.audit.append({ action: 'flatten.confirmed', ...base }).catch(() => undefined);
        await ctx.answerCbQuery('Selling every open position…');
        await ctx.editMessageText(`🧯 Flatten confirmed by ${ctx.from.first_name} (${ctx.from.id}): selling every open position. A report follows.`).catch(() => undefined);
        return;
      }
      case CALLBACK_ACTIONS.settingsSet:
        await handleSettingsCallback(deps, ctx, verdict.payload.arg);
        return;
      case CALLBACK_ACTIONS.flattenCancel:
        await deps.audit.append({ action: 'flatten.cancelled', ...base }).catch(() => undefined);
        await ctx.answerCbQuery('Cancelled.');
        await ctx.editMessageText('Flatten cancelled: positions are kept. The kill switch stays ON.').catch(() => undefined);
        return;
      case CALLBACK_ACTIONS.resumeCancel:
        await deps.audit.append({ action: 'killswitch.resume_cancelled', ...base }).catch(() => undefined);
        await ctx.answerCbQuery('Cancelled.');
        await ctx.editMessageText('Resume cancelled: the kill switch stays ON.').catch(() => undefined);
        return;
    }
  };
}
