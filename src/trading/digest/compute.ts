/** Pure arithmetic behind the digests, kept apart from SQL so it is easy to test. */
import type { AlertLine, FailureLine, FillLine, PositionLine } from './types.js';

/** A dated price: a position mark or a bar close. */
export interface DatedPrice {
  date: string;
  price: number;
}

export interface PositionInput {
  symbol: string;
  strategy: string;
  qty: number;
  avgCost: number;
  stop: number | null;
  timeStopDate: string | null;
  lastPrice: number | null;
  /** New York date of lastPrice (null when unknown). */
  lastPriceDate: string | null;
}

/** The newest entry on or before `onOrBefore` (strictly before when `strict`). */
function newest(prices: readonly DatedPrice[], bound: string, strict: boolean): DatedPrice | null {
  let best: DatedPrice | null = null;
  for (const p of prices) {
    if (strict ? p.date >= bound : p.date > bound) continue;
    if (!best || p.date > best.date) best = p;
  }
  return best;
}

/**
 * A position's latest price and the close it moved from.
 *
 * Latest price: `positions.last_price` unless it is dated after the digest's
 * session (a digest for an earlier day), then the newest mark on or before the
 * session, then the newest bar close. Reference: the close strictly before the
 * latest price's date — the previous close for a pre-market quote, the close
 * before yesterday's when the latest price is yesterday's close. Marks are
 * preferred to bars at each step.
 */
export function positionLine(p: PositionInput, marks: readonly DatedPrice[], bars: readonly DatedPrice[], sessionDate: string): PositionLine {
  let price: number | null = null;
  let priceDate: string | null = null;
  if (p.lastPrice !== null && Number.isFinite(p.lastPrice) && (p.lastPriceDate === null || p.lastPriceDate <= sessionDate)) {
    price = p.lastPrice;
    priceDate = p.lastPriceDate ?? newest(marks, sessionDate, false)?.date ?? sessionDate;
  } else {
    const latest = newest(marks, sessionDate, false) ?? newest(bars, sessionDate, false);
    if (latest) {
      price = latest.price;
      priceDate = latest.date;
    }
  }
  const ref = priceDate === null ? null : (newest(marks, priceDate, true) ?? newest(bars, priceDate, true));
  const change = price !== null && ref ? price - ref.price : null;
  return {
    symbol: p.symbol,
    strategy: p.strategy,
    qty: p.qty,
    avgCost: p.avgCost,
    stop: p.stop,
    timeStopDate: p.timeStopDate,
    price,
    priceDate,
    refPrice: ref?.price ?? null,
    refDate: ref?.date ?? null,
    change,
    changePct: change !== null && ref && ref.price !== 0 ? change / ref.price : null,
    changeValue: change !== null ? change * p.qty : null,
    unrealized: price !== null ? (price - p.avgCost) * p.qty : null,
  };
}

/** Biggest dollar move first (unknown moves last), then symbol. */
export function sortPositions(lines: PositionLine[]): PositionLine[] {
  return [...lines].sort((a, b) => {
    const av = a.changeValue === null ? -1 : Math.abs(a.changeValue);
    const bv = b.changeValue === null ? -1 : Math.abs(b.changeValue);
    return bv - av || a.symbol.localeCompare(b.symbol) || a.strategy.localeCompare(b.strategy);
  });
}

/**
 * Slippage against the decision price, signed so that positive is worse for
 * us: buys `fill − decision`, sells `decision − fill`.
 */
export function slippage(side: 'buy' | 'sell', fill: number, decision: number | null, qty: number): Pick<FillLine, 'slippage' | 'slippageBps' | 'slippageCost'> {
  if (decision === null || !Number.isFinite(decision) || decision <= 0) return { slippage: null, slippageBps: null, slippageCost: null };
  const perShare = side === 'buy' ? fill - decision : decision - fill;
  return { slippage: perShare, slippageBps: (perShare / decision) * 10_000, slippageCost: perShare * qty };
}

/** Worst slippage in dollars first; fills without a decision price last, in time order. */
export function sortFills(fills: FillLine[]): FillLine[] {
  return [...fills].sort((a, b) => {
    if (a.slippageCost === null || b.slippageCost === null) {
      if (a.slippageCost !== b.slippageCost) return a.slippageCost === null ? 1 : -1;
      return a.lastFillAt.getTime() - b.lastFillAt.getTime();
    }
    return b.slippageCost - a.slippageCost || a.lastFillAt.getTime() - b.lastFillAt.getTime();
  });
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, fatal: 0, error: 1, high: 1, warning: 2, warn: 2, medium: 2, info: 3, low: 3 };

/** 0 = most severe. Unknown severities rank with warnings. */
export function severityRank(s: string): number {
  return SEVERITY_RANK[s.toLowerCase()] ?? 2;
}

/** Open first, then most severe, then newest. */
export function sortFailures(f: FailureLine[]): FailureLine[] {
  return [...f].sort((a, b) => Number(b.open) - Number(a.open) || severityRank(a.severity) - severityRank(b.severity) || b.at.getTime() - a.at.getTime());
}

export function alertToFailure(a: AlertLine): FailureLine {
  return { source: 'alert', severity: a.severity, kind: a.kind, detail: a.detail, at: a.lastAt, open: a.state === 'open', count: a.count };
}

/**
 * A benchmark rebased onto the equity curve: equal to equity where the
 * benchmark is first known, then moving with the benchmark. Null where unknown.
 */
export function rebaseBenchmark(equity: readonly number[], benchmark: readonly (number | null)[]): (number | null)[] {
  const first = benchmark.findIndex((v) => v !== null && Number.isFinite(v) && v > 0);
  if (first < 0) return benchmark.map(() => null);
  const base = benchmark[first]!;
  const start = equity[first]!;
  return benchmark.map((v, i) => (i < first || v === null || !Number.isFinite(v) ? null : (start * v) / base));
}
