import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where a mark's price came from, so /positions, /pnl and the digests can say
 * it: `close` (a daily bar close, dated by the mark's `last_price_at` /
 * `price_at`) or `broker:<name>` (the broker's current price, e.g.
 * `broker:alpaca-paper`, taken at that instant). Existing rows keep NULL:
 * "recorded before sources were kept" — calling them closes would be a guess.
 * `position_marks.price_at` is the instant the price belongs to (a close's
 * session close, a broker price's time taken); NULL on existing rows too.
 */
export class MarkSource1765300000008 implements MigrationInterface {
  name = 'MarkSource1765300000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE positions ADD COLUMN last_price_source text`);
    await q.query(`ALTER TABLE position_marks ADD COLUMN price_source text, ADD COLUMN price_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE position_marks DROP COLUMN price_at, DROP COLUMN price_source`);
    await q.query(`ALTER TABLE positions DROP COLUMN last_price_source`);
  }
}
