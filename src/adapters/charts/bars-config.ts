/** Chart.js config for {@link BarChartSpec}. */
import { baseOptions, categoryAxis, valueAxis } from './config-common.js';
import type { ChartJsConfig } from './json.js';
import type { BarChartSpec } from './port.js';
import { DOWN_COLOR, FLAT_COLOR, UP_COLOR } from './theme.js';

export function barsConfig(spec: BarChartSpec): ChartJsConfig {
  // Per-bar colour arrays instead of a scriptable option: functions are not JSON.
  const colors = spec.values.map((v) => (v > 0 ? UP_COLOR : v < 0 ? DOWN_COLOR : FLAT_COLOR));
  const indexAxis = spec.horizontal ? 'y' : 'x';
  const valueAxisId = spec.horizontal ? 'x' : 'y';
  return {
    type: 'bar',
    data: {
      labels: [...spec.labels],
      datasets: [
        {
          type: 'bar',
          label: spec.valueLabel ?? 'Value',
          data: [...spec.values],
          backgroundColor: colors,
          borderWidth: 0,
          // Keeps a near-zero P&L visible as a sliver rather than nothing.
          minBarLength: 2,
        },
      ],
    },
    options: {
      ...baseOptions(spec, false, {}),
      indexAxis,
      scales: {
        [indexAxis]: categoryAxis({ ticks: { autoSkip: !spec.horizontal, maxRotation: spec.horizontal ? 0 : 45 } }),
        [valueAxisId]: valueAxis(spec.valueLabel),
      },
    },
  };
}
