import type { Context } from 'telegraf';
import { roleAllows, type Role } from '../../lib/roles.js';
import { CONFIRM_TTL_MS } from '../../trading/confirmations/confirmations.js';
import { HypothesisBookStore } from '../../trading/hypotheses/books.js';
import { askPromote, confirmPromote, keepPromotion, type PromoteAsk, type PromoteDeps } from '../../trading/hypotheses/promote.js';
import { askRetire, cancelRetire, confirmRetire, type RetireAsk, type RetireDeps } from '../../trading/hypotheses/retire.js';
import { HypothesisStore } from '../../trading/hypotheses/store.js';
import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import type { BotDeps } from '../deps.js';
import { asFormatted } from '../format/message.js';
import type { Reply } from '../outbox/replies.js';
import { promoteKeyboard } from '../render/hypotheses-promote.js';
import { keepRefusalText, keptText, promoteAskRefusalText, promoteCardText, promoteConfirmRefusalText, promotedText } from '../views/hypotheses-promote-view.js';
import { retireAskRefusalText, retireAskText, retireConfirmRefusalText, retiredText } from '../views/hypotheses-retire-view.js';
import { requestIncubationCancel } from '../../jobs/handlers/hypotheses.js';
import type { IncubationNotice } from '../../trading/hypotheses/incubation-notices.js';
import { fitCallbackAnswer } from '../format/limits.js';
import { auditOrLog } from '../audited.js';
import { ignoredBecause, EDIT_MAY_FAIL } from '../../jobs/ignore.js';

/**
 * The hypotheses' buttons' signed data. One action (`hy`), its arg an op letter and a token:
 * - `r<token>`: "🗄 Confirm: retire" (admin; token bound to the hypothesis's id and version);
 * - `n<token>`: its "✖ Cancel" (spends the token: nothing is retired);
 * - `p<token>`: the Promote card's "🚀 Promote" (admin; token bound to the hypothesis's id and
 *   version and, at a full LIVE cap, to the one it demotes; see src/bot/render/hypotheses-promote.ts);
 * - `k<token>`: its "🕒 Keep" (spends the token; asked again in 10 sessions).
 */
export function hypothesisButton(key: Buffer, op: 'r' | 'n' | 'p' | 'k', token: string, expiresAtMs: number): string {
  return signCallback(key, CALLBACK_ACTIONS.hypothesisOp, `${op}${token}`, expiresAtMs);
}

/** The retire steps as this bot process runs them. */
export function retireDeps(deps: BotDeps): RetireDeps {
  return { db: deps.uow, store: new HypothesisStore(deps.uow, deps.audit), audit: deps.audit, now: () => new Date(deps.now()), log: deps.log };
}

/** The promote steps as this bot process runs them. */
export function promoteDeps(deps: BotDeps): PromoteDeps {
  return { db: deps.uow, store: new HypothesisStore(deps.uow, deps.audit), books: new HypothesisBookStore(deps.uow), audit: deps.audit, now: () => new Date(deps.now()), log: deps.log };
}

/**
 * Posts the answer to /promote ID: the Promote card with its buttons (the
 * same text and buttons the session job sends; the shadow equity chart is
 * drawn only where charts are rendered, the worker), or why there is none.
 */
export async function replyPromoteAsk(deps: BotDeps, reply: Reply, ask: PromoteAsk): Promise<void> {
  if (ask.kind !== 'card') {
    await reply(promoteAskRefusalText(ask));
    return;
  }
  const { data, token } = ask.card;
  const until = token.expiresAt.getTime();
  await reply(promoteCardText(data, until), { reply_markup: { inline_keyboard: promoteKeyboard(deps.config.telegram.callbackKey, data, token.id, until) } });
}

/**
 * Runs /promote ID in the bot process. The card is the session job's card, equity chart included,
 * published to the chat through the notifier; a refusal (or a bot without a notifier) is a text reply.
 */
export async function askPromoteFor(deps: BotDeps, reply: Reply, req: { id: string; by: number; role: Role; chatId: number }): Promise<void> {
  const ask = await askPromote(promoteDeps(deps), req);
  if (ask.kind === 'card' && deps.notifier) {
    const { data, token } = ask.card;
    const notice: IncubationNotice = { kind: 'hypotheses.promote-card', card: data, tokenId: token.id, expiresAtMs: token.expiresAt.getTime() };
    await deps.notifier.publish(req.chatId, notice, { key: `hyp-promote-ask-${token.id}` });
    return;
  }
  await replyPromoteAsk(deps, reply, ask);
}

/** Posts the answer to /retire ID: the bound confirm with its buttons, or why there is nothing to confirm. */
export async function replyRetireAsk(deps: BotDeps, reply: Reply, ask: RetireAsk): Promise<void> {
  if (ask.kind !== 'ask') {
    await reply(retireAskRefusalText(ask));
    return;
  }
  const key = deps.config.telegram.callbackKey;
  const until = ask.token.expiresAt.getTime();
  await reply(retireAskText(ask.hypothesis, Math.round(CONFIRM_TTL_MS / 60_000)), {
    reply_markup: {
      inline_keyboard: [
        [
          { text: `🗄 Confirm: retire ${ask.hypothesis.id}`, callback_data: hypothesisButton(key, 'r', ask.token.id, until) },
          { text: '✖ Cancel', callback_data: hypothesisButton(key, 'n', ask.token.id, until) },
        ],
      ],
    },
  });
}

