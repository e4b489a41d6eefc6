/**
 * ChartSpec → Chart.js 4 configuration.
 *
 * Pure and JSON-only (see {@link ChartJsConfig}): no callbacks, no `undefined`,
 * no class instances, so the result can be rendered in-process or sent to a
 * QuickChart server unchanged. Requires chartjs-plugin-annotation for levels
 * and watermarks, and chartjs-chart-financial for the `financial` candle style.
 */
import { barsConfig } from './bars-config.js';
import { candlesConfig, type CandleStyle } from './candles-config.js';
import type { ChartJsConfig } from './json.js';
import { lineConfig } from './line-config.js';
import type { ChartSpec } from './port.js';
import { validateSpec } from './validate.js';

export type { CandleStyle } from './candles-config.js';
export type { ChartJsConfig, Json, JsonObject } from './json.js';

export interface ChartJsConfigOptions {
  /** Defaults to `financial`; see {@link CandleStyle}. */
  readonly candleStyle?: CandleStyle;
}

/** Validates `spec` (throws `ChartSpecError`) and builds its Chart.js config. */
export function toChartJsConfig(spec: ChartSpec, options: ChartJsConfigOptions = {}): ChartJsConfig {
  validateSpec(spec);
  switch (spec.kind) {
    case 'candles':
      return candlesConfig(spec, options.candleStyle ?? 'financial');
    case 'line':
      return lineConfig(spec);
    case 'bars':
      return barsConfig(spec);
  }
}
