import type { Context } from 'telegraf';
import { z } from 'zod';
import { roleAllows } from '../../lib/roles.js';
import { askResolve, confirmResolve, listStuck, type ResolveAsk, type ResolveChoice } from '../../trading/execution/stuck.js';
import { looksLikeExitClientOrderId } from '../../trading/execution/settle-exit.js';
import type { Keyboard } from '../format/message.js';
import { tellApprover } from './resolve-told.js';
import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import type { BotDeps } from '../deps.js';
import { roleOf } from '../middleware.js';
import { resolveAskText, resolveVerdictText, stuckListText } from '../views/stuck-view.js';
import { defineCommand, noArgs } from './define.js';
import { fitCallbackAnswer } from '../format/limits.js';
import { auditOrLog } from '../audited.js';
import { ignoredBecause, EDIT_MAY_FAIL } from '../../jobs/ignore.js';

const NO_BROKER = 'This bot process has no broker configured, so stuck orders cannot be looked at here. Use `courtside orders stuck --json` on a worker host.';

/** /stuck (admin): orders whose send began and never got booked, older than EXEC_RESOLVE_AFTER_MS. */
export const stuckCommand = defineCommand({
  name: 'stuck',
  summary: 'Orders stuck after a crash that the recovery pass could not settle',
  usage: '/stuck',
  role: 'admin',
  args: noArgs,
  async run({ deps, reply }) {
    if (!deps.stuck) return reply(NO_BROKER);
    await reply(stuckListText(await listStuck({ db: deps.stuck.execution.db, resolveAfterMs: deps.stuck.resolveAfterMs })));
  },
});

const isUuid = (s: string) => z.uuid().safeParse(s).success;
const resolveArgs = z
  .object({ tokens: z.array(z.string()).length(1, 'takes one argument: the approval id or exit order id from /stuck'), text: z.string() })
  .transform((a) => a.tokens[0]!.toLowerCase())
  .refine((id) => isUuid(id) || looksLikeExitClientOrderId(id), { error: 'the id is an approval id (a UUID) or an exit order id (cx-…), as /stuck lists it' });

/** The buttons of a /resolve answer: both for an approval, the ones the evidence allows for an exit. */
function resolveKeyboard(key: Buffer, ask: ResolveAsk): Keyboard {
  if (ask.kind !== 'ask' && ask.kind !== 'exit_ask') return [];
  const row = [];
  if (ask.markFailed) row.push({ text: '✖ Mark failed', callback_data: signCallback(key, CALLBACK_ACTIONS.resolveMarkFailed, ask.markFailed.id, ask.markFailed.expiresAt.getTime()) });
  if (ask.bookFill) row.push({ text: '📗 Book fill', callback_data: signCallback(key, CALLBACK_ACTIONS.resolveBookFill, ask.bookFill.id, ask.bookFill.expiresAt.getTime()) });
  return row.length > 0 ? [row] : [];
}

/** /resolve <approval id | exit order id> (admin): the broker's evidence, with Mark failed / Book fill confirmations. */
export const resolveCommand = defineCommand({
  name: 'resolve',
  summary: 'Settle a stuck approval or exit order: shows the broker’s evidence, then Mark failed or Book fill',
  usage: '/resolve <approval id | exit order id>',
  role: 'admin',
  args: resolveArgs,
  async run({ deps, reply, args, userId }) {
    if (!deps.stuck) return reply(NO_BROKER);
    const ask = await askResolve(deps.stuck, args, userId);
    const keyboard = resolveKeyboard(deps.config.telegram.callbackKey, ask);
    if (keyboard.length === 0) return reply(resolveAskText(ask));
    await reply(resolveAskText(ask), { reply_markup: { inline_keyboard: keyboard } });
  },
});

/** True for the callback actions of /resolve's buttons. */
export function isResolveAction(action: string): boolean {
  return action === CALLBACK_ACTIONS.resolveMarkFailed || action === CALLBACK_ACTIONS.resolveBookFill;
}

/** A Mark failed / Book fill press (signature already verified): admin only, single use, bound to the state shown. */
export async function handleResolveCallback(deps: BotDeps, ctx: Context, action: string, token: string): Promise<void> {
  if (!ctx.from) return;
  const base = { actor: ctx.from.id, chatId: ctx.chat?.id ?? null, updateId: ctx.update.update_id };
  const role = roleOf(ctx);
  if (!roleAllows(role, 'admin')) {
    await auditOrLog(deps, { action: 'auth.forbidden', ...base, command: 'resolve', role });
    await ctx.answerCbQuery('Only an admin can resolve stuck orders.', { show_alert: true });
    return;
  }
  if (!deps.stuck) {
    await ctx.answerCbQuery(NO_BROKER.slice(0, 190), { show_alert: true });
    return;
  }
  const choice: ResolveChoice = action === CALLBACK_ACTIONS.resolveMarkFailed ? 'mark_failed' : 'book_fill';
  const v = await confirmResolve(deps.stuck, choice, token, ctx.from.id);
  const text = resolveVerdictText(v);
  const what =
    v.kind === 'refused'
      ? { refusal: v.refusal.kind, ...(v.exit ? { clientOrderId: v.exit.clientOrderId } : {}) }
      : v.kind === 'exit_settled'
        ? { clientOrderId: v.clientOrderId, result: v.result.kind }
        : { approvalId: v.approvalId, result: v.result.kind };
  await auditOrLog(deps, { action: v.kind === 'refused' ? 'resolve.refused' : 'resolve.confirmed', ...base, choice, ...what });
  // The trader who approved a settled entry hears it in the approval's chat, once.
  await tellApprover(deps, v, `${ctx.from.first_name} (${ctx.from.id})`);
  await ctx.answerCbQuery(fitCallbackAnswer(text), { show_alert: v.kind === 'refused' });
  // A used token: the message already shows what happened. Anything else replaces the buttons with the answer.
  if (!(v.kind === 'refused' && v.refusal.kind === 'used')) await ctx.editMessageText(text).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
}
