/** Building blocks shared by the per-kind Chart.js config builders. */
import type { Json, JsonObject } from './json.js';
import type { ChartFrame, SeriesValues } from './port.js';
import { GRID_COLOR, WATERMARK_COLOR } from './theme.js';

/** Chart-level options every chart gets. Animation off: a PNG only ever shows the first frame. */
export function baseOptions(frame: ChartFrame, legend: boolean, annotations: JsonObject): JsonObject {
  return {
    animation: false,
    responsive: false,
    maintainAspectRatio: false,
    // Side padding leaves room for half of the first/last date label, which Chart.js centres on its tick.
    layout: { padding: { top: 4, right: 24, bottom: 4, left: 24 } },
    plugins: {
      title: { display: frame.title !== '', text: frame.title, font: { size: 16, weight: 'bold' }, color: '#212121' },
      legend: { display: legend, position: 'top', labels: { boxWidth: 18, boxHeight: 2 } },
      tooltip: { enabled: false },
      annotation: { annotations: frame.watermark ? { ...annotations, watermark: watermark(frame.watermark) } : annotations },
    },
  };
}

/**
 * A label annotation with no coordinates spans the whole plot area and is
 * centred in it; drawn last so candles cannot hide it.
 */
function watermark(text: string): JsonObject {
  return {
    type: 'label',
    drawTime: 'afterDraw',
    content: text,
    color: WATERMARK_COLOR,
    font: { size: 96, weight: 'bold' },
    rotation: -20,
  };
}

/** Category x axis: one slot per label, so weekends and holidays leave no gaps. */
export function categoryAxis(extra: JsonObject = {}): JsonObject {
  return {
    type: 'category',
    grid: { color: GRID_COLOR },
    ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 24, color: '#616161' },
    ...extra,
  };
}

export function valueAxis(title: string | undefined, extra: JsonObject = {}): JsonObject {
  return {
    type: 'linear',
    grid: { color: GRID_COLOR },
    ticks: { color: '#616161' },
    title: title ? { display: true, text: title, color: '#616161' } : { display: false },
    ...extra,
  };
}

/** NaN/±Infinity are not JSON and mean "no value" for indicators, so they become null gaps. */
export function toNullable(values: SeriesValues): Json[] {
  const out: Json[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  return out;
}

/**
 * Full-length `{x: index, y}` points. Index-based x works both when the chart
 * disables parsing (the financial controller does, chart-wide) and when it
 * does not, because point i always sits at category i.
 */
export function indexedPoints(values: SeriesValues): Json[] {
  return toNullable(values).map((y, x) => ({ x, y }));
}

/** `#rrggbb` → `rgba(r,g,b,a)`; other CSS colours are returned unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return color;
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => parseInt(h, 16));
  return `rgba(${r},${g},${b},${alpha})`;
}

/** Two decimals for normal prices, more for sub-dollar ones where cents hide the level. */
export function formatPrice(p: number): string {
  return Math.abs(p) >= 1 ? p.toFixed(2) : p.toPrecision(3);
}
