import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an owed cancel-all has cancelled so far, per broker (issue 19, item 4).
 *
 * A cancel-all whose look afterwards failed (a 429 on the verify read) is run
 * again; the second DELETE finds nothing left and answers `207 []`. Counted
 * only in memory, the proof then said "0 cancelled" when the first run had
 * cancelled 2. Each run now adds the broker's own count here before it looks
 * again, and the proof shows the sum.
 */
export class CancelOwedCounts1765300000004 implements MigrationInterface {
  name = 'CancelOwedCounts1765300000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cancel_owed ADD COLUMN cancelled jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cancel_owed DROP COLUMN cancelled`);
  }
}
