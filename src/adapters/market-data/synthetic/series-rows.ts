import type { Bar, BarSeries } from '../../../engine/bars.js';
import type { DateRange } from '../port.js';

/**
 * The bars of a columnar series in row form, oldest first: all of them, or
 * those dated inside `range` (both ends included). The DEMO providers
 * generate a symbol's whole history once and answer every range from it.
 */
export function seriesRows(s: BarSeries, range?: DateRange): Bar[] {
  const out: Bar[] = [];
  for (let i = 0; i < s.dates.length; i++) {
    const date = s.dates[i]!;
    if (range && (date < range.from || date > range.to)) continue;
    out.push({ date, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! });
  }
  return out;
}
