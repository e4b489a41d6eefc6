import { describeRefusal, usd } from '../../engine/risk/index.js';
import { KRW_FIGURE, won } from '../../engine/risk/money-words.js';
import type { Market } from '../../engine/market/markets.js';
import type { OrderEndedBy, RecordedReason } from '../../trading/execution/recorded-reasons.js';
import { marketDayClock, nyDayClock } from './queue-view.js';

/**
 * A recorded reason in words, as /orders, the close digest, the card and the
 * fill message show it. A face's wording: the row keeps only the code and
 * its figures (src/trading/execution/recorded-reasons.ts).
 *
 * `market` is the market of the order or approval the reason is about (default US: every
 * caller before markets, whose words are unchanged). For KR, amounts are whole won (₩) and
 * times Seoul's (KST): the stored figures carry no currency for most gates (only PolicyGate
 * adds `krw: 1`), so the face, which knows the row's market, supplies it.
 */
export function recordedReasonText(r: RecordedReason, market: Market = 'US'): string {
  const kr = market === 'KR';
  // "Mon Dec 14 09:31 ET" for US (as before), "Tue Dec 15 09:01 KST" for KR.
  const dayClock = (at: Date): string => (kr ? marketDayClock('KR', at) : nyDayClock(at));
  switch (r.code) {
    case 'expired':
      return `The approval expired at ${kr ? dayClock(new Date(r.expiresAt)) : r.expiresAt} before execution started; nothing was ordered. Re-scan and approve again.`;
    case 'kill_switch':
      return r.order === 'entry'
        ? `Kill switch is ON (${r.killReason ?? 'no reason given'}): nothing was sent to the broker. Resume with /resume and approve a fresh pick.`
        : `kill switch is ON (${r.killReason ?? 'no reason given'}): not sent`;
    case 'kill_switch_changed':
      return `the kill switch changed (epoch ${r.confirmedEpoch} → ${r.epoch ?? 'unknown'}) after this flatten was confirmed: not sent`;
    case 'market_closed':
      if (r.byBroker !== undefined) {
        return `Our calendar said the market was open, but ${r.byBroker}'s own clock said closed at ${dayClock(new Date(r.at))} (an unscheduled closure or a halt day): nothing was sent to the broker and nothing was booked. ${r.byBroker} says the next session opens ${r.nextOpen === null ? 'at a time it did not give' : dayClock(new Date(r.nextOpen))}.`;
      }
      return `${kr ? 'KRX was' : 'The market was'} closed when this order was due to go (${dayClock(new Date(r.at))}): an order then cannot fill at the price you approved, so nothing was sent to the broker and nothing was booked. The next session opens ${r.nextOpen === null ? 'on a date past the exchange calendar' : dayClock(new Date(r.nextOpen))}.`;
    case 'calendar_unknown':
      return `The ${r.exchange === 'XNYS' ? 'NYSE' : r.exchange === 'XKRX' ? 'KRX' : r.exchange} calendar overrides could not be read when this order was due to go (${dayClock(new Date(r.at))}: ${r.detail}), so Courtside could not confirm the market was open (a closure added with \`courtside calendar close\` would go unseen): nothing was sent to the broker and nothing was booked. Check the database connection with /status; once it is back, /scan and approve a fresh pick. Exits and /close are not affected.`;
    case 'budget_used_up':
      return `Order refused by PolicyGate: the daily budget of ${kr ? won(r.dailyBudget) : usd(r.dailyBudget)} was used up by another order.`;
    case 'gate':
      // A KR refusal's amounts are won whatever its gate stored: the sentences read the KRW figure.
      return describeRefusal(r.gate, r.limit, kr ? { ...r.numbers, [KRW_FIGURE]: 1 } : r.numbers);
    case 'account_unreadable':
      return `could not read the account: ${r.error}`;
    case 'not_placed':
      return `${r.error}; nothing was placed`;
    case 'account_blocked':
      return `${r.broker} reports the account cannot trade now (${r.flags.join(', ')}${r.status ? `; account status ${r.status}` : ''}): the broker would refuse the order, so nothing was sent. Clear it in the ${r.broker.startsWith('alpaca') ? 'Alpaca dashboard (Account → trading settings, or ask Alpaca support for a block)' : "broker's account settings"}, then check /status and approve a fresh pick.`;
    case 'ioc_ended':
      return endedByText(r.endedBy ?? 'ioc', r.status);
    case 'broker_rejected': {
      const words = r.brokerReason ?? `${r.broker} rejected the order`;
      // Alpaca enables time-in-force values per account: say how to send entries it accepts.
      if (r.broker.startsWith('alpaca') && /time.?in.?force/i.test(words) && /\bioc\b/i.test(words)) {
        return `${words}. This Alpaca account refuses immediate-or-cancel orders: set ALPACA_ENTRY_TIF=day (entries and exits then go as DAY limits Courtside cancels after ALPACA_DAY_CANCEL_AFTER_S, default 30 s, unfilled) and restart, or ask Alpaca to enable IOC`;
      }
      return words;
    }
    case 'stale_exit':
      return `never sent on ${r.day} (the run stopped before submission); today's run decides afresh`;
    case 'gave_up':
      return `gave up after ${r.tries} tries: ${r.error}`;
    case 'lost_after_crash': {
      const exit = r.order === 'exit';
      if (r.markedBy === null) {
        return exit
          ? `the worker stopped (crash) right after sending the ${r.symbol} sell began at ${r.attemptedAt} and the broker has no such order: nothing was sold; the next exit run decides afresh`
          : `the worker stopped (crash) right after sending the ${r.symbol} order began at ${r.attemptedAt} and the broker has no such order: nothing was bought; the budget is released`;
      }
      // Marked by an admin through /resolve: after a crash, or an id another order held (not ours).
      return `marked failed by admin ${r.markedBy} after checking the broker (no order of ours under its id; sending the ${r.symbol} ${exit ? 'sell' : 'order'} began at ${r.attemptedAt}): nothing was booked from it; ${exit ? "the position keeps its shares and its exits resume under a new order id" : 'the budget is released'}`;
    }
    case 'recorded':
      return r.recorded;
  }
}

