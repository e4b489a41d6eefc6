import type { Context } from 'telegraf';
import { bold, fmt } from 'telegraf/format';
import { roleAllows } from '../config/roles.js';
import { CALLBACK_ACTIONS, verifyCallback } from './callback-data.js';
import type { BotDeps } from './deps.js';
import { roleOf } from './middleware.js';
import { handleBacktestCancel } from './commands/backtest.js';

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
    if ((action === CALLBACK_ACTIONS.resumeConfirm || action === CALLBACK_ACTIONS.resumeCancel) && !roleAllows(role, 'admin')) {
      await deps.audit.append({ action: 'auth.forbidden', ...base, command: 'resume', role }).catch(() => undefined);
      await ctx.answerCbQuery('Only an admin can resume trading.', { show_alert: true });
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
        await deps.audit.append({ action: 'pick.decision_unavailable', ...base, pick: verdict.payload.arg }).catch(() => undefined);
        await ctx.answerCbQuery('Approvals are not enabled yet: the execution engine is not installed. Nothing was ordered.', { show_alert: true });
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
      case CALLBACK_ACTIONS.resumeCancel:
        await deps.audit.append({ action: 'killswitch.resume_cancelled', ...base }).catch(() => undefined);
        await ctx.answerCbQuery('Cancelled.');
        await ctx.editMessageText('Resume cancelled: the kill switch stays ON.').catch(() => undefined);
        return;
    }
  };
}
