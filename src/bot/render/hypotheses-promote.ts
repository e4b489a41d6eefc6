import type { NotifyOp } from '../../jobs/payloads/common.js';
import type { IncubationNotice } from '../../trading/hypotheses/incubation-notices.js';
import type { PromoteCardData } from '../../trading/hypotheses/promote-card.js';
import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import { asFormatted, type Keyboard } from '../format/message.js';
import { KEEP_BUTTON_TEXT, promoteButtonText, promoteCardText, promoteEquityChart } from '../views/hypotheses-promote-view.js';
import type { RenderContext, Rendered } from './types.js';

/**
 * The card's two buttons, signed: `p<token>` Promote (or "Promote and demote
 * X") and `k<token>` Keep, one token for both (src/bot/callbacks/hypotheses.ts
 * handles them).
 */
export function promoteKeyboard(key: Buffer, card: PromoteCardData, tokenId: string, expiresAtMs: number): Keyboard {
  return [
    [
      { text: promoteButtonText(card), callback_data: signCallback(key, CALLBACK_ACTIONS.hypothesisOp, `p${tokenId}`, expiresAtMs) },
      { text: KEEP_BUTTON_TEXT, callback_data: signCallback(key, CALLBACK_ACTIONS.hypothesisOp, `k${tokenId}`, expiresAtMs) },
    ],
  ];
}

/**
 * The Promote card as chat operations: the text with its buttons (a text
 * message, so a tap can edit it), then the shadow book's equity chart when it
 * can be drawn (the card stands without it).
 */
export async function renderPromoteCard(n: Extract<IncubationNotice, { kind: 'hypotheses.promote-card' }>, ctx: RenderContext): Promise<Rendered> {
  const ops: NotifyOp[] = [{ kind: 'text', ...asFormatted(promoteCardText(n.card, n.expiresAtMs)), keyboard: promoteKeyboard(ctx.callbackKey, n.card, n.tokenId, n.expiresAtMs) }];
  const spec = promoteEquityChart(n.card);
  if (spec) {
    try {
      ops.push(await ctx.photoOp(await ctx.charts.render(spec), `${n.card.hypothesis.id}: shadow-book equity (PAPER)`));
    } catch (err) {
      ctx.log.warn({ err, chart: spec.title }, 'promote card chart failed; sending text only');
    }
  }
  return { ops, origin: 'hypothesis-promote' };
}
