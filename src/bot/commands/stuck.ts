import type { Context } from 'telegraf';
import { z } from 'zod';
import { roleAllows } from '../../lib/roles.js';
import { askResolve, confirmResolve, listStuck, type ResolveChoice } from '../../trading/execution/stuck.js';
import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import type { BotDeps } from '../deps.js';
import { roleOf } from '../middleware.js';
import { resolveAskText, resolveVerdictText, stuckListText } from '../views/stuck-view.js';
import { defineCommand, noArgs } from './define.js';

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

const resolveArgs = z
  .object({ tokens: z.array(z.string()).length(1, 'takes one argument: the approval id from /stuck'), text: z.string() })
  .transform((a) => a.tokens[0]!.toLowerCase())
  .pipe(z.uuid({ error: 'the approval id is a UUID, as /stuck lists it' }));

/** /resolve <approval id> (admin): the broker's evidence, with Mark failed / Book fill confirmations. */
export const resolveCommand = defineCommand({
  name: 'resolve',
  summary: 'Settle a stuck approval: shows the broker’s evidence, then Mark failed or Book fill',
  usage: '/resolve <approval id>',
  role: 'admin',
  args: resolveArgs,
  async run({ deps, reply, args, userId }) {
    if (!deps.stuck) return reply(NO_BROKER);
    const ask = await askResolve(deps.stuck, args, userId);
    if (ask.kind !== 'ask') return reply(resolveAskText(ask));
    const key = deps.config.telegram.callbackKey;
    await reply(resolveAskText(ask), {
      reply_markup: {
        inline_keyboard: [
          [
            { text: '✖ Mark failed', callback_data: signCallback(key, CALLBACK_ACTIONS.resolveMarkFailed, ask.markFailed.id, ask.markFailed.expiresAt.getTime()) },
            { text: '📗 Book fill', callback_data: signCallback(key, CALLBACK_ACTIONS.resolveBookFill, ask.bookFill.id, ask.bookFill.expiresAt.getTime()) },
          ],
        ],
      },
    });
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
    await deps.audit.append({ action: 'auth.forbidden', ...base, command: 'resolve', role }).catch(() => undefined);
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
  await deps.audit
    .append({ action: v.kind === 'refused' ? 'resolve.refused' : 'resolve.confirmed', ...base, choice, ...(v.kind === 'refused' ? { refusal: v.refusal.kind } : { approvalId: v.approvalId, result: v.result.kind }) })
    .catch(() => undefined);
  await ctx.answerCbQuery(text.slice(0, 190), { show_alert: v.kind === 'refused' });
  // A used token: the message already shows what happened. Anything else replaces the buttons with the answer.
  if (!(v.kind === 'refused' && v.refusal.kind === 'used')) await ctx.editMessageText(text).catch(() => undefined);
}
