/**
 * The figures the lifecycle rules and the Kelly estimate read off a shadow
 * book. Sharpe and drawdown come from the backtest's computeMetrics, so a
 * shadow Sharpe means exactly what a backtest Sharpe means.
 */
import type { ExitReason } from '../backtest/exit-rules.js';
import { computeMetrics, type MetricsTrade } from '../backtest/metrics.js';
import type { LiveFigures } from './live-review.js';
import type { PaperFigures } from './paper-review.js';
import { LIVE_RULES } from './rules.js';
import type { ShadowBook, ShadowTrade } from './shadow-book.js';

/** A shadow trade with its exit filled in. */
export type ClosedShadowTrade = ShadowTrade & {
  exitDate: string;
  exitPrice: number;
  exitReason: ExitReason;
  pnl: number;
  r: number;
  barsHeld: number;
};

function isClosed(t: ShadowTrade): t is ClosedShadowTrade {
  return t.exitDate !== null;
}

/**
 * Closed trades in exit order: exit date, then entry date, symbol, strategy
 * (the book lists them in entry order; a streak and the Kelly sample are
 * about the order outcomes became known).
 */
export function closedShadowTrades(book: ShadowBook): ClosedShadowTrade[] {
  const closed = book.trades.filter(isClosed);
  // The book's entry order is the tie-break: Array.prototype.sort is stable.
  return closed.sort((a, b) => (a.exitDate < b.exitDate ? -1 : a.exitDate > b.exitDate ? 1 : 0));
}

/** R multiples of the closed trades in exit order: the sample half-Kelly estimates from (DESIGN section 10). */
export function closedR(book: ShadowBook): number[] {
  return closedShadowTrades(book).map((t) => t.r);
}

function metricsTrades(closed: readonly ClosedShadowTrade[]): MetricsTrade[] {
  return closed.map((t) => ({
    pnl: t.pnl,
    pnlPct: t.pnl / (t.qty * t.entryPrice),
    barsHeld: t.barsHeld,
    exitReason: t.exitReason,
  }));
}

/**
 * The PAPER review's figures over the whole book (the caller starts the book
 * on the hypothesis's first PAPER session). Sharpe: annualised, of the daily
 * close-to-close equity returns, null with fewer than two returns or none
 * varying; max drawdown: positive fraction of the running peak; profit factor:
 * gross profit / gross loss of closed trades, Infinity when nothing lost
 * (as in the incubation figures), null with no closed trade that won or lost.
 * All by the conventions of computeMetrics.
 */
export function paperFigures(book: ShadowBook): PaperFigures {
  const closed = closedShadowTrades(book);
  if (book.dates.length === 0) {
    return { closedTrades: closed.length, sharpe: null, maxDrawdown: null, profitFactor: null };
  }
  const m = computeMetrics({ dates: book.dates, equity: book.equity, trades: metricsTrades(closed) });
  const profitFactor = m.profitFactor ?? (m.grossProfit > 0 ? Infinity : null);
  return { closedTrades: closed.length, sharpe: m.sharpe, maxDrawdown: m.maxDrawdown, profitFactor };
}

/**
 * The LIVE review's figures.
 *
 * - rollingSharpe: annualised Sharpe (computeMetrics) of the returns of the
 *   last `rollingSessions` sessions, i.e. of the last rollingSessions + 1
 *   equity points (fewer when the book is younger);
 * - rollingTrades: trades that closed within those sessions;
 * - drawdown: the current drawdown in currency, peak equity so far minus
 *   the latest equity (0 at a new high). It is in the book's currency and
 *   scale: start the book at the market's equity (startEquity) when the
 *   allocation cap is a share of that equity, or the two do not compare;
 * - lossStreak: losing closed trades (pnl < 0) in a row at the end, in exit
 *   order; a win or a scratch ends a streak.
 *
 * @param allocationCap the hypothesis's cap in the same currency (DESIGN section 10: 40 % of equity)
 * @throws RangeError when rollingSessions is not a positive integer
 */
export function liveFigures(
  book: ShadowBook,
  allocationCap: number,
  rollingSessions: number = LIVE_RULES.rollingSessions,
): LiveFigures {
  if (!(Number.isInteger(rollingSessions) && rollingSessions > 0)) {
    throw new RangeError(`rollingSessions must be a positive integer, got ${rollingSessions}`);
  }
  const closed = closedShadowTrades(book);
  const n = book.dates.length;
  let lossStreak = 0;
  for (let k = closed.length - 1; k >= 0 && closed[k]!.pnl < 0; k--) lossStreak++;
  if (n === 0) return { rollingSharpe: null, rollingTrades: 0, drawdown: 0, allocationCap, lossStreak };

  const first = Math.max(0, n - 1 - rollingSessions);
  const windowStart = book.dates[Math.max(0, n - rollingSessions)]!;
  const rolling = computeMetrics({ dates: book.dates.slice(first), equity: book.equity.slice(first) });
  const rollingTrades = closed.filter((t) => t.exitDate >= windowStart).length;

  let peak = book.startEquity;
  for (const e of book.equity) if (e > peak) peak = e;
  const drawdown = Math.max(0, peak - book.equity[n - 1]!);
  return { rollingSharpe: rolling.sharpe, rollingTrades, drawdown, allocationCap, lossStreak };
}
