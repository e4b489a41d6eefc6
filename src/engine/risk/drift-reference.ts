/**
 * R multiples of stored backtest trades (issue 21, part 3). Stored backtest trades keep no stop,
 * but a risk-sized run (`sizing` kind `risk`, fraction p) bought floor(p · E / (entry − stop))
 * shares, E the equity at the close before the entry day: one R was p · E dollars. So
 *
 *     R ≈ pnl / (p · E)
 *
 * It is an approximation in one direction only: the floor (and the run's position cap, when it
 * bit) made the real risk a little smaller than p · E, so |R| is slightly understated. Runs sized
 * any other way give no R (the caller treats them as no reference). Pure.
 */

/** The equity curve of a run: closes aligned with their dates (ascending ISO dates). */
export interface EquityCurve {
  dates: readonly string[];
  equity: readonly number[];
}

/** One stored backtest trade, as far as its R needs. */
export interface BacktestTradeForR {
  entryDate: string;
  pnl: number;
}

/**
 * Each trade's R as above, in the order given; a trade whose entry has no earlier close in the
 * curve uses `initialCash` (the run sized its first entries from the starting cash).
 */
export function backtestRMultiples(trades: readonly BacktestTradeForR[], curve: EquityCurve, riskPct: number, initialCash: number): number[] {
  const out: number[] = [];
  for (const t of trades) {
    const i = lastBefore(curve.dates, t.entryDate);
    const equity = i < 0 ? initialCash : curve.equity[i]!;
    const oneR = riskPct * equity;
    if (oneR > 0 && Number.isFinite(oneR)) out.push(t.pnl / oneR);
  }
  return out;
}

/** Index of the last date strictly before `date` (binary search), −1 if none. */
function lastBefore(dates: readonly string[], date: string): number {
  let lo = 0;
  let hi = dates.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! < date) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
