export { createQuickChartServer, startQuickChartEmulator } from './server.js';
export type { QuickChartEmulator, QuickChartEmulatorOptions } from './server.js';
export { ChartRequestError, parseChartRequest } from './params.js';
export type { ChartRequest } from './params.js';
