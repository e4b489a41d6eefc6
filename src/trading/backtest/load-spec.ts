/**
 * How a backtest's bars were loaded, so a replay can load the same ones
 * again (recorded in the run's manifest):
 * - `resolve`: the per-symbol resolution of /backtest and `--universe`
 *   without `--data-dir` (bars store, bundled samples, DEMO bars);
 *   `demoEndDate` is the last session of any generated DEMO bars (null when
 *   none were generated);
 * - `csv-files`: `courtside backtest --csv` files (absolute paths);
 * - `csv-dir`: one `<SYMBOL>.csv` per symbol in `dir`.
 */
export type BacktestLoadSpec =
  | { kind: 'resolve'; demoEndDate: string | null }
  | { kind: 'csv-files'; files: string[] }
  | { kind: 'csv-dir'; dir: string; symbols: string[] };
