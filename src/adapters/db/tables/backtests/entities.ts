import { EntitySchema } from 'typeorm';
import type { BacktestRunStatus, BacktestTradeRow } from './port.js';

/**
 * A `backtest_runs` row as the driver returns it (migrations/1764100000000-Backtests.ts,
 * `manifest_id` from 1765300000014-RunManifests.ts). `report` and `curves` are `json`
 * (exact text kept), `request` and `metrics` `jsonb`: all come back parsed.
 */
export interface BacktestRunEntity {
  id: string;
  requestHash: string;
  request: unknown;
  dataFingerprint: string | null;
  dataSource: string | null;
  demo: boolean | null;
  status: BacktestRunStatus;
  metrics: unknown;
  report: unknown;
  curves: unknown;
  tradeCount: number | null;
  error: string | null;
  requestedBy: string;
  jobId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  manifestId: string | null;
}

export const BacktestRunSchema = new EntitySchema<BacktestRunEntity>({
  name: 'BacktestRun',
  tableName: 'backtest_runs',
  columns: {
    id: { type: 'uuid', primary: true },
    requestHash: { name: 'request_hash', type: 'text' },
    request: { type: 'jsonb' },
    dataFingerprint: { name: 'data_fingerprint', type: 'text', nullable: true },
    dataSource: { name: 'data_source', type: 'text', nullable: true },
    demo: { type: 'boolean', nullable: true },
    status: { type: 'text' },
    metrics: { type: 'jsonb', nullable: true },
    report: { type: 'json', nullable: true },
    curves: { type: 'json', nullable: true },
    tradeCount: { name: 'trade_count', type: 'integer', nullable: true },
    error: { type: 'text', nullable: true },
    requestedBy: { name: 'requested_by', type: 'text' },
    jobId: { name: 'job_id', type: 'text', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
    startedAt: { name: 'started_at', type: 'timestamptz', nullable: true },
    finishedAt: { name: 'finished_at', type: 'timestamptz', nullable: true },
    manifestId: { name: 'manifest_id', type: 'text', nullable: true },
  },
});

/**
 * A `backtest_trades` row as the driver returns it: float8 and integer as numbers,
 * `date` columns as `YYYY-MM-DD` strings (TypeORM formats the driver's local-midnight Date).
 */
export interface BacktestTradeEntity extends BacktestTradeRow {
  runId: string;
  seq: number;
}

export const BacktestTradeSchema = new EntitySchema<BacktestTradeEntity>({
  name: 'BacktestTrade',
  tableName: 'backtest_trades',
  columns: {
    runId: { name: 'run_id', type: 'uuid', primary: true },
    seq: { type: 'integer', primary: true },
    symbol: { type: 'text' },
    strategy: { type: 'text' },
    signalDate: { name: 'signal_date', type: 'date' },
    entryDate: { name: 'entry_date', type: 'date' },
    entryPrice: { name: 'entry_price', type: 'float8' },
    exitDate: { name: 'exit_date', type: 'date' },
    exitPrice: { name: 'exit_price', type: 'float8' },
    qty: { type: 'float8' },
    pnl: { type: 'float8' },
    pnlPct: { name: 'pnl_pct', type: 'float8' },
    barsHeld: { name: 'bars_held', type: 'integer' },
    exitReason: { name: 'exit_reason', type: 'text' },
    commission: { type: 'float8' },
  },
});

/** The TypeORM entities of stored backtest runs (registered with the DataSource). */
export const BACKTESTS_ENTITIES: readonly EntitySchema[] = [BacktestRunSchema, BacktestTradeSchema];
