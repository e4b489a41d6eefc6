import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SqlSession, TableUnitOfWork } from '../../adapters/db/port.js';
import type { BacktestRunRow, BacktestRunStatus } from '../../adapters/db/tables/backtests/port.js';
import { EXIT_REASONS } from '../../engine/backtest/exit-rules.js';
import { STRATEGY_IDS } from '../../engine/signal.js';
import { pgBool, pgInt, pgText } from '../../lib/sql-columns.js';
import { pgJsonObject } from '../../lib/sql-json.js';
import { parseRows, rowOf } from '../../lib/sql-rows.js';
import type { BacktestData } from './data.js';
import { storedNotes } from './notes.js';
import { reportTrade, type BacktestCurves, type BacktestOutcome, type BacktestReport, type ReportTrade } from './report.js';
import type { BacktestRequest } from './request.js';
import { RunManifestStore } from '../manifest/store.js';

export type { BacktestRunStatus };

/** A row of `backtest_runs` without the large columns. */
export type StoredRun = BacktestRunRow;

const SchemaPresentRow = z.object({ ok: pgBool });
/** `report` and `curves` (json) of a done run; an old row's notes are English strings (see storedNotes). */
const OutcomeRow = z.object({
  report: pgJsonObject<Omit<BacktestReport, 'notes'> & { notes: unknown }>(),
  curves: pgJsonObject<BacktestCurves>(),
});

const TRADE_CHUNK = 5_000;

/**
 * Backtest runs in Postgres (system of record for results). Lifecycle:
 * `create` (queued) → `start` (running, data fingerprint known) → `complete`
 * (done) | `fail` | `cancel`. A finished run is found again by request hash +
 * data fingerprint ({@link findDone}), which is how identical requests share
 * one result.
 */
export class BacktestStore {
  constructor(private readonly db: TableUnitOfWork) {}

  /** True when the migration that creates `backtest_runs` has been applied. */
  async hasSchema(): Promise<boolean> {
    const row = await rowOf(this.db, SchemaPresentRow, `SELECT to_regclass('backtest_runs') IS NOT NULL AS ok`);
    return row?.ok === true;
  }

  /** The finished run for this request and data, if any. */
  async findDone(requestHash: string, dataFingerprint: string): Promise<StoredRun | null> {
    return this.db.tables.backtests.doneRun(requestHash, dataFingerprint);
  }

  async get(id: string): Promise<StoredRun | null> {
    return this.db.tables.backtests.run(id);
  }

  /** Runs of one request, newest first. */
  async byRequest(requestHash: string): Promise<StoredRun[]> {
    return this.db.tables.backtests.runsOfRequest(requestHash);
  }

  /** Records a new run as queued and returns its id. */
  async create(input: { request: BacktestRequest; requestHash: string; requestedBy: string; jobId?: string | null; createdAt?: Date }): Promise<string> {
    const id = randomUUID();
    await this.db.tables.backtests.insertQueued({
      id,
      requestHash: input.requestHash,
      request: input.request,
      requestedBy: input.requestedBy.slice(0, 100),
      jobId: input.jobId ?? null,
      ...(input.createdAt ? { createdAt: input.createdAt } : {}),
    });
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
      // Read under the lock: an identical run that finished first is seen, one finishing now waits for us.
      const [existing] = await tx.tables.backtests.otherDoneRunIds(report.requestHash, report.data.fingerprint, id);
      if (existing !== undefined) {
        await tx.tables.backtests.closeSuperseded(id, {
          error: `superseded: identical run ${existing} finished first`,
          dataFingerprint: report.data.fingerprint,
          dataSource: report.data.source,
          demo: report.data.demo,
        });
        return { id: existing, reused: true };
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
    const result = await this.db.tables.backtests.doneResult(id);
    if (!result) return null;
    // Parsed as the SQL rows were: a json column of the wrong kind, or an unknown strategy or exit reason, is a RowShapeError.
    const { report: stored, curves } = parseOne(OutcomeRow, result, 'backtest_runs report, curves (BacktestsTables.doneResult)');
    const trades = parseRows(TradeRowSchema, await this.db.tables.backtests.trades(id), 'backtest_trades of a run (BacktestsTables.trades)');
    const report: BacktestReport = { ...stored, notes: storedNotes(stored.notes) };
    return { report, curves, trades: trades.map((t) => reportTrade(t)) };
  }

  private async finish(id: string, status: 'failed' | 'cancelled', error: string): Promise<void> {
    await this.db.exec(`UPDATE backtest_runs SET status = $2, finished_at = clock_timestamp(), error = $3 WHERE id = $1 AND status IN ('queued', 'running')`, [
      id,
      status,
      error.slice(0, 2000),
    ]);
  }
}

/**
 * A `backtest_trades` row as {@link BacktestStore.loadOutcome} reads it: the
 * repository types strategy and exit reason as text, this checks them.
 */
const TradeRowSchema = z.object({
  symbol: pgText,
  strategy: z.enum(STRATEGY_IDS),
  signalDate: pgText,
  entryDate: pgText,
  entryPrice: pgInt,
  exitDate: pgText,
  exitPrice: pgInt,
  qty: pgInt,
  pnl: pgInt,
  pnlPct: pgInt,
  barsHeld: pgInt,
  exitReason: z.enum(EXIT_REASONS),
  commission: pgInt,
});

/** Parses one value with `schema`, as {@link parseRows} parses rows. */
function parseOne<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const [out] = parseRows(schema, [value], what);
  if (out === undefined) throw new Error(`parseOne: ${what} gave no row`);
  return out;
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
