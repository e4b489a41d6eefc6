import type { BarChartSpec, LineChartSpec } from '../../adapters/charts/port.js';
import { equityChartSpec } from './specs.js';
import type { BacktestCurves } from '../../trading/backtest/report.js';

/** Points a phone chart shows legibly; longer curves are thinned (keeping every drawdown trough). */
export const MAX_CHART_POINTS = 600;
/** Months shown in the monthly-returns chart (the most recent ones). */
export const MAX_MONTHS = 120;

/**
 * Indices to keep when thinning a curve to about `max` points: the first and
 * last point and, per bucket, the lowest and highest equity, so peaks and
 * drawdown troughs survive.
 */
export function thinIndices(values: ArrayLike<number>, max: number): number[] {
  const n = values.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(max / 2));
  const size = n / buckets;
  const keep = new Set<number>([0, n - 1]);
  for (let b = 0; b < buckets; b++) {
    const a = Math.floor(b * size);
    const e = Math.min(n, Math.floor((b + 1) * size));
    let lo = a;
    let hi = a;
    for (let i = a; i < e; i++) {
      if (values[i]! < values[lo]!) lo = i;
      if (values[i]! > values[hi]!) hi = i;
    }
    keep.add(lo);
    keep.add(hi);
  }
  return [...keep].sort((x, y) => x - y);
}

/** Equity curve (with SPY buy-and-hold over its real dates when known: a gap elsewhere) over a drawdown panel. */
export function backtestEquityChart(curves: BacktestCurves, opts: { title: string; demo: boolean }): LineChartSpec {
  const keep = thinIndices(curves.equity, MAX_CHART_POINTS);
  const pick = <T>(xs: readonly T[]): T[] => keep.map((i) => xs[i]!);
  return equityChartSpec({
    title: opts.title,
    dates: keep.map((i) => curves.dates[i]!),
    equity: pick(curves.equity),
    ...(curves.benchmark ? { benchmark: { name: `${curves.benchmark.symbol} buy & hold`, values: pick(curves.benchmark.equity) } } : {}),
    ...(opts.demo ? { watermark: 'DEMO' } : {}),
  });
}

/** Month-over-month returns of an equity curve: month-end equity / previous month-end − 1 (first month vs the start). */
export function monthlyReturns(dates: readonly string[], equity: readonly number[]): { month: string; ret: number }[] {
  const out: { month: string; ret: number }[] = [];
  if (dates.length === 0) return out;
  let prevEnd = equity[0]!;
  for (let i = 0; i < dates.length; i++) {
    const month = dates[i]!.slice(0, 7);
    const last = i === dates.length - 1 || dates[i + 1]!.slice(0, 7) !== month;
    if (!last) continue;
    out.push({ month, ret: prevEnd > 0 ? equity[i]! / prevEnd - 1 : 0 });
    prevEnd = equity[i]!;
  }
  return out;
}

/** Monthly returns in percent as green/red bars (the last {@link MAX_MONTHS} months). */
export function monthlyReturnsChart(curves: BacktestCurves, opts: { title: string; demo: boolean }): BarChartSpec {
  const months = monthlyReturns(curves.dates, curves.equity).slice(-MAX_MONTHS);
  return {
    kind: 'bars',
    title: opts.title,
    labels: months.map((m) => m.month),
    values: months.map((m) => Math.round(m.ret * 1e6) / 1e4),
    valueLabel: 'Return %',
    ...(opts.demo ? { watermark: 'DEMO' } : {}),
  };
}
