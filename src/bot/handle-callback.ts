import type { Context } from 'telegraf';
import { bold, fmt } from 'telegraf/format';
import { roleAllows } from '../lib/roles.js';
import { CALLBACK_ACTIONS, verifyCallback } from './callback-data.js';
import type { BotDeps } from './deps.js';
import { roleOf } from './middleware.js';
import { handleBacktestCancel } from './commands/backtest.js';
import { decideApprove, decideReject } from './callbacks/approvals.js';
import { handleSettingsCallback } from './commands/settings.js';
import { handleResolveCallback } from './commands/stuck.js';
import { handleQueueCallback } from './callbacks/queue.js';
import { handleCloseCallback } from './callbacks/close.js';
import { handleHypothesisCallback } from './callbacks/hypotheses.js';
import { nyTime } from './format/ny-time.js';
import type { ConfirmRefusal } from '../trading/confirmations/confirmations.js';
import { cancelConfirm, confirmFlatten, confirmResume, FLATTEN_CONFIRM, RESUME_CONFIRM, type KillConfirmDeps } from '../trading/kill-switch/confirm.js';
import { fitCallbackAnswer } from './format/limits.js';
import { handleJournalCallback } from './commands/journal.js';
import { auditOrLog } from './audited.js';
import { ignoredBecause, EDIT_MAY_FAIL } from '../jobs/ignore.js';

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
      await auditOrLog(deps, { action: 'callback.rejected', ...base, reason: verdict.reason, data: String(data ?? '').slice(0, 64) });
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
      await auditOrLog(deps, { action: 'auth.forbidden', ...base, command, role });
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
          await auditOrLog(deps, { action: 'auth.forbidden', ...base, command: action === CALLBACK_ACTIONS.approvePick ? 'approve' : 'reject', role });
          await ctx.answerCbQuery('Only a trader or admin can approve or reject picks.', { show_alert: true });
          return;
        }
        {
          const cardMessageId = cq.message?.message_id;
          const req = { pickId: verdict.payload.arg, userId: ctx.from.id, role, name: ctx.from.first_name, chatId: ctx.chat?.id ?? ctx.from.id, ...(cardMessageId ? { cardMessageId } : {}) };
          const answer = action === CALLBACK_ACTIONS.approvePick ? await decideApprove(deps, ctx.telegram, req) : await decideReject(deps, ctx.telegram, req);
          await ctx.answerCbQuery(fitCallbackAnswer(answer.text), { show_alert: answer.alert });
        }
        return;
      case CALLBACK_ACTIONS.resumeConfirm: {
        // The button's arg is its confirmation token: single use, bound to the kill epoch it was shown for.
        const r = await confirmResume(killConfirmDeps(deps), verdict.payload.arg, ctx.from.id);
        if (r.kind === 'already_off') {
          await ctx.answerCbQuery('The kill switch is already off.');
          await ctx.editMessageText('✅ The kill switch is already off; trading is allowed.').catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
          return;
        }
        if (r.kind === 'refused') {
          await auditOrLog(deps, { action: 'killswitch.resume_refused', ...base, refusal: r.refusal.kind });
          await answerRefusal(deps, ctx, r.refusal);
          return;
        }
        const after = r.state;
        deps.log.warn({ userId: ctx.from.id, epoch: after.epoch }, 'kill switch resumed');
        await ctx.answerCbQuery(after.engaged ? 'Resume did not fully apply.' : 'Trading resumed.');
        await ctx
          .editMessageText(
            after.engaged
              ? fmt`⚠️ ${bold`Still halted`}: one store could not be cleared (Postgres: ${String(after.postgres)}, Redis: ${String(after.redis)}). Check /status and send /resume again.`
              : fmt`▶️ ${bold`Trading resumed`} by ${ctx.from.first_name} (${ctx.from.id}). The kill switch is off.`,
          )
          .catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
        return;
      }
      case CALLBACK_ACTIONS.flattenConfirm: {
        const chatId = ctx.chat?.id ?? ctx.from.id;
        const token = verdict.payload.arg;
        const r = await confirmFlatten(killConfirmDeps(deps), token, ctx.from.id);
        if (r.kind === 'refused') {
          await auditOrLog(deps, { action: 'flatten.refused', ...base, refusal: r.refusal.kind });
          await answerRefusal(deps, ctx, r.refusal);
          return;
        }
        // Keyed by the (single-use) token; the job carries the epoch it was confirmed for and stops selling once the switch moves on.
        await deps.jobs.add('execution.flatten', { updateId: ctx.update.update_id, chatId, userId: ctx.from.id, role, epoch: r.epoch }, { jobId: `flatten-${token}` });
        await auditOrLog(deps, { action: 'flatten.confirmed', ...base, epoch: r.epoch });
        await ctx.answerCbQuery('Selling every open position…');
        await ctx.editMessageText(`🧯 Flatten confirmed by ${ctx.from.first_name} (${ctx.from.id}): selling every open position. A report follows.`).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
        return;
      }
      case CALLBACK_ACTIONS.resolveMarkFailed:
      case CALLBACK_ACTIONS.resolveBookFill:
        await handleResolveCallback(deps, ctx, action, verdict.payload.arg);
        return;
      case CALLBACK_ACTIONS.settingsSet:
        await handleSettingsCallback(deps, ctx, verdict.payload.arg);
        return;
      case CALLBACK_ACTIONS.queueOp:
        await handleQueueCallback(deps, ctx, verdict.payload.arg, role);
        return;
      case CALLBACK_ACTIONS.closeOp:
        await handleCloseCallback(deps, ctx, verdict.payload.arg, role);
        return;
      case CALLBACK_ACTIONS.hypothesisOp:
        await handleHypothesisCallback(deps, ctx, verdict.payload.arg, role);
        return;
      case CALLBACK_ACTIONS.journalOp:
        await handleJournalCallback(deps, ctx, verdict.payload.arg);
        return;
      case CALLBACK_ACTIONS.flattenCancel:
      case CALLBACK_ACTIONS.resumeCancel: {
        const isFlatten = action === CALLBACK_ACTIONS.flattenCancel;
        // Cancel spends the token: the Confirm next to it does nothing afterwards.
        const c = await cancelConfirm(killConfirmDeps(deps), isFlatten ? FLATTEN_CONFIRM : RESUME_CONFIRM, verdict.payload.arg, ctx.from.id);
        if (c.kind === 'used' && c.how === 'redeemed') {
          await ctx.answerCbQuery('Too late: this confirmation was already used.', { show_alert: true });
          return;
        }
        await auditOrLog(deps, { action: isFlatten ? 'flatten.cancelled' : 'killswitch.resume_cancelled', ...base });
        await ctx.answerCbQuery('Cancelled.');
        await ctx.editMessageText(isFlatten ? 'Flatten cancelled: positions are kept. The kill switch stays ON.' : 'Resume cancelled: the kill switch stays ON.').catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
        return;
      }
    }
  };
}

