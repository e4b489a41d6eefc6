import type { LineChartSpec } from '../../adapters/charts/port.js';
import { equityChartSpec } from './specs.js';
import { rebaseBenchmark } from '../../trading/digest/compute.js';
import type { CloseDigestData } from '../../trading/digest/types.js';

/** Fewer points than this make no curve worth a picture. */
export const MIN_CURVE_POINTS = 2;

/**
 * The close digest's picture: equity with drawdown underneath and the
 * benchmark rebased onto the first equity value. Null when there are fewer
 * than two equity marks.
 */
export function closeDigestChart(d: Pick<CloseDigestData, 'curve' | 'benchmark' | 'demo' | 'sessionDate'>): LineChartSpec | null {
  const { dates, equity, benchmark } = d.curve;
  if (dates.length < MIN_CURVE_POINTS) return null;
  const rebased = rebaseBenchmark(equity, benchmark);
  const hasBenchmark = rebased.filter((v) => v !== null).length >= MIN_CURVE_POINTS;
  return {
    ...equityChartSpec({
      title: `Equity to ${d.sessionDate}${hasBenchmark ? ` vs ${d.benchmark.symbol}` : ''}`,
      dates,
      equity,
      ...(hasBenchmark ? { benchmark: { name: d.benchmark.symbol, values: rebased } } : {}),
      ...(d.demo ? { watermark: 'DEMO' } : {}),
    }),
    width: 800,
    height: 480,
  };
}
