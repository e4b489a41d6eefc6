import { bold, fmt, join, type FmtString } from 'telegraf/format';
import { isKrxCode, marketOfCode } from '../../engine/market/symbols.js';
import type { SessionInfo } from '../../engine/calendar/index.js';
import type { CloseAsk, CloseConfirm, CloseQueueConfirm, CloseResult } from '../../trading/execution/close-position.js';
import type { ConfirmRefusal } from '../../trading/confirmations/confirmations.js';
import type { QueuedOrder } from '../../trading/queue/queued-orders.js';
import { money } from '../format/numbers.js';
import { nyClock } from '../format/ny-time.js';
import { exactPrice, strategyTitle } from '../format/display.js';
import { kstDayClock, marketClock, marketDayClock, nyDayClock, openWords, queuedWhat } from './queue-view.js';
import { exitLine } from './exit-view.js';
import { unfilledText } from './recorded-reasons.js';
import type { OrderTimeInForce } from '../../lib/time-in-force.js';

/** `/close` with nothing after it, or with too much. */
export const CLOSE_USAGE = 'Usage: /close SYMBOL [qty] — sells qty shares of an open position (default: all of it) after a confirmation. The Close buttons on /positions do the same.';

/** "Mon Dec 14 09:30 ET", or what to say when the calendar has no next session. */
function opensAt(next: SessionInfo | null): string {
  return next ? nyDayClock(new Date(next.open)) : 'the next session (not in the calendar yet)';
}

/** Outside the regular session: nothing is sold now. */
export function closeMarketClosedText(symbol: string, next: SessionInfo | null): FmtString {
  // A KRX code: KRX's continuous session, in Seoul time (`next` is KRX's next open then). When a queue is
  // offered, closeQueueOfferText puts its "⏰ Or queue it" line under this one.
  if (isKrxCode(symbol)) {
    const when = next ? `KRX opens next ${kstDayClock(new Date(next.open))}` : 'The next KRX session is not in the calendar yet';
    return fmt`🕰 ${bold`KRX closed`}: selling ${symbol} now cannot fill (it is sold only in KRX's continuous session, 09:00–15:20 KST on a regular day, outside the auctions), so nothing was sold. ${when}; /close works from then.`;
  }
  return fmt`🕰 ${bold`Market closed`}: selling ${symbol} now cannot fill (Courtside's sells execute only in the regular session), so nothing was sold. The next session opens ${opensAt(next)} (New York time); /close works then.`;
}

/**
 * Outside the session with the "Queue for the open" choice: why nothing is
 * sold now, and what the queued sale would do (when it goes, when it
 * expires). Its buttons come with it (src/bot/callbacks/close.ts).
 */
export function closeQueueOfferText(a: Extract<CloseAsk, { kind: 'market_closed' }> & { offer: NonNullable<Extract<CloseAsk, { kind: 'market_closed' }>['offer']> }): FmtString {
  const p = a.position;
  const sell = `sell ${a.qty} ${p.symbol}`;
  const rest = a.qty < p.qty ? ` ${p.qty - a.qty} of the ${p.qty} shares stay open.` : ' This closes the position.';
  // A KRX code waits for KRX's continuous-session open, told in Seoul time; anything else for NYSE's, in New York time.
  const market = marketOfCode(p.symbol);
  const open = market === 'KR' ? 'KRX open + 1 min' : 'open + 1 min';
  const queue = `⏰ Or queue it: ${sell} at ${marketDayClock(market, a.offer.sendAt)} (${open}) as ${sellLimitWords(a.timeInForce)}, after a fresh quote and the kill switch; it expires at ${marketClock(market, a.offer.expiresAt)} if not sent.${rest} Nothing reaches the broker before then; /cancel drops it. This offer expires in 5 minutes.`;
  const closed = closeMarketClosedText(p.symbol, a.nextOpen);
  if (a.underKill) {
    return fmt`🛑 ${bold`The kill switch is ON`} (${a.killReason ?? 'no reason recorded'}).\n${closed}\n${queue} Queued under this kill, it sells only while the switch stays at this kill (another /kill cancels it).`;
  }
  return fmt`${closed}\n${queue}`;
}

/** The offer once queued: what goes when, its expiry and how to cancel; the queue's Cancel button comes with it. */
export function closeQueuedText(q: QueuedOrder, by: string, already: boolean): string {
  const head = already ? `⏰ A sale of ${q.symbol ?? '?'} was already queued for ${openWords(q.market)} (${q.id})` : `⏰ Sale queued for ${openWords(q.market)} (${q.id}) by ${by}`;
  const kill = q.killEpoch !== null ? ', bound to this kill' : '';
  return `${head}: ${queuedWhat(q)} at ${marketDayClock(q.market, q.sendAt)} after a fresh quote and the kill switch${kill}; expires ${marketDayClock(q.market, q.expiresAt)} if not sent. Nothing is at the broker before then. /cancel ${q.id}`;
}

