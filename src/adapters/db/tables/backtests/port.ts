/**
 * Typed repositories of stored backtest runs: the plain one-table reads and writes the
 * use cases need, as methods (the use cases import this file's types only).
 *
 * The lifecycle updates that compare-and-set the run's state (start, fail,
 * cancel, discard, closing a dead worker's runs), the advisory-locked
 * completion, its `done` update and the bulk trade insert stay reviewed SQL in
 * src/trading/backtest/store.ts: their exact SQL carries the invariants.
 */

/** Where a backtest run is in its lifecycle (the `backtest_runs.status` CHECK). */
export type BacktestRunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** A `backtest_runs` row without its large columns (request, metrics, report, curves). */
export interface BacktestRunRow {
  id: string;
  requestHash: string;
  dataFingerprint: string | null;
  dataSource: string | null;
  demo: boolean | null;
  status: BacktestRunStatus;
  tradeCount: number | null;
  error: string | null;
  requestedBy: string;
  jobId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A run to record as queued. */
export interface NewBacktestRun {
  id: string;
  requestHash: string;
  /** The normalised request, stored as jsonb. */
  request: object;
  requestedBy: string;
  jobId: string | null;
  /** When absent the database's `clock_timestamp()` default fills it. */
  createdAt?: Date;
}

/** What a superseded run is closed with: why, and the data it ran on. */
export interface SupersededRun {
  error: string;
  dataFingerprint: string;
  dataSource: string;
  demo: boolean;
}

/** The `report` and `curves` of a done run as the driver parsed them: the caller checks their shape. */
export interface DoneRunResult {
  report: unknown;
  curves: unknown;
}

/** A `backtest_trades` row without its key (dates as `YYYY-MM-DD`); strategy and exit reason are checked by the caller. */
export interface BacktestTradeRow {
  symbol: string;
  strategy: string;
  signalDate: string;
  entryDate: string;
  entryPrice: number;
  exitDate: string;
  exitPrice: number;
  qty: number;
  pnl: number;
  pnlPct: number;
  barsHeld: number;
  exitReason: string;
  commission: number;
}

/** The plain reads and writes of `backtest_runs` and `backtest_trades`. */
export interface BacktestsTables {
  /** The run with this id, or null. */
  run(id: string): Promise<BacktestRunRow | null>;
  /** The done run for this request and data, or null (the partial unique index allows at most one). */
  doneRun(requestHash: string, dataFingerprint: string): Promise<BacktestRunRow | null>;
  /** Every run of one request, newest first (ties by id). */
  runsOfRequest(requestHash: string): Promise<BacktestRunRow[]>;
  /** Ids of the done runs for this request and data other than `exceptId`. */
  otherDoneRunIds(requestHash: string, dataFingerprint: string, exceptId: string): Promise<string[]>;
  /** Inserts a run with status `queued`. */
  insertQueued(run: NewBacktestRun): Promise<void>;
  /** Closes run `id` as `cancelled` now (`clock_timestamp()`), whatever its state; returns the rows touched. */
  closeSuperseded(id: string, close: SupersededRun): Promise<number>;
  /** `report` and `curves` of run `id` when it is done, else null. */
  doneResult(id: string): Promise<DoneRunResult | null>;
  /** The trades of one run in `seq` order. */
  trades(runId: string): Promise<BacktestTradeRow[]>;
}
