import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backtest runs and their trades.
 *
 * A run is identified for reuse by `request_hash` (SHA-256 of the canonical,
 * normalised request) plus `data_fingerprint` (hash of the input bars): at most
 * one finished run exists per pair, so identical requests on identical data
 * share one stored result. `report` is a `json` (not `jsonb`) column on purpose:
 * it keeps the exact text, so a stored report prints byte-for-byte like a fresh
 * one; `metrics` is `jsonb` for querying. Trades live in a child table.
 */
export class Backtests1764100000000 implements MigrationInterface {
  name = 'Backtests1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE backtest_runs (
        id               uuid PRIMARY KEY,
        request_hash     text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
        request          jsonb NOT NULL,
        data_fingerprint text CHECK (data_fingerprint ~ '^[0-9a-f]{64}$'),
        data_source      text,
        demo             boolean,
        status           text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        metrics          jsonb,
        report           json,
        curves           json,
        trade_count      integer CHECK (trade_count >= 0),
        error            text,
        requested_by     text NOT NULL CHECK (length(requested_by) BETWEEN 1 AND 100),
        job_id           text,
        created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
        started_at       timestamptz,
        finished_at      timestamptz,
        CONSTRAINT backtest_runs_done_complete CHECK (
          status <> 'done' OR (report IS NOT NULL AND metrics IS NOT NULL AND data_fingerprint IS NOT NULL
                               AND trade_count IS NOT NULL AND finished_at IS NOT NULL)),
        CONSTRAINT backtest_runs_finished_when_final CHECK (
          (status IN ('done', 'failed', 'cancelled')) = (finished_at IS NOT NULL))
      )`);
    // One finished run per request and data: the reuse key.
    await q.query(`CREATE UNIQUE INDEX backtest_runs_done_key ON backtest_runs (request_hash, data_fingerprint) WHERE status = 'done'`);
    await q.query(`CREATE INDEX backtest_runs_created_idx ON backtest_runs (created_at DESC)`);
    await q.query(`CREATE INDEX backtest_runs_job_idx ON backtest_runs (job_id) WHERE job_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE backtest_trades (
        run_id      uuid NOT NULL REFERENCES backtest_runs (id) ON DELETE CASCADE,
        seq         integer NOT NULL CHECK (seq >= 0),
        symbol      text NOT NULL,
        strategy    text NOT NULL,
        signal_date date NOT NULL,
        entry_date  date NOT NULL,
        entry_price float8 NOT NULL,
        exit_date   date NOT NULL,
        exit_price  float8 NOT NULL,
        qty         float8 NOT NULL,
        pnl         float8 NOT NULL,
        pnl_pct     float8 NOT NULL,
        bars_held   integer NOT NULL,
        exit_reason text NOT NULL,
        commission  float8 NOT NULL,
        PRIMARY KEY (run_id, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE backtest_trades');
    await q.query('DROP TABLE backtest_runs');
  }
}
