import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data gaps against the calendar (issue 21 part 5).
 *
 * - `decisions.kind` gains `skip`: a scan writes one row per (symbol, source) a source did not
 *   evaluate because the symbol's bars miss exchange sessions inside the look-back it needs
 *   (outcome `missing_session`; inputs: the look-back, the missing count, the first and last).
 * - `data_checks`: the counts of each calendar check of a market's universe (`courtside data
 *   check`), so /status can show the last one without re-reading ~2.3M bars; the findings
 *   themselves are in `findings` (capped by the writer), the time it ran in `checked_at`.
 */
export class DataGaps1765300000016 implements MigrationInterface {
  name = 'DataGaps1765300000016';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE decisions DROP CONSTRAINT decisions_kind_check`);
    await q.query(`ALTER TABLE decisions ADD CONSTRAINT decisions_kind_check CHECK (kind IN ('signal', 'card', 'skip'))`);
    await q.query(`
      CREATE TABLE data_checks (
        id               bigserial PRIMARY KEY,
        market           text NOT NULL,
        checked_at       timestamptz NOT NULL,
        last_completed   date NOT NULL,
        symbols          integer NOT NULL CHECK (symbols >= 0),
        symbols_flagged  integer NOT NULL CHECK (symbols_flagged >= 0 AND symbols_flagged <= symbols),
        missing_session  integer NOT NULL CHECK (missing_session >= 0),
        missing_sessions integer NOT NULL CHECK (missing_sessions >= 0),
        stale            integer NOT NULL CHECK (stale >= 0),
        ms               integer NOT NULL CHECK (ms >= 0),
        findings         jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX data_checks_market_at ON data_checks (market, checked_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE data_checks`);
    await q.query(`DELETE FROM decisions WHERE kind = 'skip'`);
    await q.query(`ALTER TABLE decisions DROP CONSTRAINT decisions_kind_check`);
    await q.query(`ALTER TABLE decisions ADD CONSTRAINT decisions_kind_check CHECK (kind IN ('signal', 'card'))`);
  }
}
