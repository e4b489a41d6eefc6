import type { Context } from 'telegraf';
import { isKrxCode, marketOfCode } from '../../engine/market/symbols.js';
import { marketHoursFor } from '../../engine/market-hours.js';
import type { Market } from '../../engine/market/markets.js';
import { krQueueHours } from './kr-queue-hours.js';
import { z } from 'zod';
import { pgText } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';
import { roleAllows, type Role } from '../../lib/roles.js';
import { askClose, cancelClose, confirmClose, confirmCloseQueue, positionByRef, type CloseAsk, type CloseAskDeps } from '../../trading/execution/close-position.js';
import { closeButton } from '../views/close-buttons.js';
import type { BotDeps } from '../deps.js';
import type { Reply } from '../outbox/replies.js';
import { replyOf } from '../outbox/replies.js';
import { closeAskRefusalText, closeAskText, closeConfirmRefusalText, closeQueuedText, closeQueueOfferText, closeQueueRefusalText, closeRefusalText } from '../views/close-view.js';
import { queuedAnswer } from '../views/queue-view.js';
import { cancelQueuedKeyboard, queueDepsFor } from './queue.js';
import { fitCallbackAnswer } from '../format/limits.js';
import { orderTimeInForce } from '../../lib/time-in-force.js';
import { auditOrLog } from '../audited.js';
import { ignoredBecause, EDIT_MAY_FAIL } from '../../jobs/ignore.js';

/**
 * The close steps as this bot process runs them, on the hours of `symbol`'s
 * market: a KRX code is sold within KRX's continuous session (its lane's
 * broker, IOC; run-time calendar overrides applied) and, outside it, offered
 * the KR queue for KRX's next open; anything else within NYSE's, queued for
 * the NYSE open.
 */
export async function closeAskDeps(deps: BotDeps, symbol?: string): Promise<CloseAskDeps> {
  const kr = symbol !== undefined && isKrxCode(symbol.trim());
  const hours = kr ? await krQueueHours(deps) : marketHoursFor(deps.config);
  return { db: deps.uow, killSwitch: deps.killSwitch, hours, now: () => new Date(deps.now()), audit: deps.audit, timeInForce: kr ? null : orderTimeInForce(deps.config.broker), log: deps.log };
}

/** The market a close token's symbol trades on (US when unknown: the token is then refused as unknown anyway). */
function marketOfToken(symbol: string | undefined): Market {
  return symbol === undefined ? 'US' : marketOfCode(symbol);
}

/** The symbol a close confirmation names (its bound subject, `position:<symbol>/…`), or undefined. */
async function tokenSymbol(deps: BotDeps, tokenId: string): Promise<string | undefined> {
  const row = await rowOf(deps.uow, TokenSubjectRow, `SELECT subject FROM confirmations WHERE id = $1`, [tokenId]).catch(ignoredBecause(deps.log, 'close token subject not read; the confirm judges it on NYSE hours and the worker on its market\'s', { tokenId }));
  return row ? /^position:([^/]+)\//.exec(row.subject)?.[1] : undefined;
}
const TokenSubjectRow = z.object({ subject: pgText });

/** Posts the answer to a close request: the confirm with its buttons, or why not. */
export async function replyCloseAsk(deps: BotDeps, reply: Reply, ask: CloseAsk): Promise<void> {
  const key = deps.config.telegram.callbackKey;
  if (ask.kind === 'market_closed' && ask.offer) {
    // Outside the session: the same bound choice as a card's or a flatten's "Queue for the open".
    const { offer } = ask;
    const until = offer.token.expiresAt.getTime();
    const queue = ask.underKill
      ? { text: isKrxCode(ask.position.symbol) ? '⏰ Queue sell under kill for the KRX open' : '⏰ Queue sell under kill for the open', callback_data: closeButton(key, 'u', offer.token.id, until) }
      : { text: isKrxCode(ask.position.symbol) ? '⏰ Queue sell for the KRX open' : '⏰ Queue sell for the open', callback_data: closeButton(key, 'q', offer.token.id, until) };
    await reply(closeQueueOfferText({ ...ask, offer }), { reply_markup: { inline_keyboard: [[queue, { text: '✖ Cancel', callback_data: closeButton(key, 'n', offer.token.id, until) }]] } });
    return;
  }
  if (ask.kind !== 'ask') {
    await reply(closeAskRefusalText(ask));
    return;
  }
  const until = ask.token.expiresAt.getTime();
  const sell = ask.underKill
    ? { text: '🧯 Sell under kill', callback_data: closeButton(key, 'k', ask.token.id, until) }
    : { text: `✅ Confirm: sell ${ask.qty} ${ask.position.symbol}`, callback_data: closeButton(key, 'y', ask.token.id, until) };
  await reply(closeAskText(ask), { reply_markup: { inline_keyboard: [[sell, { text: '✖ Cancel', callback_data: closeButton(key, 'n', ask.token.id, until) }]] } });
}

