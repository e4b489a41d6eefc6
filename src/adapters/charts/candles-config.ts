/** Chart.js config for {@link CandleChartSpec}. */
import { baseOptions, categoryAxis, formatPrice, indexedPoints, valueAxis, withAlpha } from './config-common.js';
import type { ChartJsConfig, Json, JsonObject } from './json.js';
import type { CandleChartSpec, PriceLevel } from './port.js';
import { DOWN_COLOR, FLAT_COLOR, LEVEL_COLORS, LEVEL_NAMES, UP_COLOR, paletteColor } from './theme.js';

/**
 * How candles are expressed in Chart.js terms.
 * - `financial`: the `candlestick` type from chartjs-chart-financial (used in-process).
 * - `floating`: two overlapping floating-bar datasets (high–low wicks, open–close bodies)
 *   in plain Chart.js 4. QuickChart ships chartjs-chart-financial only for Chart.js 2,
 *   so this is the form a real QuickChart server can draw.
 */
export type CandleStyle = 'financial' | 'floating';

export function candlesConfig(spec: CandleChartSpec, style: CandleStyle): ChartJsConfig {
  const overlays = (spec.overlays ?? []).map((o, i): JsonObject => ({
    type: 'line',
    label: o.name,
    data: indexedPoints(o.values),
    borderColor: o.color ?? paletteColor(i),
    backgroundColor: o.color ?? paletteColor(i),
    borderWidth: 1.5,
    borderDash: o.dashed ? [5, 4] : [],
    pointRadius: 0,
    spanGaps: false,
    // Lower order draws later in Chart.js; keep lines above the candles.
    order: 0,
  }));
  const annotations: Record<string, Json> = {};
  (spec.levels ?? []).forEach((l, i) => {
    annotations[`level${i}_${l.role}`] = levelLine(l);
  });
  const signal = spec.signalIndex;
  if (signal !== undefined && Number.isInteger(signal) && signal >= 0 && signal < spec.bars.length) annotations.signal = signalBox(signal);
  const candles = style === 'financial' ? financialDatasets(spec) : floatingDatasets(spec);
  return {
    type: style === 'financial' ? 'candlestick' : 'bar',
    // One blank category after the last bar: without it the last candle (a pick's signal candle)
    // sat on the plot's right edge and was drawn cut in half.
    data: { labels: [...spec.bars.map((b) => b.date), ''], datasets: [...candles, ...overlays] },
    options: {
      ...baseOptions(spec, overlays.length > 0, annotations),
      scales: {
        // offset: keep the first and last candle clear of the axes.
        x: categoryAxis({ offset: true }),
        // Traders read prices on the right; the annotation plugin widens the range to show every level.
        // beginAtZero off: bar charts (the floating style) otherwise squash prices against a zero baseline.
        y: valueAxis(undefined, { position: 'right', grace: '2%', beginAtZero: false }),
      },
    },
  };
}

function financialDatasets(spec: CandleChartSpec): JsonObject[] {
  const colors = { up: UP_COLOR, down: DOWN_COLOR, unchanged: FLAT_COLOR };
  return [
    {
      type: 'candlestick',
      label: 'Price',
      data: spec.bars.map((b, x) => ({ x, o: b.o, h: b.h, l: b.l, c: b.c })),
      backgroundColors: colors,
      borderColors: colors,
      // Only the legend swatch reads the singular colours; candles use the maps above.
      backgroundColor: UP_COLOR,
      borderColor: UP_COLOR,
      order: 1,
    },
  ];
}

function floatingDatasets(spec: CandleChartSpec): JsonObject[] {
  const colors = spec.bars.map((b) => (b.c > b.o ? UP_COLOR : b.c < b.o ? DOWN_COLOR : FLAT_COLOR));
  const common = { grouped: false, borderWidth: 0, backgroundColor: colors, order: 1 };
  return [
    { type: 'bar', label: 'High–low', data: spec.bars.map((b) => [b.l, b.h]), barThickness: 1, ...common },
    {
      type: 'bar',
      label: 'Open–close',
      data: spec.bars.map((b) => [Math.min(b.o, b.c), Math.max(b.o, b.c)]),
      barPercentage: 0.7,
      categoryPercentage: 1,
      // A doji (open == close) would otherwise vanish.
      minBarLength: 1,
      ...common,
    },
  ];
}

/** Amber: apart from the candles' green/red and the levels' blue/red/green. */
const SIGNAL_COLOR = '#f59e0b';

/**
 * The signal candle's slot, shaded top to bottom (a box with no y bounds spans
 * the plot) under the candles, with "Signal" above it. Category slot i runs
 * from i − 0.5 to i + 0.5.
 */
function signalBox(i: number): JsonObject {
  return {
    type: 'box',
    xScaleID: 'x',
    xMin: i - 0.5,
    xMax: i + 0.5,
    backgroundColor: withAlpha(SIGNAL_COLOR, 0.22),
    borderColor: SIGNAL_COLOR,
    borderWidth: 1,
    drawTime: 'beforeDatasetsDraw',
    label: {
      display: true,
      content: 'Signal',
      position: { x: 'end', y: 'start' },
      color: '#92400e',
      font: { size: 11, weight: 'bold' },
      padding: 2,
    },
  };
}

function levelLine(l: PriceLevel): JsonObject {
  const color = l.color ?? LEVEL_COLORS[l.role];
  return {
    type: 'line',
    scaleID: 'y',
    value: l.price,
    borderColor: color,
    borderWidth: 1.5,
    borderDash: l.role === 'entry' ? [] : [6, 4],
    drawTime: 'afterDatasetsDraw',
    label: {
      display: true,
      content: l.label ?? `${LEVEL_NAMES[l.role]} ${formatPrice(l.price)}`,
      position: 'start',
      backgroundColor: color,
      color: '#ffffff',
      font: { size: 11, weight: 'bold' },
      padding: 3,
      borderRadius: 3,
    },
  };
}
