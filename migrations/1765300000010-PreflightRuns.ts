import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Preflight runs (issue 20, item 1): every recorded run — at start-up, by
 * `courtside preflight`, by /preflight — with its level and each check's
 * result. With a live broker the newest run gates new entries: one with a ✗
 * (`level = 'fail'`) blocks them until a later run passes; "newest" is the
 * last recorded (highest `id`: the primary key serves the gate's read) (see
 * src/trading/preflight/gate.ts). `by` says who ran it
 * (`startup:worker:<instance>`, `cli`, `telegram:<user id>`). Results hold
 * what each check saw and its fix, never a secret (the runner scrubs them).
 */
export class PreflightRuns1765300000010 implements MigrationInterface {
  name = 'PreflightRuns1765300000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE preflight_runs (
        id      bigserial PRIMARY KEY,
        at      timestamptz NOT NULL,
        level   text NOT NULL CHECK (level IN ('pass', 'warn', 'fail')),
        results jsonb NOT NULL,
        by      text NOT NULL,
        ms      integer NOT NULL DEFAULT 0
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS preflight_runs`);
  }
}