/** Runs /retire ID in the bot process: the answer (a confirm or a refusal) is immediate. */
export async function askRetireFor(deps: BotDeps, reply: Reply, req: { id: string; by: number; role: Role }): Promise<void> {
  await replyRetireAsk(deps, reply, await askRetire(retireDeps(deps), req));
}

/** Handles one press of a hypotheses button; always answers the query. Only admins act; a viewer's press changes nothing. */
export async function handleHypothesisCallback(deps: BotDeps, ctx: Context, arg: string, role: Role): Promise<void> {
  if (!ctx.from) return;
  const op = arg.slice(0, 1);
  const token = arg.slice(1);
  const by = ctx.from.id;
  const chatId = ctx.chat?.id ?? by;
  const answer = (text: string, alert = false) => ctx.answerCbQuery(fitCallbackAnswer(text), { show_alert: alert });
  if (!roleAllows(role, 'admin')) {
    const promoting = op === 'p' || op === 'k';
    await auditOrLog(deps, { action: 'auth.forbidden', actor: by, chatId, command: promoting ? 'promote' : 'retire', role });
    await answer(promoting ? 'Only an admin can promote a hypothesis or keep it in PAPER.' : 'Only an admin can retire a hypothesis.', true);
    return;
  }
  const rd = retireDeps(deps);
  switch (op) {
    case 'p': {
      const r = await confirmPromote(promoteDeps(deps), token, by, role);
      if (r.kind !== 'promoted') {
        const text = promoteConfirmRefusalText(r);
        await answer(text, true);
        // A card that can no longer act loses its buttons; a used one already shows what happened.
        if (r.kind !== 'refused' || r.refusal.kind === 'stale' || r.refusal.kind === 'expired') await ctx.editMessageText(`⌛ ${text}`).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
        return;
      }
      const done = promotedText(r, { name: ctx.from.first_name, id: by });
      await answer(`Promoted ${r.hypothesis.id} to LIVE.`);
      await ctx.editMessageText(done.text, { entities: done.entities }).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
      // Every transition is announced: the other admins hear it too (keyed by the promotion's transition, so once each).
      for (const [adminId, r2] of deps.config.telegram.allowed) {
        if (r2 !== 'admin' || adminId === chatId) continue;
        await deps.jobs
          .add('notify.deliver', { chatId: adminId, ops: [{ kind: 'text', ...asFormatted(done) }], origin: 'hypothesis-promoted' }, { jobId: `hyp-transition-${r.transitionId}-${adminId}` })
          .catch((err: unknown) => deps.log.warn({ err, adminId }, 'could not announce the promotion'));
      }
      return;
    }
    case 'k': {
      const k = await keepPromotion(promoteDeps(deps), token, by, role);
      if (k.kind !== 'kept') {
        const text = keepRefusalText(k);
        await answer(text, true);
        if (k.kind === 'stale') await ctx.editMessageText(`⌛ ${text}`).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
        return;
      }
      await answer(`Kept ${k.hypothesis.id} in PAPER.`);
      await ctx.editMessageText(keptText(k, { name: ctx.from.first_name, id: by })).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
      return;
    }
    case 'r': {
      const r = await confirmRetire(rd, token, by, role);
      if (r.kind !== 'retired') {
        const text = retireConfirmRefusalText(r);
        await answer(text, true);
        // A confirm that can no longer act loses its buttons; a used one already shows what happened.
        if (r.kind !== 'refused' || r.refusal.kind === 'stale' || r.refusal.kind === 'expired') await ctx.editMessageText(`⌛ ${text}`).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
        return;
      }
      // Retiring one that is being incubated also stops its walk-forward (the job then finds it RETIRED and changes nothing).
      if (r.from === 'INCUBATING') await requestIncubationCancel(deps.redis, deps.config.redis.prefix, r.hypothesis.id).catch((err: unknown) =>
          deps.log.warn({ err, id: r.hypothesis.id }, 'could not flag the incubation to stop; the job finds the hypothesis RETIRED and changes nothing'),
        );
      const done = retiredText(r, { name: ctx.from.first_name, id: by });
      await answer(`Retired ${r.hypothesis.id}.`);
      await ctx.editMessageText(done.text, { entities: done.entities }).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
      // Every transition is announced: the other admins hear it too (keyed by the transition, so once each).
      for (const [adminId, r2] of deps.config.telegram.allowed) {
        if (r2 !== 'admin' || adminId === chatId) continue;
        await deps.jobs
          .add('notify.deliver', { chatId: adminId, ops: [{ kind: 'text', ...asFormatted(done) }], origin: 'hypothesis-retired' }, { jobId: `hyp-transition-${r.transitionId}-${adminId}` })
          .catch((err: unknown) => deps.log.warn({ err, adminId }, 'could not announce the retirement'));
      }
      return;
    }
    case 'n': {
      const c = await cancelRetire(rd, token, by);
      if (c.kind !== 'cancelled') {
        await answer(c.refusal.kind === 'used' && c.refusal.how === 'redeemed' ? 'Too late: this retire was already confirmed.' : retireConfirmRefusalText({ kind: 'refused', refusal: c.refusal }), true);
        return;
      }
      await answer('Cancelled.');
      await ctx.editMessageText(`Retire cancelled: ${c.id} keeps its state. Nothing was changed.`).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
      return;
    }
    default:
      await answer('This button is not valid. Send /retire ID again.', true);
  }
}