/** The kill switch's confirm steps as this bot process runs them. */
function killConfirmDeps(deps: BotDeps): KillConfirmDeps {
  return { killSwitch: deps.killSwitch, db: deps.uow, now: () => new Date(deps.now()) };
}

/** Words for a confirmation that confirmed nothing; nothing changed. */
export function refusalText(r: ConfirmRefusal): string {
  switch (r.kind) {
    case 'stale':
      return r.changedAt
        ? `This confirmation is out of date: the kill switch changed at ${nyTime(r.changedAt)}`
        : 'This confirmation is out of date: the kill switch changed since it was shown';
    case 'used':
      return r.how === 'cancelled' ? 'This confirmation was cancelled. Send the command again.' : 'This confirmation was already used.';
    case 'expired':
      return 'This confirmation has expired. Send the command again.';
    case 'unknown':
      return 'This button is not valid. Send the command again.';
  }
}

/**
 * Answers the press; an out-of-date or expired confirmation is also edited to
 * say so (its buttons go). A used one is left as it is: it already shows what happened.
 */
async function answerRefusal(deps: Pick<BotDeps, 'log'>, ctx: Context, r: ConfirmRefusal): Promise<void> {
  const text = refusalText(r);
  await ctx.answerCbQuery(text, { show_alert: true });
  if (r.kind === 'stale' || r.kind === 'expired') await ctx.editMessageText(`⌛ ${text.endsWith('.') ? text : `${text}.`} Nothing was changed.`).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
}
