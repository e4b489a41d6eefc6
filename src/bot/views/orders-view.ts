import { bold, code, fmt, join, type FmtString } from 'telegraf/format';
import { nyStamp, price } from '../format/display.js';
import type { RecentOrder } from '../../trading/portfolio/types.js';
import { money } from '../format/numbers.js';
import { recordedReasonText, unfilledText } from './recorded-reasons.js';

/** Said when there are no orders at all. */
export const NO_ORDERS = 'No orders yet.';

const EXIT_REASON: Record<string, string> = { stop: 'stop', time_stop: 'time stop', target: 'profit target', flatten: 'flatten', close: 'close' };

/** /orders: newest first, two lines each — what happened, then the details to look it up. */
export function ordersView(orders: readonly RecentOrder[]): FmtString {
  if (orders.length === 0) return fmt`${NO_ORDERS} Approve a pick from /scan to place one.`;
  return join([fmt`🧾 ${bold`Last ${String(orders.length)} order${orders.length === 1 ? '' : 's'}`} (newest first)`, ...orders.map(orderLines)], '\n\n');
}

/** Line 1: icon, side, symbol, filled/ordered @ average, state (and realized P&L on exits). Line 2: kind, limit, time, short id. */
export function orderLines(o: RecentOrder): FmtString {
  const fill = o.filledQty > 0 ? `${o.filledQty}/${o.qty} @ ${price(o.avgFillPrice)}` : `0/${o.qty}`;
  const pnl = o.realizedPnl === null ? '' : ` · ${money(o.realizedPnl, { signed: true })}`;
  const kind = o.kind === 'exit' ? `exit (${EXIT_REASON[o.exitReason ?? ''] ?? o.exitReason ?? '?'})` : 'entry';
  return fmt`${stateIcon(o)} ${o.side.toUpperCase()} ${bold(o.symbol)} ${fill} · ${stateText(o)}${pnl}\n   ${kind} · limit ${price(o.limitPrice)} · ${nyStamp(o.createdAt)} · ${code(o.shortId)}`;
}

function stateIcon(o: RecentOrder): string {
  switch (o.state) {
    case 'filled':
      return '✅';
    case 'partially_filled':
      return '🟡';
    case 'rejected':
      return '❌';
    case 'canceled':
    case 'expired':
      return o.filledQty > 0 ? '🟡' : '⚪';
    default:
      return '⏳';
  }
}

function stateText(o: RecentOrder): string {
  switch (o.state) {
    case 'new':
      return 'not sent yet';
    case 'submitted':
      return 'working';
    case 'partially_filled':
      return 'partly filled';
    case 'canceled':
    case 'expired': {
      // Who ended the unfilled part, as recorded at booking (the IOC, /kill, Courtside, …); older rows say only their state.
      const why = unfilledText(o);
      if (why) return o.filledQty > 0 ? `partly filled, rest ${why}` : why;
      return o.filledQty > 0 ? `partly filled, rest ${o.state}` : `${o.state}, nothing filled`;
    }
    case 'rejected': {
      const why = o.rejectReason ? recordedReasonText(o.rejectReason) : o.brokerReason;
      return why ? `rejected: ${why.slice(0, 120)}` : 'rejected';
    }
    default:
      return o.state;
  }
}
