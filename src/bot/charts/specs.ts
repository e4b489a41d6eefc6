/** Ready-made specs for the charts the bot sends most, so callers do not repeat the arithmetic. */
import type { BarSeries } from '../../engine/bars.js';
import type { Candle, LineChartSpec, SeriesValues } from '../../adapters/charts/port.js';

/** Drawdown red: the renderer theme's DOWN_COLOR (src/adapters/charts/theme.ts); a spec names colours, the theme is the renderer's. */
const DRAWDOWN_COLOR = '#ef5350';

/** Bars a phone shows legibly in one chart. */
export const DEFAULT_CANDLE_COUNT = 120;

/** The last `count` bars of a columnar series as candles (oldest first). */
export function candlesFromSeries(series: BarSeries, count: number = DEFAULT_CANDLE_COUNT): Candle[] {
  const n = series.dates.length;
  const out: Candle[] = [];
  for (let i = Math.max(0, n - count); i < n; i++) {
    out.push({ date: series.dates[i]!, o: series.open[i]!, h: series.high[i]!, l: series.low[i]!, c: series.close[i]! });
  }
  return out;
}

/**
 * Drawdown from the running peak, in percent (0 at a new high, negative
 * below it). Gaps stay gaps and do not reset the peak.
 */
export function drawdownPercent(equity: SeriesValues): (number | null)[] {
  let peak = -Infinity;
  const out: (number | null)[] = [];
  for (let i = 0; i < equity.length; i++) {
    const v = equity[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      out.push(null);
      continue;
    }
    peak = Math.max(peak, v);
    out.push(peak > 0 ? (v / peak - 1) * 100 : 0);
  }
  return out;
}

export interface EquityChartInput {
  readonly title: string;
  readonly dates: readonly string[];
  readonly equity: SeriesValues;
  /** A benchmark on the same scale as `equity`, e.g. buy-and-hold SPY. */
  readonly benchmark?: { readonly name: string; readonly values: SeriesValues };
  readonly watermark?: string;
}

/** Equity curve with a drawdown panel underneath (the `/equity` and backtest reply chart). */
export function equityChartSpec(input: EquityChartInput): LineChartSpec {
  return {
    kind: 'line',
    title: input.title,
    labels: input.dates,
    yLabel: 'Equity',
    series: [
      { name: 'Equity', values: input.equity },
      ...(input.benchmark ? [{ name: input.benchmark.name, values: input.benchmark.values, dashed: true }] : []),
    ],
    lowerPanel: {
      label: 'Drawdown %',
      series: [{ name: 'Drawdown', values: drawdownPercent(input.equity), fill: true, color: DRAWDOWN_COLOR }],
    },
    ...(input.watermark ? { watermark: input.watermark } : {}),
  };
}
