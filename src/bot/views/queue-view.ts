import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { SessionInfo } from '../../engine/calendar/index.js';
import { nyLocalParts } from '../../engine/calendar/index.js';
import { QUEUE_EXPIRE_AFTER_OPEN_MIN, QUEUE_SEND_AFTER_OPEN_MIN } from '../../engine/market-hours.js';
import type { QueuedOrder } from '../../trading/queue/queued-orders.js';
import { nyClock } from '../format/ny-time.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon Dec 7" of a New York calendar date. */
export function nyDayLabel(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]} ${MONTHS[m - 1]} ${d}`;
}

/** "Mon Dec 7 09:31 ET". */
export function nyDayClock(at: Date): string {
  return `${nyDayLabel(nyLocalParts(at.getTime()).date)} ${nyClock(at)}`;
}

/** What a queued order is, in a few words: "buy 10 TOL", "sell 25 TOL", "flatten (sell every position)". */
export function queuedWhat(q: QueuedOrder): string {
  if (q.kind === 'flatten') return 'flatten (sell every open position)';
  return `${q.side ?? (q.kind === 'entry' ? 'buy' : 'sell')} ${q.qty ?? '?'} ${q.symbol ?? '?'}`;
}

/** The Approve answer while the market is closed: nothing ordered, the queue offered. */
export function marketClosedApproveText(symbol: string | null, next: SessionInfo | null): string {
  const when = next ? `${nyDayClock(new Date(next.open + QUEUE_SEND_AFTER_OPEN_MIN * 60_000))}` : 'the next open';
  // Kept under Telegram's 200-character alert for a 5-letter symbol: the send time is the point.
  return `🕰 Market closed: an order now cannot fill, so nothing was ordered${symbol ? ` for ${symbol}` : ''} and the pick stays open. Tap ⏰ Queue for the open on the card to send it at ${when}, re-priced and re-checked.`;
}

/**
 * The Approve answer for a KR pick while KRX is closed: nothing is ordered and
 * no queue is offered (the open queue sends at the NYSE open; KR orders are
 * not queued yet). `next` is the next KRX session, shown in Seoul time.
 */
export function krxClosedApproveText(symbol: string, next: SessionInfo | null): string {
  const when = next ? kstDayClock(new Date(next.open)) : 'the next session';
  // Under Telegram's 200-character alert: what happened, and when to tap again.
  return `🕰 KRX takes no orders now (closed, or its closing auction): nothing was ordered for ${symbol}; the pick stays open until it expires. KRX opens ${when}.`;
}

/** "Tue 09:00 KST": a Seoul day and time (UTC+9 all year). */
function kstDayClock(at: Date): string {
  const kst = new Date(at.getTime() + 9 * 3_600_000);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][kst.getUTCDay()]!;
  return `${day} ${kst.toISOString().slice(11, 16)} KST`;
}

/**
 * The Approve answer when our calendar says open but the broker's clock says
 * closed; `queueAt` when the card now offers ⏰ Queue for the open (sent then).
 */
export function brokerClosedApproveText(broker: string, nextOpen: string | null, queueAt: Date | null = null): string {
  const next = nextOpen && Number.isFinite(Date.parse(nextOpen)) ? nyDayClock(new Date(nextOpen)) : null;
  const head = `🕰 ${broker} says the market is closed now (an unscheduled closure or halt our calendar does not show): nothing was ordered and the pick stays open.${next ? ` ${broker} reopens ${next}.` : ''}`;
  return queueAt ? `${head} Tap ⏰ Queue for the open on the card to send it at ${nyDayClock(queueAt)} (re-priced and re-checked then), or approve again once it is open.` : `${head} Approve again once it is open.`;
}

/**
 * A card posted outside the session: what its ⏰ Queue for the open button
 * would do — when the order goes (open + 1 min) and when, not sent, it expires
 * (open + 30 min).
 */
export function queueOfferLine(sendAt: Date, expiresAt: Date): string {
  return `🕰 Market closed: ⏰ Queue for the open sends it at ${nyDayClock(sendAt)} after a fresh quote and every check again; not sent by ${nyDayClock(expiresAt)}, it expires.`;
}

/** The card's line once queued: when it goes, when it expires, how to cancel. */
export function queuedCardLine(q: QueuedOrder, by: string): string {
  return `⏰ Queued for the open by ${by} (${q.id}): goes at ${nyDayClock(q.sendAt)} after a fresh quote, the kill switch, the drift band and the gates; expires ${nyDayClock(q.expiresAt)} if not sent. /cancel ${q.id}`;
}

/** The answer to whoever queued. */
export function queuedAnswer(q: QueuedOrder): string {
  return `Queued ${queuedWhat(q)} for ${nyDayClock(q.sendAt)} (${q.id}); expires ${nyClock(q.expiresAt)}. /cancel ${q.id} to drop it.`;
}

/** A queued order the open could not send in time. */
export function queuedExpiredText(q: QueuedOrder): FmtString {
  return fmt`⌛ ${bold`Queued order expired`}: ${queuedWhat(q)} (${q.id}) was not sent by ${nyDayClock(q.expiresAt)}. Nothing was ordered.`;
}

/** The pick card's last line once its queued order expired (its Cancel button goes). */
export function queuedExpiredCardLine(q: QueuedOrder): string {
  return `⌛ Queued order ${q.id} expired at ${nyDayClock(q.expiresAt)}: nothing was ordered`;
}

/** The pick card's last line once /kill cancelled its queued order. */
export function queuedKilledCardLine(q: QueuedOrder): string {
  return `🛑 Queued order ${q.id} cancelled by /kill: nothing was ordered`;
}

/** `/cancel <id>` done. */
export function queuedCancelledText(q: QueuedOrder): string {
  return `✖ Cancelled ${q.id}: ${queuedWhat(q)} will not be sent at the open. Nothing was ordered.`;
}

/** `/cancel <id>` of an order no longer queued. */
export function notQueuedText(q: QueuedOrder): string {
  const what = q.state === 'SENT' ? 'already sent at the open (see its confirmation)' : q.state === 'EXPIRED' ? 'already expired' : 'already cancelled';
  return `${q.id} is ${what}; nothing changed.`;
}

/** The list /cancel shows without an id (and /orders' QUEUED lines). */
export function queuedList(orders: readonly QueuedOrder[]): FmtString {
  if (orders.length === 0) return fmt`No queued orders. Outside the session, a card's ⏰ Queue for the open queues one.`;
  return fmt`${bold`Queued for the open`} (${String(orders.length)})\n${join(orders.map(queuedRow), '\n')}\nCancel one with /cancel <id>.`;
}

