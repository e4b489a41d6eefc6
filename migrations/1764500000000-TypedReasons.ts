import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored reasons become codes and figures, so every face (chat, CLI, the
 * dashboard to come) words them itself and a release can reword them
 * without rewriting history.
 *
 * - `alerts.detail` / `alerts.resolve_detail`: what the raiser and the
 *   resolver found, as `{ code, ...figures }` (see src/trading/alerts/details.ts).
 * - `approvals.reason_detail`, `orders.reject_detail`: why an approval or an
 *   order was closed without a fill, as `{ code, ...figures }` (see
 *   src/trading/execution/recorded-reasons.ts).
 *
 * Rows written before this migration keep their English in the old text
 * columns; they are converted to the `recorded` code, which carries that
 * stored text as it was written (faces show it verbatim and say nothing more).
 * New rows leave the old text columns NULL, except the broker's own words
 * (`orders.reject_reason`), which are the broker's data, not ours.
 */
export class TypedReasons1764500000000 implements MigrationInterface {
  name = 'TypedReasons1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts ADD COLUMN detail jsonb, ADD COLUMN resolve_detail jsonb`);
    await q.query(`UPDATE alerts SET detail = jsonb_build_object('code', 'recorded', 'recorded', message)`);
    await q.query(`UPDATE alerts SET resolve_detail = jsonb_build_object('code', 'recorded', 'recorded', resolve_message) WHERE resolve_message IS NOT NULL`);
    await q.query(`ALTER TABLE alerts ALTER COLUMN detail SET NOT NULL, ALTER COLUMN message DROP NOT NULL`);
    await q.query(`ALTER TABLE approvals ADD COLUMN reason_detail jsonb`);
    await q.query(`UPDATE approvals SET reason_detail = jsonb_build_object('code', 'recorded', 'recorded', reason) WHERE reason IS NOT NULL`);
    await q.query(`ALTER TABLE orders ADD COLUMN reject_detail jsonb`);
    await q.query(`UPDATE orders SET reject_detail = jsonb_build_object('code', 'recorded', 'recorded', reject_reason) WHERE reject_reason IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN reject_detail`);
    await q.query(`ALTER TABLE approvals DROP COLUMN reason_detail`);
    await q.query(`UPDATE alerts SET message = COALESCE(message, detail->>'code') WHERE message IS NULL`);
    await q.query(`ALTER TABLE alerts ALTER COLUMN message SET NOT NULL, DROP COLUMN resolve_detail, DROP COLUMN detail`);
  }
}
