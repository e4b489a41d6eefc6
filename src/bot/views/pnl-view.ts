import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { MarketPnl, PnlReport } from '../../trading/portfolio/types.js';
import { amountsFor } from '../format/market-amounts.js';
import { sessionDayLabel } from '../format/session-date.js';
import { originsText } from '../../trading/portfolio/mark-source.js';
import { MARKET_TITLE } from './market-titles.js';

/**
 * /pnl: the period, realized (and net of fees when the books recorded fees),
 * unrealized now and where its prices are from, then equity and its change.
 * Used as the equity chart's caption. One market (or a report without
 * markets) reads as before, in that market's currency; two get a section
 * each, on the market's own sessions and in its currency: won and dollars are
 * never added.
 */
export function pnlView(r: PnlReport): FmtString {
  const books = r.markets ?? [];
  if (books.length <= 1) {
    const only: MarketPnl = books[0] ?? usBook(r);
    const { range } = only;
    const title =
      range.period === 'day'
        ? fmt`💵 ${bold`P&L ${range.to === range.today ? 'today' : 'last session'}`} (${range.to})`
        : fmt`💵 ${bold`P&L · last ${String(range.sessions)} sessions`} (${range.from} → ${range.to})`;
    return join([title, ...bookLines(only)], '\n');
  }
  const period = books[0]!.range;
  const title = period.period === 'day' ? fmt`💵 ${bold`P&L by market`}` : fmt`💵 ${bold`P&L by market`} · last ${String(period.sessions)} sessions`;
  return join([title, ...books.map((b) => join([fmt`${bold(MARKET_TITLE[b.market])} · ${sessionsText(b)}`, ...bookLines(b)], '\n'))], '\n\n');
}

/** A report without markets is the US book: its figures, and the dollar entry of its per-currency fees. */
function usBook(r: PnlReport): MarketPnl {
  const usd = r.realizedNet?.find((n) => n.currency === 'USD');
  return { market: 'US', currency: 'USD', range: r.range, realized: r.realized, later: r.later ?? null, unrealized: r.unrealized, equity: r.equity, ...(usd ? { realizedNet: usd } : {}) };
}

/** "today (2026-12-08)", "last session (2026-12-04)", "2026-12-02 → 2026-12-08". */
function sessionsText(b: MarketPnl): string {
  const { range } = b;
  if (range.period !== 'day') return `${range.from} → ${range.to}`;
  return `${range.to === range.today ? 'today' : 'last session'} (${range.to})`;
}

/** A market's figures, in its currency. */
function bookLines(b: MarketPnl): (string | FmtString)[] {
  const { range, realized, unrealized, equity } = b;
  const amount = amountsFor(b.market).amount;
  const lines: (string | FmtString)[] = [];
  const record = realized.trades === 0 ? 'no closed trades' : `${realized.trades} closed (${realized.wins} won, ${realized.losses} lost)`;
  lines.push(fmt`Realized ${bold(amount(realized.total, true))} · ${record}`);
  // Gross (the line above) − fees = net, each figure shown, so the net recomputes from the message.
  const net = b.realizedNet;
  if (net) {
    const unknown = net.fillsFeeUnknown > 0 ? `; ${net.fillsFeeUnknown} fill${net.fillsFeeUnknown === 1 ? '’s fee' : 's’ fees'} unknown` : '';
    lines.push(`After fees ${amount(net.net, true)} (fees ${amount(net.fees)} on ${net.fillsWithFee} fill${net.fillsWithFee === 1 ? '' : 's'}${unknown})`);
  }
  const later = b.later;
  if (later) {
    // Filled since the last session (a weekend, a holiday): the next session's, not the last one's.
    lines.push(
      `Since then: realized ${amount(later.total, true)} · ${later.trades} closed (${later.wins} won, ${later.losses} lost), filed under the next session, ${sessionDayLabel(later.session)}`,
    );
  }
  const open = unrealized.positions === 0 ? 'no open positions' : `${unrealized.positions} open${unrealized.unpriced > 0 ? `, ${unrealized.unpriced} without a price` : ''}`;
  lines.push(fmt`Unrealized now ${bold(amount(unrealized.total, true))} · ${open}`);
  // Where those prices are from (the broker's mark and its time, or a bar close and its date), so a close is never read as live.
  const prices = originsText(unrealized.origins ?? [], range.today);
  if (prices) lines.push(`Prices: ${prices}`);
  const last = equity.points.at(-1);
  if (!last) {
    lines.push('Equity: not marked yet — the first mark is written after a session closes.');
  } else {
    const change = equity.change === null ? '' : ` · ${amount(equity.change, true)} since ${equity.since ?? '?'}`;
    lines.push(`Equity ${amount(last.equity)}${change}`);
    if (last.live) lines.push(`(${last.date} is live: no mark for it yet)`);
  }
  return lines;
}
