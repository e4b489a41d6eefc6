import { bold, code, fmt, join, type FmtString } from 'telegraf/format';
import { MARKET_IDS, type Market } from '../../engine/market/markets.js';
import { round6 } from '../../lib/numbers.js';
import type { RecentOrder } from '../../trading/portfolio/types.js';
import { amountsFor } from '../format/market-amounts.js';
import { marketStamp } from '../format/market-stamp.js';
import { recordedReasonText, unfilledText } from './recorded-reasons.js';
import { MARKET_TITLE } from './market-titles.js';

/** Said when there are no orders at all. */
export const NO_ORDERS = 'No orders yet.';

const EXIT_REASON: Record<string, string> = { stop: 'stop', time_stop: 'time stop', target: 'profit target', flatten: 'flatten', close: 'close' };

/**
 * /orders: newest first, two lines each — what happened, then the details to
 * look it up. Orders of one market (or fixtures without one) read as before;
 * orders of two get a section per market (US first), each newest first with
 * its count and the realized P&L of its listed orders in its own currency.
 */
export function ordersView(orders: readonly RecentOrder[]): FmtString {
  if (orders.length === 0) return fmt`${NO_ORDERS} Approve a pick from /scan to place one.`;
  const head = fmt`🧾 ${bold`Last ${String(orders.length)} order${orders.length === 1 ? '' : 's'}`} (newest first)`;
  const groups = MARKET_IDS.map((m) => ({ market: m, orders: orders.filter((o) => (o.market ?? 'US') === m) })).filter((g) => g.orders.length > 0);
  if (groups.length <= 1) return join([head, ...orders.map(orderLines)], '\n\n');
  return join([head, ...groups.flatMap((g) => [sectionHead(g.market, g.orders), ...g.orders.map(orderLines)])], '\n\n');
}

/** "🇰🇷 KR (KRX, ₩): 3 orders · realized +₩2,055": the count, and the realized P&L of the listed orders when any has one. */
function sectionHead(market: Market, orders: readonly RecentOrder[]): FmtString {
  const booked = orders.filter((o) => o.realizedPnl !== null);
  const realized = booked.length === 0 ? '' : ` · realized ${amountsFor(market).amount(round6(booked.reduce((a, o) => a + (o.realizedPnl ?? 0), 0)), true)}`;
  return fmt`${bold(MARKET_TITLE[market])}: ${String(orders.length)} order${orders.length === 1 ? '' : 's'}${realized}`;
}

/**
 * Line 1: icon, side, symbol, filled/ordered @ average, state (and realized P&L on exits). Line 2:
 * kind, limit, time, short id. Prices and amounts in the order's market (whole won for KR), the
 * time on its exchange's clock.
 */
export function orderLines(o: RecentOrder): FmtString {
  const { price, amount } = amountsFor(o.market);
  const fill = o.filledQty > 0 ? `${o.filledQty}/${o.qty} @ ${price(o.avgFillPrice)}` : `0/${o.qty}`;
  const pnl = o.realizedPnl === null ? '' : ` · ${amount(o.realizedPnl, true)}`;
  const kind = o.kind === 'exit' ? `exit (${EXIT_REASON[o.exitReason ?? ''] ?? o.exitReason ?? '?'})` : 'entry';
  return fmt`${stateIcon(o)} ${o.side.toUpperCase()} ${bold(o.symbol)} ${fill} · ${stateText(o)}${pnl}\n   ${kind} · limit ${price(o.limitPrice)} · ${marketStamp(o.market, o.createdAt)} · ${code(o.shortId)}`;
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
      const why = o.rejectReason ? recordedReasonText(o.rejectReason, o.market) : o.brokerReason;
      return why ? `rejected: ${why.slice(0, 120)}` : 'rejected';
    }
    default:
      return o.state;
  }
}