/** Handles one press of a close button (ops: src/bot/views/close-buttons.ts); always answers the query. */
export async function handleCloseCallback(deps: BotDeps, ctx: Context, arg: string, role: Role): Promise<void> {
  if (!ctx.from) return;
  const op = arg.slice(0, 1);
  const id = arg.slice(1);
  const by = ctx.from.id;
  const chatId = ctx.chat?.id ?? by;
  const answer = (text: string, alert = false) => ctx.answerCbQuery(fitCallbackAnswer(text), { show_alert: alert });
  const adminOnly = op === 'k' || op === 'u';
  if (!roleAllows(role, 'trader') || (adminOnly && !roleAllows(role, 'admin'))) {
    await auditOrLog(deps, { action: 'auth.forbidden', actor: by, chatId, command: 'close', role });
    await answer(adminOnly ? 'Only an admin can sell under the kill switch.' : 'Only a trader or admin can close a position.', true);
    return;
  }
  switch (op) {
    case 'o': {
      // The row's button names the position by a short ref and the version it was drawn at.
      const ref = id.slice(0, 11);
      const shown = id.slice(11);
      const pos = await positionByRef(deps.uow, ref);
      if (!pos || pos.version !== shown) {
        const text = pos
          ? `${pos.symbol} changed since /positions was shown (${pos.qty} shares now): send /positions again.`
          : 'This position is no longer open (or changed) since /positions was shown: send /positions again.';
        await answer(text, true);
        return;
      }
      const ask = await askClose(await closeAskDeps(deps, pos.symbol), { symbol: pos.symbol, strategy: pos.strategy, qty: null, by, role, shownVersion: shown });
      await replyCloseAsk(deps, replyOf(ctx), ask);
      await answer(
        ask.kind === 'ask'
          ? `Confirm the sale of ${pos.symbol} below.`
          : ask.kind === 'market_closed' && ask.offer
            ? `${isKrxCode(pos.symbol) ? 'KRX closed: queue the sale for the KRX open' : 'Market closed: queue the sale for the open'} below.`
            : 'Not closed: see the message below.',
      );
      return;
    }
    case 'y':
    case 'k': {
      const r = await confirmClose(await closeAskDeps(deps, await tokenSymbol(deps, id)), id, by, role);
      if (r.kind !== 'confirmed') {
        await answer(closeConfirmRefusalText(r), true);
        // An out-of-date or expired confirmation loses its buttons; a used one already shows what happened.
        if (r.kind === 'position_changed' || r.kind === 'market_closed' || (r.kind === 'refused' && (r.refusal.kind === 'stale' || r.refusal.kind === 'expired'))) {
          await ctx.editMessageText(`⌛ ${closeConfirmRefusalText(r)}`).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
        }
        return;
      }
      // Keyed by the (single-use) token: a replayed press lands on the same job, whose order id the token fixes too.
      await deps.jobs.add(
        'execution.close',
        {
          updateId: ctx.update.update_id,
          chatId,
          userId: by,
          role,
          symbol: r.symbol,
          strategy: r.strategy,
          qty: r.qty,
          requestId: r.requestId,
          day: r.day,
          epoch: r.epoch,
          underKill: r.underKill,
        },
        { jobId: `close-${r.requestId}` },
      );
      await answer(`Selling ${r.qty} ${r.symbol}…`);
      await ctx
        .editMessageText(`🧾 Close confirmed by ${ctx.from.first_name} (${by}): selling ${r.qty} ${r.symbol}${r.underKill ? ' under the kill switch' : ''}. The fill confirmation follows.`)
        .catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
      return;
    }
    case 'q':
    case 'u': {
      // The sale waits for its own market's open: a KRX code for KRX's (in KST), anything else NYSE's.
      const symbol = await tokenSymbol(deps, id);
      const r = await confirmCloseQueue(await closeAskDeps(deps, symbol), await queueDepsFor(deps, marketOfToken(symbol)), id, by, role, chatId);
      if (r.kind !== 'queued') {
        const text = closeQueueRefusalText(r);
        await answer(text, true);
        // An offer that can no longer queue loses its buttons; a used one already shows what happened.
        if (r.kind === 'position_changed' || r.kind === 'market_open' || r.kind === 'no_session' || (r.kind === 'refused' && (r.refusal.kind === 'stale' || r.refusal.kind === 'expired'))) {
          await ctx.editMessageText(`⌛ ${text}`).catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
        }
        return;
      }
      const q = r.order;
      await answer(r.already ? `A sale of ${q.symbol ?? '?'} is already queued: ${queuedAnswer(q)}` : queuedAnswer(q));
      await ctx
        .editMessageText(closeQueuedText(q, ctx.from.first_name, r.already), { reply_markup: { inline_keyboard: cancelQueuedKeyboard(deps.config.telegram.callbackKey, q) } })
        .catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
      return;
    }
    case 'n': {
      const c = await cancelClose(await closeAskDeps(deps), id, by);
      if (c.kind !== 'cancelled') {
        await answer(c.kind === 'used' && c.how === 'redeemed' ? 'Too late: this close was already confirmed.' : closeRefusalText(c), true);
        return;
      }
      if (c.offer === 'queue') {
        await answer('Not queued.');
        await ctx.editMessageText('Sale not queued: nothing will be sold; the position stays open. Send /close again to change your mind.').catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
        return;
      }
      await answer('Cancelled.');
      await ctx.editMessageText('Close cancelled: nothing was sold.').catch(ignoredBecause(deps.log, EDIT_MAY_FAIL));
      return;
    }
    default:
      await answer('This button is not valid. Send /close again.', true);
  }
}
