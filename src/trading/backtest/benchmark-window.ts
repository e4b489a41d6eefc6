import type { BarSeries } from '../../engine/bars.js';
import { buyAndHold, computeMetrics, type Metrics } from '../../engine/backtest/index.js';

/**
 * The buy-and-hold benchmark of a run, over the run's dates that fall inside
 * the benchmark's own bars only: a benchmark whose bars end before the run
 * does not get a flat tail (nor a CAGR over days it has no prices for).
 * `portfolioReturn` is the run's return over the same dates, so the two
 * compare like with like.
 */
export interface BenchmarkWindow {
  symbol: string;
  /** First and last run date inside the benchmark's bars, and how many run dates lie between (inclusive). */
  start: string;
  end: string;
  days: number;
  metrics: Metrics;
  /** Portfolio equity at `end` ÷ equity at `start` − 1. */
  portfolioReturn: number;
  /** Index of `start` in the run's dates (the benchmark curve starts there). */
  from: number;
  /** Buy-and-hold equity from `start` to `end`, starting at the portfolio's equity on `start`'s scale (initial cash). */
  equity: Float64Array;
}

/** The benchmark over the run's dates inside its bars; null when they do not overlap. */
export function benchmarkWindow(benchmark: BarSeries, dates: readonly string[], equity: ArrayLike<number>, initialCash: number): BenchmarkWindow | null {
  const first = benchmark.dates[0];
  const last = benchmark.dates[benchmark.dates.length - 1];
  if (first === undefined || last === undefined) return null;
  let lo = 0;
  while (lo < dates.length && dates[lo]! < first) lo++;
  let hi = dates.length - 1;
  while (hi >= lo && dates[hi]! > last) hi--;
  if (hi < lo) return null;
  const window = dates.slice(lo, hi + 1);
  const be = buyAndHold(benchmark, window, initialCash);
  return {
    symbol: benchmark.symbol,
    start: window[0]!,
    end: window[window.length - 1]!,
    days: window.length,
    metrics: computeMetrics({ dates: window, equity: be }),
    portfolioReturn: equity[hi]! / equity[lo]! - 1,
    from: lo,
    equity: be,
  };
}
