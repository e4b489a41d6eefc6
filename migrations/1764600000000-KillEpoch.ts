import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The kill epoch and confirmation tokens (issue 12; DESIGN §4.5, §5.2).
 *
 * - `kill_switch.epoch`: a monotonic integer bumped by every engage and every
 *   resume. Postgres and the Redis mirror each hold one; the store with the
 *   higher epoch wins and a reader repairs the other, so a kill engaged while
 *   Postgres was down is not lost when Postgres comes back "off".
 * - `confirmations`: the one mechanism every confirm button uses. A token is
 *   bound to (action, subject, version — for the kill switch, the epoch),
 *   expires, and is spent once (`used_at`, set by a conditional UPDATE, so
 *   concurrent presses have one winner). A cancelled token is spent too.
 */
export class KillEpoch1764600000000 implements MigrationInterface {
  name = 'KillEpoch1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE kill_switch ADD COLUMN epoch bigint NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE TABLE confirmations (
        id         text PRIMARY KEY,
        action     text NOT NULL,
        subject    text NOT NULL,
        version    bigint NOT NULL,
        issued_by  text,
        issued_at  timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at    timestamptz,
        used_by    text,
        outcome    text CHECK (outcome IN ('redeemed', 'cancelled')),
        CHECK ((used_at IS NULL) = (outcome IS NULL))
      )`);
    await q.query(`CREATE INDEX confirmations_expires_at ON confirmations (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE confirmations`);
    await q.query(`ALTER TABLE kill_switch DROP COLUMN epoch`);
  }
}
