import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { SessionInfo } from '../../engine/calendar/index.js';
import { nyLocalParts } from '../../engine/calendar/index.js';
import { QUEUE_EXPIRE_AFTER_OPEN_MIN, QUEUE_SEND_AFTER_OPEN_MIN } from '../../engine/market-hours.js';
import { XKRX_CALENDAR } from '../../engine/calendar/exchange.js';
import { MARKETS, type Market } from '../../engine/market/markets.js';
import { SESSION_CLOSED_BY, type QueuedOrder } from '../../trading/queue/queued-orders.js';
import { nyClock } from '../format/ny-time.js';
import { kstClock } from './kr-pick-card.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon Dec 7" of a calendar date (the exchange's own: New York's for NYSE, Seoul's for KRX). */
export function nyDayLabel(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]} ${MONTHS[m - 1]} ${d}`;
}

/** "Mon Dec 7 09:31 ET". */
export function nyDayClock(at: Date): string {
  return `${nyDayLabel(nyLocalParts(at.getTime()).date)} ${nyClock(at)}`;
}

/** "Tue Dec 15 09:01 KST": a Seoul day and wall-clock time. */
export function kstDayClock(at: Date): string {
  return `${nyDayLabel(XKRX_CALENDAR.dateOf(at.getTime()))} ${kstClock(at)}`;
}

/** A day and time in the zone of `market`'s exchange: "Mon Dec 14 09:31 ET" (US) or "Tue Dec 15 09:01 KST" (KR). */
export function marketDayClock(market: Market, at: Date): string {
  return market === 'KR' ? kstDayClock(at) : nyDayClock(at);
}

/** A time in the zone of `market`'s exchange: "10:00 ET" or "09:30 KST". */
export function marketClock(market: Market, at: Date): string {
  return market === 'KR' ? kstClock(at) : nyClock(at);
}

/** Which open a queued order waits for, in words: "the open" (NYSE, as always said) or "the KRX open". */
export function openWords(market: Market): string {
  return market === 'KR' ? 'the KRX open' : 'the open';
}

/** The label of a KR card's queue button: the KRX open it waits for, in Seoul time ("⏰ Queue for the KRX open (Tue 09:00 KST)"). */
export function krQueueButtonLabel(openMs: number): string {
  return `⏰ Queue for the KRX open (${shortKstDayClock(new Date(openMs))})`;
}

/** What a queued order is, in a few words: "buy 10 TOL", "sell 25 TOL", "flatten (sell every position)". */
export function queuedWhat(q: QueuedOrder): string {
  if (q.kind === 'flatten') return q.market === 'KR' ? 'KR flatten (sell every open KR position)' : 'flatten (sell every open position)';
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
  const when = next ? shortKstDayClock(new Date(next.open)) : 'the next session';
  // Under Telegram's 200-character alert: what happened, and when to tap again.
  return `🕰 KRX takes no orders now (closed, or its closing auction): nothing was ordered for ${symbol}; the pick stays open until it expires. KRX opens ${when}.`;
}

/**
 * The Approve answer for a KR pick while KRX takes no orders, when the card now
 * offers the KR queue: nothing ordered; the queued order would go at `sendAt`
 * (KRX's continuous-session open + 1 min, Seoul time), re-priced and re-checked.
 */
export function krxClosedQueueApproveText(symbol: string, sendAt: Date): string {
  // Under Telegram's 200-character alert for a six-digit code.
  return `🕰 KRX takes no orders now: nothing was ordered for ${symbol}. Tap ⏰ Queue for the KRX open on the card to send it at ${kstDayClock(sendAt)}, re-priced and re-checked.`;
}

/** The KR card's line when the queue is offered after a refused Approve: when it would go and expire (KST). */
export function krxQueueOfferCardLine(sendAt: Date, expiresAt: Date): string {
  return `🕰 KRX closed: not ordered. Queue it for the KRX open (goes ${kstDayClock(sendAt)}, expires ${kstClock(expiresAt)}), or let it expire.`;
}

/** "Tue 09:00 KST": a Seoul weekday and time (UTC+9 all year). */
function shortKstDayClock(at: Date): string {
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

/** A KR card posted while KRX takes no orders: what its ⏰ Queue for the KRX open would do, in Seoul time. */
export function krxQueueOfferLine(sendAt: Date, expiresAt: Date): string {
  return `🕰 KRX closed: ⏰ Queue for the KRX open sends it at ${kstDayClock(sendAt)} after a fresh quote and every check again; not sent by ${kstDayClock(expiresAt)}, it expires.`;
}

/** The card's line once queued: when it goes, when it expires, how to cancel. */
export function queuedCardLine(q: QueuedOrder, by: string): string {
  return `⏰ Queued for ${openWords(q.market)} by ${by} (${q.id}): goes at ${marketDayClock(q.market, q.sendAt)} after a fresh quote, the kill switch, the drift band and the gates; expires ${marketDayClock(q.market, q.expiresAt)} if not sent. /cancel ${q.id}`;
}

/** The answer to whoever queued. */
export function queuedAnswer(q: QueuedOrder): string {
  return `Queued ${queuedWhat(q)} for ${marketDayClock(q.market, q.sendAt)} (${q.id}); expires ${marketClock(q.market, q.expiresAt)}. /cancel ${q.id} to drop it.`;
}

/** A queued order the open could not send in time. */
export function queuedExpiredText(q: QueuedOrder): FmtString {
  // Its session was closed by a calendar override after it was queued: dropped, never moved to another day.
  if (q.closedBy === SESSION_CLOSED_BY) {
    return fmt`⌛ ${bold`Queued order dropped`}: ${queuedWhat(q)} (${q.id}) waited for the ${nyDayLabel(q.sessionDate)} ${MARKETS[q.market].exchange} session, which is now closed (calendar change). It is not moved to another day, so nothing was ordered. Approve a new pick if you still want the trade.`;
  }
  return fmt`⌛ ${bold`Queued order expired`}: ${queuedWhat(q)} (${q.id}) was not sent by ${marketDayClock(q.market, q.expiresAt)}. Nothing was ordered.`;
}

/** The pick card's last line once its queued order expired (its Cancel button goes). */
export function queuedExpiredCardLine(q: QueuedOrder): string {
  if (q.closedBy === SESSION_CLOSED_BY) return `⌛ Queued order ${q.id} dropped: the ${nyDayLabel(q.sessionDate)} ${MARKETS[q.market].exchange} session was closed; nothing was ordered`;
  return `⌛ Queued order ${q.id} expired at ${marketDayClock(q.market, q.expiresAt)}: nothing was ordered`;
}

/** The pick card's last line once /kill cancelled its queued order. */
export function queuedKilledCardLine(q: QueuedOrder): string {
  return `🛑 Queued order ${q.id} cancelled by /kill: nothing was ordered`;
}

/** `/cancel <id>` done. */
export function queuedCancelledText(q: QueuedOrder): string {
  return `✖ Cancelled ${q.id}: ${queuedWhat(q)} will not be sent at ${openWords(q.market)}. Nothing was ordered.`;
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
  return `QUEUED ${q.id} · ${queuedWhat(q)}${q.market === 'KR' ? ' (KRX)' : ''} · goes ${marketDayClock(q.market, q.sendAt)} · expires ${marketClock(q.market, q.expiresAt)}`;
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

/**
 * `/kill flatten` while KRX takes no orders and the KR book holds positions: nothing KR is sold
 * now; queue it for KRX's next continuous-session open (Seoul time), bound to this kill.
 */
export function krFlattenClosedText(next: SessionInfo | null): FmtString {
  const when = next ? kstDayClock(new Date(next.open + QUEUE_SEND_AFTER_OPEN_MIN * 60_000)) : 'the next KRX open';
  return fmt`🇰🇷 ${bold`KR (KRX) closed`}: KRX takes no orders now (closed, or an auction), so no KR position is sold now. Queue the KR flatten to sell every open KR position at ${when}, bound to this kill (a /resume or another /kill drops it); it expires ${String(QUEUE_EXPIRE_AFTER_OPEN_MIN)} minutes after the KRX open.`;
}

/** `/kill flatten` while KRX is open and the KR book holds positions: the sell-all confirm sells the KR book now. */
export function krFlattenOpenLine(): string {
  return '🇰🇷 KR (KRX) open: the KR positions are sold now by 🧯 Confirm: sell all (IOC at the bid, in KRX\'s continuous session).';
}

/** `/kill flatten` with the US half of the choice named (when KR has its own part): US closed, queue for the NYSE open. */
export function usFlattenClosedText(next: SessionInfo | null): FmtString {
  return fmt`🇺🇸 US (NYSE): ${flattenMarketClosedText(next)}`;
}