function queueOfferRefusalText(r: ConfirmRefusal): string {
  switch (r.kind) {
    case 'stale':
      return `This offer is out of date: the kill switch changed${r.changedAt ? ` at ${nyClock(r.changedAt)}` : ' since it was shown'}. Nothing was queued; send /close again.`;
    case 'used':
      return r.how === 'cancelled' ? 'This offer was cancelled: nothing was queued. Send /close again.' : 'This offer was already used: the sale is queued once (/cancel lists the queue).';
    case 'expired':
      return 'This offer has expired: nothing was queued. Send /close again.';
    case 'unknown':
      return 'This button is not valid. Send /close again.';
  }
}

/** Words for a "Queue sell for the open" press that queued nothing, each saying what to do next. */
export function closeQueueRefusalText(r: Exclude<CloseQueueConfirm, { kind: 'queued' }>): string {
  switch (r.kind) {
    case 'refused':
      return queueOfferRefusalText(r.refusal);
    case 'position_changed':
      return r.heldNow > 0
        ? `${r.symbol} changed since this offer (${r.heldNow} shares now): nothing was queued. Send /close again.`
        : `${r.symbol} is no longer open: nothing was queued.`;
    case 'market_open':
      return `${isKrxCode(r.symbol) ? 'KRX takes orders now' : 'The market is open now'}: nothing was queued. Send /close ${r.symbol} again to sell at once.`;
    case 'no_session':
      return 'No session ahead in the exchange calendar: nothing was queued.';
    case 'forbidden':
      return 'Only an admin can sell under the kill switch.';
  }
}

/**
 * The sale as it will rest at the broker: "one IOC sell limit at the bid less
 * the exit buffer", or on an account that refuses IOC (ALPACA_ENTRY_TIF=day)
 * the DAY limit Courtside cancels unfilled after its delay.
 */
function sellLimitWords(t: OrderTimeInForce | null): string {
  const head = 'sell limit at the bid less the exit buffer';
  if (t?.tif !== 'day') return `one IOC ${head}`;
  return `one DAY ${head}, cancelled by Courtside if still unfilled after ${Math.round(t.dayCancelAfterMs / 1000)} s (ALPACA_ENTRY_TIF=day)`;
}

const capitalise = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;

/** The confirm question; its buttons come with it (see src/bot/commands/close.ts). */
export function closeAskText(a: Extract<CloseAsk, { kind: 'ask' }>): FmtString {
  const p = a.position;
  const what = `${a.qty} of ${p.qty} ${p.symbol}`;
  const rest = a.qty < p.qty ? `${p.qty - a.qty} shares stay open.` : 'This closes the position.';
  const how = `${capitalise(sellLimitWords(a.timeInForce))}; average cost ${`$${exactPrice(p.avgCost)}`} (${strategyTitle(p.strategy)}). ${rest} This button expires in 5 minutes.`;
  if (a.underKill) {
    return fmt`🛑 ${bold`The kill switch is ON`} (${a.killReason ?? 'no reason recorded'}).\n${bold(`Sell ${what} under kill?`)}\n${how} It sells only while the switch stays at this kill.`;
  }
  return fmt`⚠️ ${bold(`Sell ${what}?`)}\n${how}`;
}

/** Every answer of `askClose` but `ask`. */
export function closeAskRefusalText(a: Exclude<CloseAsk, { kind: 'ask' }>): string | FmtString {
  switch (a.kind) {
    case 'no_position':
      return a.closest.length > 0
        ? `No open position in ${a.symbol}. Did you mean ${a.closest.join(', ')}? /positions lists what is held.`
        : `No open position in ${a.symbol}. /positions lists what is held.`;
    case 'ambiguous':
      return `${a.symbol} is held under several strategies (${a.strategies.map(strategyTitle).join(', ')}): use the Close button of one row on /positions.`;
    case 'too_many':
      return `You hold ${a.position.qty} ${a.position.symbol}: /close ${a.position.symbol} sells at most ${a.position.qty} (or leave qty out to sell all of it).`;
    case 'position_changed':
      return a.position
        ? `${a.symbol} changed since /positions was shown (${a.position.qty} shares now): send /positions again.`
        : `${a.symbol} is no longer open: nothing to close. Send /positions again.`;
    case 'market_closed':
      return closeMarketClosedText(a.position.symbol, a.nextOpen);
    case 'kill_switch':
      return `🛑 The kill switch is ON (${a.reason ?? 'no reason recorded'}): /close is refused for traders. An admin can sell one position under the kill (/close as admin), flatten everything (/kill flatten) or /resume.`;
    case 'kill_unknown':
      return '⚠️ The kill switch state cannot be read (neither Postgres nor Redis answers), so nothing can be confirmed. Check /status and try again.';
  }
}

