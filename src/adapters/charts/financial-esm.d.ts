/**
 * chartjs-chart-financial 0.2.1 declares `"type": "module"` but its `main`
 * is a UMD bundle that plain Node ESM cannot load (it expects a global
 * `Chart`), and its bundled typings declare the controllers without
 * exporting them. We import the package's real ESM build by path and
 * describe just the two registrable pieces we use.
 */
declare module 'chartjs-chart-financial/dist/chartjs-chart-financial.esm.js' {
  import type { ChartComponent } from 'chart.js';
  export const CandlestickController: ChartComponent;
  export const CandlestickElement: ChartComponent;
}
