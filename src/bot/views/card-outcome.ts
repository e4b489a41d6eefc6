import { fmt, join, type FmtString } from 'telegraf/format';
import { nyClock } from '../format/ny-time.js';
import { GATE_TITLES } from './fill-view.js';
import { failedReason } from './execution-reasons.js';
import { recordedReasonText } from './recorded-reasons.js';
import type { ExecutionOutcome } from '../../trading/execution/execute.js';
import { amountsOfSymbol } from '../format/market-amounts.js';
import { pickCaption, type PickView } from './pick-card.js';


/** A pick card's caption with one outcome line under it (the card's buttons are removed at the same time). */
export function cardWithOutcome(pick: PickView & { expiresAt: Date }, outcome: string | FmtString): FmtString {
  return join([pickCaption(pick, nyClock(pick.expiresAt)), fmt`\n${outcome}`], '\n');
}

/** One short line for the card: what became of the approval. */
export function outcomeLine(out: ExecutionOutcome): string {
  switch (out.kind) {
    case 'filled':
      return `✅ Filled ${out.filledQty} @ ${amountsOfSymbol(out.symbol).price(out.avgFillPrice)} (${out.broker})`;
    case 'partially_filled':
      return `🟡 Partly filled ${out.filledQty}/${out.qty} @ ${amountsOfSymbol(out.symbol).price(out.avgFillPrice)} (${out.broker})`;
    case 'not_filled':
      return `⚪ Not filled: ${recordedReasonText(out.reason)}`;
    case 'refused':
      return `⛔ Refused by ${GATE_TITLES[out.gate]}: nothing was ordered`;
    case 'failed':
      return `❌ Not placed: ${failedReason(out)}`;
    case 'pending':
      return out.cause.code === 'ambiguous' ? '⚠️ Not confirmed: another order holds its id at the broker (admins alerted)' : '⏳ Order outcome pending';
    case 'not_found':
      return '❓ Approval not found';
  }
}
