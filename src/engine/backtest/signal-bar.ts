import type { BarSeries } from '../bars.js';
import type { Signal } from '../signal.js';

/**
 * Finds the bar of `series` a signal was produced on.
 *
 * `signal.index` is trusted when it points at the signal's date; otherwise the
 * date is binary-searched, so signals computed on a slice or a differently
 * aligned copy of the series still land on the right bar.
 *
 * @returns the bar index, or -1 when the series has no bar on `signal.date`
 */
export function signalBarIndex(series: BarSeries, signal: Signal): number {
  const dates = series.dates;
  const hinted = signal.index;
  if (Number.isInteger(hinted) && hinted >= 0 && hinted < dates.length && dates[hinted] === signal.date) return hinted;
  let lo = 0;
  let hi = dates.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const d = dates[mid]!;
    if (d === signal.date) return mid;
    if (d < signal.date) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