/** Words for a close confirmation that confirmed nothing. */
export function closeRefusalText(r: ConfirmRefusal): string {
  switch (r.kind) {
    case 'stale':
      return `This confirmation is out of date: the kill switch changed${r.changedAt ? ` at ${nyClock(r.changedAt)}` : ' since it was shown'}. Nothing was sold; send /close again.`;
    case 'used':
      return r.how === 'cancelled' ? 'This close was cancelled. Send /close again.' : 'This confirmation was already used.';
    case 'expired':
      return 'This confirmation has expired. Nothing was sold; send /close again.';
    case 'unknown':
      return 'This button is not valid. Send /close again.';
  }
}

/** Every answer of `confirmClose` but `confirmed`. */
export function closeConfirmRefusalText(c: Exclude<CloseConfirm, { kind: 'confirmed' }>): string {
  switch (c.kind) {
    case 'refused':
      return closeRefusalText(c.refusal);
    case 'position_changed':
      return c.heldNow > 0
        ? `${c.symbol} changed since this confirmation (${c.heldNow} shares now): nothing was sold. Send /close again.`
        : `${c.symbol} is no longer open: nothing was sold.`;
    case 'market_closed':
      return `The market closed since this was asked: nothing was sold. The next session opens ${opensAt(c.nextOpen)}; /close works then.`;
    case 'forbidden':
      return 'Only an admin can sell under the kill switch.';
  }
}

/** The fill confirmation (the caption of its chart when there is one): qty, average, realized P&L that multiplies out. */
export function closeResultText(req: { symbol: string; strategy: string; qty: number; underKill: boolean }, r: CloseResult): FmtString {
  const who = `${req.symbol} (${strategyTitle(req.strategy)})`;
  switch (r.kind) {
    case 'market_closed':
      return closeMarketClosedText(req.symbol, r.nextOpen);
    case 'position_changed':
      return fmt`Close ${who}: not sent — ${String(r.held)} shares are held now, fewer than the ${String(r.asked)} confirmed. Send /close again.`;
    case 'stale':
      return fmt`Close ${who}: not sent — it was confirmed on ${r.day}, an earlier trading day. Send /close again.`;
    case 'exit_pending':
      return join([fmt`Close ${who}: not sent — an earlier exit order of this position is not settled yet (it is only looked up, never re-sent).`, ...r.outcomes.map((o) => `• ${exitLine(o)}`)], '\n');
    case 'busy':
      return fmt`Close ${who}: another run is working on this position; send /close again in a minute.`;
    case 'outcome':
      break;
  }
  const o = r.outcome;
  if (o.filledQty > 0 && o.avgFillPrice !== null && o.realizedPnl !== null) {
    const head = o.filledQty >= o.qty ? `Closed ${o.filledQty} ${req.symbol}` : `Closed ${o.filledQty} of ${o.qty} ${req.symbol}`;
    const lines: (string | FmtString)[] = [
      fmt`✅ ${bold(head)} (${strategyTitle(req.strategy)})${req.underKill ? ' — sold under the kill switch' : ''}`,
      `Sold ${o.filledQty}/${o.qty} @ $${exactPrice(o.avgFillPrice)} (${o.timeInForce === 'day' ? 'DAY' : 'IOC'} limit $${exactPrice(o.limitPrice ?? 0)})`,
      `Realized: ${o.filledQty} × ($${exactPrice(o.avgFillPrice)} − $${exactPrice(r.avgCost)}) = ${money(o.realizedPnl, { signed: true })}`,
    ];
    if (o.filledQty < o.qty) {
      // Who ended the rest, as recorded at booking; a row booked before that was kept was an IOC sell.
      const rest = unfilledText(o);
      lines.push(rest ? `The other ${o.qty - o.filledQty}: ${rest}.` : `The other ${o.qty - o.filledQty} found no buyer at or above the limit (IOC: nothing rests).`);
    }
    lines.push(o.remainingQty > 0 ? `${o.remainingQty} shares still held.` : 'Position closed.');
    return join(lines, '\n');
  }
  if (o.note.code === 'kill_switch_changed') {
    const at = o.note.changedAt ? nyClock(new Date(o.note.changedAt)) : 'an unknown time';
    return fmt`Close ${who}: not sent — the kill switch changed at ${at}, after this close was confirmed. Nothing was sold.`;
  }
  if (o.note.code === 'no_quote') return fmt`Close ${who}: no quote (${o.note.error}); nothing was sent. Send /close again.`;
  return fmt`Close ${who}: ${exitLine(o)}`;
}
