import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every source behind a pick (issue 14, items 6 and 7): the Kobe strategies
 * and LIVE hypotheses that signalled its symbol on its session, each with
 * its own levels and size and how that size was reached (half-Kelly's p, b,
 * n, f, shrink and the cap that bound). Kept with the pick so its card names
 * them after a restart. Older picks have none ('[]'): their card shows the
 * single strategy as before.
 */
export class PickSources1765300000002 implements MigrationInterface {
  name = 'PickSources1765300000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE picks ADD COLUMN pick_sources jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE picks DROP COLUMN pick_sources`);
  }
}
