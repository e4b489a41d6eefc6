import { describeRefusal, usd } from '../../engine/risk/index.js';
import type { RecordedReason } from '../../trading/execution/recorded-reasons.js';
import { nyDayClock } from './queue-view.js';

/**
 * A recorded reason in words, as /orders, the close digest, the card and the
 * fill message show it. A face's wording: the row keeps only the code and
 * its figures (src/trading/execution/recorded-reasons.ts).
 */
export function recordedReasonText(r: RecordedReason): string {
  switch (r.code) {
    case 'expired':
      return `The approval expired at ${r.expiresAt} before execution started; nothing was ordered. Re-scan and approve again.`;
    case 'kill_switch':
      return r.order === 'entry'
        ? `Kill switch is ON (${r.killReason ?? 'no reason given'}): nothing was sent to the broker. Resume with /resume and approve a fresh pick.`
        : `kill switch is ON (${r.killReason ?? 'no reason given'}): not sent`;
    case 'kill_switch_changed':
      return `the kill switch changed (epoch ${r.confirmedEpoch} → ${r.epoch ?? 'unknown'}) after this flatten was confirmed: not sent`;
    case 'market_closed':
      return `The market was closed when this order was due to go (${nyDayClock(new Date(r.at))}): an order then cannot fill at the price you approved, so nothing was sent to the broker and nothing was booked. The next session opens ${r.nextOpen === null ? 'on a date past the exchange calendar' : nyDayClock(new Date(r.nextOpen))}.`;
    case 'budget_used_up':
      return `Order refused by PolicyGate: the daily budget of ${usd(r.dailyBudget)} was used up by another order.`;
    case 'gate':
      return describeRefusal(r.gate, r.limit, r.numbers);
    case 'account_unreadable':
      return `could not read the account: ${r.error}`;
    case 'not_placed':
      return `${r.error}; nothing was placed`;
    case 'ioc_ended':
      return `the IOC order ended ${r.status} with nothing filled`;
    case 'broker_rejected':
      return r.brokerReason ?? `${r.broker} rejected the order`;
    case 'stale_exit':
      return `never sent on ${r.day} (the run stopped before submission); today's run decides afresh`;
    case 'gave_up':
      return `gave up after ${r.tries} tries: ${r.error}`;
    case 'lost_after_crash':
      return r.markedBy === null
        ? `the worker stopped (crash) right after sending the ${r.symbol} order began at ${r.attemptedAt} and the broker has no such order: nothing was bought; the budget is released`
        : `marked failed by admin ${r.markedBy}: the worker stopped (crash) right after sending the ${r.symbol} order began at ${r.attemptedAt}; nothing was booked and the budget is released`;
    case 'recorded':
      return r.recorded;
  }
}
