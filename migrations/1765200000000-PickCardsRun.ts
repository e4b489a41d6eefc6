import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The scan run that claimed a pick's card for a chat. A retried `scan.finish`
 * (a publish after the claim threw) finds its own claims again and posts the
 * same cards, instead of calling them all "already shown" and posting none.
 * Older rows have no run: no retry of theirs can still be pending.
 */
export class PickCardsRun1765200000000 implements MigrationInterface {
  name = 'PickCardsRun1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pick_cards ADD COLUMN run_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pick_cards DROP COLUMN run_id`);
  }
}
