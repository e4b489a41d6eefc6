import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SqlSession, UnitOfWork } from '../../adapters/db/port.js';
import { EXIT_REASONS } from '../../engine/backtest/exit-rules.js';
import { STRATEGY_IDS } from '../../engine/signal.js';
import { pgBool, pgInt, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { pgJsonObject } from '../../lib/sql-json.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import type { BacktestData } from './data.js';
import { storedNotes } from './notes.js';
import { reportTrade, type BacktestCurves, type BacktestOutcome, type BacktestReport, type ReportTrade } from './report.js';
import type { BacktestRequest } from './request.js';
import { RunManifestStore } from '../manifest/store.js';

export type BacktestRunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** A row of `backtest_runs` without the large columns. */
export interface StoredRun {
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

/** A `backtest_runs` row as {@link RUN_COLUMNS} selects it. */
const RunRowSchema = z.object({
  id: pgText,
  request_hash: pgText,
  data_fingerprint: pgText.nullable(),
  data_source: pgText.nullable(),
  demo: pgBool.nullable(),
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  trade_count: pgInt.nullable(),
  error: pgText.nullable(),
  requested_by: pgText,
  job_id: pgText.nullable(),
  created_at: pgTimestamp,
  started_at: pgTimestamp.nullable(),
  finished_at: pgTimestamp.nullable(),
});
type RunRow = z.output<typeof RunRowSchema>;

const SchemaPresentRow = z.object({ ok: pgBool });
const RunIdRow = z.object({ id: pgText });
/** `report` and `curves` (json) of a done run; an old row's notes are English strings (see storedNotes). */
const OutcomeRow = z.object({
  report: pgJsonObject<Omit<BacktestReport, 'notes'> & { notes: unknown }>(),
  curves: pgJsonObject<BacktestCurves>(),
});

const RUN_COLUMNS = 'id, request_hash, data_fingerprint, data_source, demo, status, trade_count, error, requested_by, job_id, created_at, started_at, finished_at';
const TRADE_CHUNK = 5_000;

function toRun(r: RunRow): StoredRun {
  return {
    id: r.id,
    requestHash: r.request_hash,
    dataFingerprint: r.data_fingerprint,
    dataSource: r.data_source,
    demo: r.demo,
    status: r.status,
    tradeCount: r.trade_count,
    error: r.error,
    requestedBy: r.requested_by,
    jobId: r.job_id,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/**
 * Backtest runs in Postgres (system of record for results). Lifecycle:
 * `create` (queued) → `start` (running, data fingerprint known) → `complete`
 * (done) | `fail` | `cancel`. A finished run is found again by request hash +
 * data fingerprint ({@link findDone}), which is how identical requests share
 * one result.
 */
export class BacktestStore {
  constructor(private readonly db: UnitOfWork) {}

  /** True when the migration that creates `backtest_runs` has been applied. */
  async hasSchema(): Promise<boolean> {
    const row = await rowOf(this.db, SchemaPresentRow, `SELECT to_regclass('backtest_runs') IS NOT NULL AS ok`);
    return row?.ok === true;
  }

  /** The finished run for this request and data, if any. */
  async findDone(requestHash: string, dataFingerprint: string): Promise<StoredRun | null> {
    const row = await rowOf(this.db, RunRowSchema, `SELECT ${RUN_COLUMNS} FROM backtest_runs WHERE request_hash = $1 AND data_fingerprint = $2 AND status = 'done'`, [requestHash, dataFingerprint]);
    return row ? toRun(row) : null;
  }

  async get(id: string): Promise<StoredRun | null> {
    const row = await rowOf(this.db, RunRowSchema, `SELECT ${RUN_COLUMNS} FROM backtest_runs WHERE id = $1`, [id]);
    return row ? toRun(row) : null;
  }

  /** Runs of one request, newest first. */
  async byRequest(requestHash: string): Promise<StoredRun[]> {
    const rows = await rowsOf(this.db, RunRowSchema, `SELECT ${RUN_COLUMNS} FROM backtest_runs WHERE request_hash = $1 ORDER BY created_at DESC, id`, [requestHash]);
    return rows.map(toRun);
  }

  /** Records a new run as queued and returns its id. */
  async create(input: { request: BacktestRequest; requestHash: string; requestedBy: string; jobId?: string | null; createdAt?: Date }): Promise<string> {
    const id = randomUUID();
    await this.db.exec(
      `INSERT INTO backtest_runs (id, request_hash, request, status, requested_by, job_id, created_at)
       VALUES ($1, $2, $3, 'queued', $4, $5, COALESCE($6, clock_timestamp()))`,
      [id, input.requestHash, JSON.stringify(input.request), input.requestedBy.slice(0, 100), input.jobId ?? null, input.createdAt ?? null],
    );
    return id;
  }

  /** Marks a run as running on the given data. */
  async start(id: string, data: Pick<BacktestData, 'fingerprint' | 'source' | 'demo'>): Promise<void> {
    await this.db.exec(
      `UPDATE backtest_runs SET status = 'running', started_at = clock_timestamp(), data_fingerprint = $2, data_source = $3, demo = $4
       WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, data.fingerprint, data.source, data.demo],
    );
  }

  /**
   * Stores the result and marks the run done. When an identical run (same
   * request and data) finished first, this one is closed as `cancelled`
   * ("superseded") and the earlier run is returned with `reused: true`.
   */
  async complete(id: string, outcome: BacktestOutcome): Promise<{ id: string; reused: boolean }> {
    const { report } = outcome;
    return this.db.transaction(async (tx) => {
      await tx.rows(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`backtest:${report.requestHash}:${report.data.fingerprint}`]);
      const existing = await rowsOf(tx, RunIdRow, `SELECT id FROM backtest_runs WHERE request_hash = $1 AND data_fingerprint = $2 AND status = 'done' AND id <> $3`, [
        report.requestHash,
        report.data.fingerprint,
        id,
      ]);
      if (existing[0]) {
        await tx.exec(
          `UPDATE backtest_runs SET status = 'cancelled', finished_at = clock_timestamp(), error = $2,
             data_fingerprint = $3, data_source = $4, demo = $5
           WHERE id = $1`,
          [id, `superseded: identical run ${existing[0].id} finished first`, report.data.fingerprint, report.data.source, report.data.demo],
        );
        return { id: existing[0].id, reused: true };
      }
      await insertTrades(tx, id, outcome.trades);
      // The manifest first: the run row points at it.
      if (outcome.manifest) await new RunManifestStore(tx).save(outcome.manifest);
      await tx.exec(
        `UPDATE backtest_runs SET status = 'done', finished_at = clock_timestamp(), started_at = COALESCE(started_at, clock_timestamp()),
           data_fingerprint = $2, data_source = $3, demo = $4, metrics = $5, report = $6, curves = $7, trade_count = $8, error = NULL,
           manifest_id = $9
         WHERE id = $1`,
        [
          id,
          report.data.fingerprint,
          report.data.source,
          report.data.demo,
          JSON.stringify(report.metrics),
          JSON.stringify(report),
          JSON.stringify(outcome.curves),
          outcome.trades.length,
          outcome.manifest?.id ?? null,
        ],
      );
      return { id, reused: false };
    });
  }

  /** Deletes a run that never started (e.g. an identical stored run was reused instead). */
  async discard(id: string): Promise<void> {
    await this.db.exec(`DELETE FROM backtest_runs WHERE id = $1 AND status = 'queued'`, [id]);
  }

  async fail(id: string, error: string): Promise<void> {
    await this.finish(id, 'failed', error);
  }

  async cancel(id: string, reason = 'cancelled'): Promise<void> {
    await this.finish(id, 'cancelled', reason);
  }

  /**
   * Closes runs of a job that never finished (the worker died mid-run and
   * BullMQ is retrying the job), except `exceptId`.
   */
  async failUnfinishedOfJob(jobId: string, exceptId?: string): Promise<number> {
    return this.db.exec(
      `UPDATE backtest_runs SET status = 'failed', finished_at = clock_timestamp(), error = 'worker stopped before the run finished; the job was retried'
       WHERE job_id = $1 AND status IN ('queued', 'running') AND id <> COALESCE($2::uuid, '00000000-0000-0000-0000-000000000000'::uuid)`,
      [jobId, exceptId ?? null],
    );
  }

  /**
   * The stored outcome of a finished run (report, trades in order, curves), or
   * null. Notes of reports stored before notes were typed (English strings)
   * are read as `recorded` notes.
   */
  async loadOutcome(id: string): Promise<BacktestOutcome | null> {
    // An old row's notes are English strings (see storedNotes).
    const row = await rowOf(this.db, OutcomeRow, `SELECT report, curves FROM backtest_runs WHERE id = $1 AND status = 'done'`, [id]);
    if (!row) return null;
    const trades = await rowsOf(
      this.db,
      TradeRowSchema,
      `SELECT symbol, strategy, signal_date::text AS signal_date, entry_date::text AS entry_date, entry_price,
              exit_date::text AS exit_date, exit_price, qty, pnl, pnl_pct, bars_held, exit_reason, commission
       FROM backtest_trades WHERE run_id = $1 ORDER BY seq`,
      [id],
    );
    const report: BacktestReport = { ...row.report, notes: storedNotes(row.report.notes) };
    return { report, curves: row.curves, trades: trades.map(fromTradeRow) };
  }

  private async finish(id: string, status: 'failed' | 'cancelled', error: string): Promise<void> {
    await this.db.exec(`UPDATE backtest_runs SET status = $2, finished_at = clock_timestamp(), error = $3 WHERE id = $1 AND status IN ('queued', 'running')`, [
      id,
      status,
      error.slice(0, 2000),
    ]);
  }
}

/** A `backtest_trades` row as {@link BacktestStore.loadOutcome} selects it (dates as ISO text, figures float8). */
const TradeRowSchema = z.object({
  symbol: pgText,
  strategy: z.enum(STRATEGY_IDS),
  signal_date: pgText,
  entry_date: pgText,
  entry_price: pgInt,
  exit_date: pgText,
  exit_price: pgInt,
  qty: pgInt,
  pnl: pgInt,
  pnl_pct: pgInt,
  bars_held: pgInt,
  exit_reason: z.enum(EXIT_REASONS),
  commission: pgInt,
});
type TradeRow = z.output<typeof TradeRowSchema>;

function fromTradeRow(r: TradeRow): ReportTrade {
  return reportTrade({
    symbol: r.symbol,
    strategy: r.strategy,
    signalDate: r.signal_date,
    entryDate: r.entry_date,
    entryPrice: r.entry_price,
    exitDate: r.exit_date,
    exitPrice: r.exit_price,
    qty: r.qty,
    pnl: r.pnl,
    pnlPct: r.pnl_pct,
    barsHeld: r.bars_held,
    exitReason: r.exit_reason,
    commission: r.commission,
  });
}

/** Bulk insert through unnest: one statement per few thousand trades. */
async function insertTrades(tx: SqlSession, runId: string, trades: readonly ReportTrade[]): Promise<void> {
  for (let start = 0; start < trades.length; start += TRADE_CHUNK) {
    const part = trades.slice(start, start + TRADE_CHUNK);
    const col = <T>(f: (t: ReportTrade) => T) => part.map(f);
    await tx.exec(
      `INSERT INTO backtest_trades (run_id, seq, symbol, strategy, signal_date, entry_date, entry_price, exit_date, exit_price, qty, pnl, pnl_pct, bars_held, exit_reason, commission)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::date[], $6::date[], $7::float8[], $8::date[], $9::float8[], $10::float8[],
                               $11::float8[], $12::float8[], $13::int[], $14::text[], $15::float8[])`,
      [
        runId,
        part.map((_, i) => start + i),
        col((t) => t.symbol),
        col((t) => t.strategy),
        col((t) => t.signalDate),
        col((t) => t.entryDate),
        col((t) => t.entryPrice),
        col((t) => t.exitDate),
        col((t) => t.exitPrice),
        col((t) => t.qty),
        col((t) => t.pnl),
        col((t) => t.pnlPct),
        col((t) => t.barsHeld),
        col((t) => t.exitReason),
        col((t) => t.commission),
      ],
    );
  }
}