/** One QUEUED row: "QUEUED q1a2b3c4 · buy 10 TOL · goes Mon Dec 7 09:31 ET · expires 10:00 ET". */
export function queuedRow(q: QueuedOrder): string {
  return `QUEUED ${q.id} · ${queuedWhat(q)} · goes ${nyDayClock(q.sendAt)} · expires ${nyClock(q.expiresAt)}`;
}

/** /kill's line about the queue. */
export function queueCancelledByKill(orders: readonly QueuedOrder[]): string {
  return orders.length === 0 ? '' : `\nQueued for the open, now cancelled: ${orders.map((q) => `${q.id} (${queuedWhat(q)})`).join(', ')}.`;
}

/** `/kill flatten` while the market is closed: selling now cannot fill. */
export function flattenMarketClosedText(next: SessionInfo | null): FmtString {
  const when = next ? nyDayClock(new Date(next.open + QUEUE_SEND_AFTER_OPEN_MIN * 60_000)) : 'the next open';
  return fmt`🕰 ${bold`Market closed`}: a flatten now cannot fill (IOC orders execute only in the session), so nothing is sold now. Queue it to sell every open position at ${when}, bound to this kill (a /resume or another /kill drops it); it expires ${String(QUEUE_EXPIRE_AFTER_OPEN_MIN)} minutes after the open.`;
}
