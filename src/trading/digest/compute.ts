/** Pure arithmetic behind the digests, kept apart from SQL so it is easy to test. */
import { nyLocalParts, nyTimeToInstant, sessionInfo } from '../../engine/calendar/index.js';
import { roundToTick } from '../../engine/tick.js';
import type { Market } from '../../engine/market/markets.js';
import { marketCalendar } from '../../engine/market/session-day.js';
import { cents } from '../../lib/numbers.js';
import type { MarkOrigin } from '../portfolio/mark-source.js';
import type { AlertLine, FailureLine, FillLine, PositionLine } from './types.js';

/** A per-share figure to 4 decimals (an average of fills may sit between ticks), without float noise. */
function perShare(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/** A dated price: a position mark or a bar close. */
export interface DatedPrice {
  date: string;
  price: number;
  /** Where it came from; absent: a bar close for bars, a mark recorded before sources were kept for marks. */
  origin?: MarkOrigin;
}

export interface PositionInput {
  symbol: string;
  strategy: string;
  qty: number;
  avgCost: number;
  stop: number | null;
  timeStopDate: string | null;
  lastPrice: number | null;
  /** Market-local date of lastPrice (New York for US, Seoul for KR; null when unknown). */
  lastPriceDate: string | null;
  /** Where lastPrice came from (absent or null: recorded before sources were kept, shown as a mark of its date). */
  lastPriceOrigin?: MarkOrigin | null;
  /** When the position was opened (ms); used when its buys are not known. */
  openedAt?: number | null;
}

/** One fill of the position's symbol and strategy (buys add shares, sells remove them). */
export interface PositionFill {
  /** Fill time, ms. */
  at: number;
  side: 'buy' | 'sell';
  qty: number;
  price: number;
}

/** The close instant of a date in `market`: its session's close (NYSE 13:00 on early closes; KRX 15:30, later on CSAT days), else the regular close. */
function closeInstantOf(date: string, market: Market): number {
  if (market !== 'US') {
    try {
      return marketCalendar(market).sessionInfo(date)?.close ?? Date.parse(`${date}T06:30:00Z`);
    } catch {
      // Outside the KRX calendar's years: 15:30 Seoul (UTC+9, no daylight saving).
      return Date.parse(`${date}T06:30:00Z`);
    }
  }
  try {
    return sessionInfo(date)?.close ?? nyTimeToInstant(date, '16:00');
  } catch {
    return Date.parse(`${date}T21:00:00Z`);
  }
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

/** The newest position mark, else bar close, on or before `bound` (strictly before when `strict`), with where it came from. */
function newestSourced(marks: readonly DatedPrice[], bars: readonly DatedPrice[], bound: string, strict: boolean): { price: DatedPrice; origin: MarkOrigin } | null {
  const m = newest(marks, bound, strict);
  if (m) return { price: m, origin: m.origin ?? { kind: 'mark', date: m.date } };
  const b = newest(bars, bound, strict);
  return b ? { price: b, origin: b.origin ?? { kind: 'close', date: b.date } } : null;
}

/**
 * A position's latest price and what it moved from, counting each share only
 * from when it was held.
 *
 * Latest price: `positions.last_price` unless it is dated after the digest's
 * session (a digest for an earlier day), then the newest mark on or before the
 * session, then the newest bar close. Reference: the close strictly before the
 * latest price's date — the previous close for a pre-market quote, the close
 * before yesterday's when the latest price is yesterday's close. Marks are
 * preferred to bars at each step.
 *
 * Shares bought after that close did not make its move: they count from their
 * fill price (`fills`, else the average cost when the position was opened
 * after the close). All shares new: the move is the move since bought
 * (`refKind` 'fill'); some new: the reference blends the close and the fills
 * (`refKind` 'mixed').
 */
export function positionLine(
  p: PositionInput,
  marks: readonly DatedPrice[],
  bars: readonly DatedPrice[],
  sessionDate: string,
  fills: readonly PositionFill[] = [],
  /** Whose closes and dates (default US: New York); KR uses KRX closes and Seoul dates. */
  market: Market = 'US',
): PositionLine {
  let price: number | null = null;
  let priceDate: string | null = null;
  let priceOrigin: MarkOrigin | null = null;
  if (p.lastPrice !== null && Number.isFinite(p.lastPrice) && (p.lastPriceDate === null || p.lastPriceDate <= sessionDate)) {
    price = p.lastPrice;
    priceDate = p.lastPriceDate ?? newest(marks, sessionDate, false)?.date ?? sessionDate;
    priceOrigin = p.lastPriceOrigin ?? { kind: 'mark', date: priceDate };
  } else {
    const latest = newestSourced(marks, bars, sessionDate, false);
    if (latest) {
      price = latest.price.price;
      priceDate = latest.price.date;
      priceOrigin = latest.origin;
    }
  }
  const before = priceDate === null ? null : newestSourced(marks, bars, priceDate, true);
  const close = before?.price ?? null;
  const ref = reference(p, close, fills, sessionDate, market);
  const change = price !== null && ref ? perShare(price - ref.price) : null;
  return {
    symbol: p.symbol,
    strategy: p.strategy,
    qty: p.qty,
    avgCost: p.avgCost,
    stop: p.stop,
    timeStopDate: p.timeStopDate,
    price,
    priceDate,
    priceOrigin,
    refPrice: ref?.price ?? null,
    refDate: ref?.date ?? null,
    refKind: ref?.kind ?? null,
    // A move from the fill price has no mark behind it.
    refOrigin: ref && ref.kind !== 'fill' ? (before?.origin ?? null) : null,
    change,
    changePct: change !== null && ref && ref.price !== 0 ? change / ref.price : null,
    changeValue: change !== null && ref ? cents(ref.value(price!)) : null,
    unrealized: price !== null ? cents((price - p.avgCost) * p.qty) : null,
  };
}

interface Reference {
  price: number;
  date: string;
  kind: 'close' | 'fill' | 'mixed';
  /** What the held shares made from the reference to `price`. */
  value(price: number): number;
}

/** The close before the latest price, moved to the fill price for shares bought after that close. */
function reference(p: PositionInput, close: DatedPrice | null, fills: readonly PositionFill[], sessionDate: string, market: Market): Reference | null {
  const after = close ? closeInstantOf(close.date, market) : -Infinity;
  const localDate = (ms: number) => (market === 'US' ? nyLocalParts(ms).date : marketCalendar(market).dateOf(ms));
  const buys = fills.filter((f) => f.side === 'buy' && f.at > after && f.qty > 0);
  let boughtQty = buys.reduce((s, f) => s + f.qty, 0);
  let boughtCost = buys.reduce((s, f) => s + f.qty * f.price, 0);
  let firstBuy = buys.length > 0 ? Math.min(...buys.map((f) => f.at)) : null;
  if (boughtQty === 0 && fills.length === 0 && p.openedAt != null && p.openedAt > after && localDate(p.openedAt) <= sessionDate) {
    // No fills on record: a position opened after the close (and by the digest's day) was bought whole at its average cost.
    boughtQty = p.qty;
    boughtCost = p.qty * p.avgCost;
    firstBuy = p.openedAt;
  }
  const fresh = Math.min(p.qty, boughtQty);
  if (fresh === 0) return close ? { price: close.price, date: close.date, kind: 'close', value: (x) => (x - close.price) * p.qty } : null;
  const vwap = boughtCost / boughtQty;
  const held = p.qty - fresh;
  // All shares new: the move is from the fill price as shown (4 decimals at most), so qty × (price − it) is the dollars shown.
  if (held === 0) return { price: perShare(vwap), date: localDate(firstBuy!), kind: 'fill', value: (x) => (x - perShare(vwap)) * p.qty };
  if (!close) return null;
  const blended = (held * close.price + fresh * vwap) / p.qty;
  return { price: perShare(blended), date: close.date, kind: 'mixed', value: (x) => (x - close.price) * held + (x - vwap) * fresh };
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
export function slippage(side: 'buy' | 'sell', fill: number, decision: number | null, qty: number): Pick<FillLine, 'decisionPrice' | 'slippage' | 'slippageBps' | 'slippageCost'> {
  if (decision === null || !Number.isFinite(decision) || decision <= 0) return { decisionPrice: null, slippage: null, slippageBps: null, slippageCost: null };
  // The decision price as shown: on the tick (an old exit row may hold a bid with sub-cent noise).
  const decided = roundToTick(decision, 'nearest');
  const slip = perShare(side === 'buy' ? fill - decided : decided - fill);
  return { decisionPrice: decided, slippage: slip, slippageBps: (slip / decided) * 10_000, slippageCost: cents(slip * qty) };
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
