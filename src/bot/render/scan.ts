import type { ScanNotice } from '../../trading/scan/notices.js';
import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import type { NotifyOp } from '../../jobs/payloads/common.js';
import { asFormatted, type Keyboard } from '../format/message.js';
import { nyClock } from '../format/ny-time.js';
import { cardQueueOffer, pickCaption, pickChartSpec, queueButtonLabel } from '../views/pick-card.js';
import { QUEUE_FOR_OPEN, queueButton } from '../callbacks/queue-button.js';
import type { MarketHours } from '../../engine/market-hours.js';
import { heldPicksText, scanDoneText, scanProgressText, scanStartedText, scheduledScanAckText } from '../views/scan-messages.js';
import type { RenderContext, RendererTable } from './types.js';

/**
 * What the card renderer reads besides the common context: the market's hours
 * (from MARKET_HOURS), to offer ⏰ Queue for the open on cards posted outside
 * the session. Without them no queue offer is made.
 */
export type CardRenderContext = RenderContext & { hours?: MarketHours };

/** Chat renderings of every ScanNotice kind. */
export const scanRenderers: RendererTable<ScanNotice> = {
  'scan.started': async (n) => ({ ops: [{ kind: 'edit', messageId: n.messageId, text: scanStartedText(n) }], origin: 'scan' }),
  'scan.progress': async (n) => ({ ops: [{ kind: 'edit', messageId: n.messageId, text: scanProgressText(n) }], origin: 'scan-progress' }),
  'scan.finished': async (n) => ({ ops: [{ kind: 'edit', messageId: n.messageId, ...asFormatted(scanDoneText(n)) }], origin: 'scan' }),
  // One card per new pick: its chart, the caption with levels and size, and signed Approve / Reject buttons valid until the pick
  // expires (posted outside the session, also ⏰ Queue for the open, its own approval, and when it would go and expire);
  // then one message without buttons for the held ones (shown before or decided: never a second live card).
  'scan.cards': async (n, ctx: CardRenderContext) => {
    const key = ctx.callbackKey;
    const ops: NotifyOp[] = [];
    const held = n.cards.filter((c) => c.pick.held === true).map((c) => c.pick);
    for (const { pick, series } of n.cards.filter((c) => c.pick.held !== true)) {
      const png = await ctx.charts.render(pickChartSpec(pick, series));
      const expires = pick.expiresAt.getTime();
      // Each card's own market decides the offer: NYSE's open for a US pick, KRX's continuous-session open (KST) for a KR one.
      const queue = cardQueueOffer(pick, ctx.hours, ctx.now());
      const keyboard: Keyboard = [
        [
          { text: '✅ Approve', callback_data: signCallback(key, CALLBACK_ACTIONS.approvePick, pick.id, expires) },
          { text: '✖ Reject', callback_data: signCallback(key, CALLBACK_ACTIONS.rejectPick, pick.id, expires) },
        ],
        ...(queue ? [[{ text: queueButtonLabel(queue, QUEUE_FOR_OPEN), callback_data: queueButton(key, 'e', pick.id, expires) }]] : []),
      ];
      ops.push(await ctx.photoOp(png, pickCaption(pick, nyClock(pick.expiresAt), queue, n.correlation?.[pick.id] ?? null), keyboard, `pick:${pick.id}`));
    }
    if (held.length > 0) ops.push({ kind: 'text', ...asFormatted(heldPicksText(held, nyClock)) });
    return { ops, origin: 'scan-cards' };
  },
};

/**
 * The scheduled scan's ack poster (a port of the `scans` queue's handlers):
 * sends the announcement through `send` (which answers with the message id,
 * so the scan can edit it) without a sound for users who chose silent.
 */
export function scheduledScanAckPoster(send: (chatId: number, text: string, silent: boolean) => Promise<number>): (chatId: number, slot: string, silent: boolean) => Promise<number> {
  return (chatId, slot, silent) => send(chatId, scheduledScanAckText(slot), silent);
}
