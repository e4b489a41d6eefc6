/** Charts: a typed spec, a renderer port, and two backends (in-process and QuickChart). */
export * from './port.js';
export { ChartRenderError, ChartSpecError, QuickChartError } from './errors.js';
export type { QuickChartFailure } from './errors.js';
export { toChartJsConfig } from './chartjs-config.js';
export type { CandleStyle, ChartJsConfig, ChartJsConfigOptions, Json, JsonObject } from './chartjs-config.js';
export { LocalChartRenderer } from './local-renderer.js';
export { QuickChartRenderer } from './quickchart-renderer.js';
export type { QuickChartRendererOptions } from './quickchart-renderer.js';
export { candlesFromSeries, drawdownPercent, equityChartSpec, DEFAULT_CANDLE_COUNT } from './specs.js';
export type { EquityChartInput } from './specs.js';
export { resolveSize, validateSpec } from './validate.js';
export type { ChartSize } from './validate.js';
