/** Chart.js config for {@link LineChartSpec}, including the optional lower panel. */
import { baseOptions, categoryAxis, toNullable, valueAxis, withAlpha } from './config-common.js';
import type { ChartJsConfig, JsonObject } from './json.js';
import type { LineChartSpec, LineSeries } from './port.js';
import { paletteColor } from './theme.js';

/** Main panel gets 3/4 of the height when a lower panel is present. */
const MAIN_WEIGHT = 3;
const LOWER_WEIGHT = 1;

export function lineConfig(spec: LineChartSpec): ChartJsConfig {
  let colorIndex = 0;
  const dataset = (s: LineSeries, axis: string): JsonObject => {
    const color = s.color ?? paletteColor(colorIndex++);
    return {
      type: 'line',
      label: s.name,
      data: toNullable(s.values),
      yAxisID: axis,
      borderColor: color,
      backgroundColor: s.fill ? withAlpha(color, 0.25) : color,
      fill: s.fill ? 'origin' : false,
      borderWidth: 2,
      borderDash: s.dashed ? [5, 4] : [],
      pointRadius: 0,
      tension: 0,
    };
  };
  const main = spec.series.map((s) => dataset(s, 'y'));
  const lower = (spec.lowerPanel?.series ?? []).map((s) => dataset(s, 'yLower'));
  const scales: Record<string, JsonObject> = { x: categoryAxis() };
  if (spec.lowerPanel) {
    // Chart.js "stacked scales": two y axes sharing one column, split by weight.
    // Chart.js stacks same-position axes bottom-up in definition order, so the lower panel is defined first.
    scales['yLower'] = valueAxis(spec.lowerPanel.label, {
      position: 'left',
      stack: 'panels',
      stackWeight: LOWER_WEIGHT,
      // offset leaves a gap between the panels so their tick labels do not collide.
      offset: true,
      ticks: { color: '#616161', maxTicksLimit: 4 },
    });
    scales['y'] = valueAxis(spec.yLabel, { position: 'left', stack: 'panels', stackWeight: MAIN_WEIGHT });
  } else {
    scales['y'] = valueAxis(spec.yLabel, { position: 'left' });
  }
  return {
    type: 'line',
    data: { labels: [...spec.labels], datasets: [...main, ...lower] },
    options: { ...baseOptions(spec, main.length + lower.length > 1, {}), scales },
  };
}