/**
 * Who ended an order that did not (fully) fill, as the trader reads it (the broker's record and
 * ours). `part`: `all` when nothing filled, `rest` for the unfilled rest of a partial fill. The one
 * wording of it: the fill message, exit lines, /close replies, /orders and the digest all use it.
 */
export function endedByText(by: OrderEndedBy, status: string, part: 'all' | 'rest' = 'all'): string {
  const all = part === 'all';
  switch (by) {
    case 'ioc':
      return `the IOC order ended ${status} with ${all ? 'nothing filled' : 'the rest unfilled'}`;
    case 'kill':
      return `cancelled by /kill (the kill switch cancelled every open order) before ${all ? 'anything' : 'the rest'} filled`;
    case 'outside_session':
      return 'cancelled by Courtside: the broker had queued it for the next open because the session was closed, and no order is left waiting for a price nobody approved';
    case 'day_timeout':
      return `cancelled by Courtside: the DAY limit order was still ${all ? 'unfilled' : 'partly unfilled'} after ALPACA_DAY_CANCEL_AFTER_S`;
    case 'outside_courtside':
      return `cancelled at the broker outside Courtside (the broker dashboard, another app, or the broker itself) before ${all ? 'anything' : 'the rest'} filled`;
    case 'expired':
      return `expired at the broker (a DAY order ends at the close) with ${all ? 'nothing filled' : 'the rest unfilled'}`;
  }
}

/**
 * Who ended the unfilled part of an order that ended canceled or expired short of its qty
 * (`filledQty` of it filled), from the reason recorded on its row at booking (`ioc_ended`). Null
 * when none is recorded: a row booked before the reason was kept there says only its state (it
 * may have been a DAY order, so it is not guessed to be the IOC's).
 */
export function unfilledText(o: { qty: number; filledQty: number; rejectReason: RecordedReason | null }): string | null {
  const r = o.rejectReason;
  if (r?.code !== 'ioc_ended' || o.filledQty >= o.qty) return null;
  return endedByText(r.endedBy ?? 'ioc', r.status, o.filledQty > 0 ? 'rest' : 'all');
}
