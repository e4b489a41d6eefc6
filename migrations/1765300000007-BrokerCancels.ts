import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The orders Courtside cancelled at the broker, and why (issue 19, item 4):
 * /kill's cancel-all (each id from the broker's own 207 answer, with the kill
 * epoch), an entry the broker queued outside the session, a DAY order left
 * unfilled too long. The booking of a cancelled order reads it to say who
 * ended it ("cancelled by /kill"), never "the price moved away"; the kill
 * proof counts distinct ids, so an order the broker lists twice (still
 * `pending_cancel`) is counted once.
 */
export class BrokerCancels1765300000007 implements MigrationInterface {
  name = 'BrokerCancels1765300000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE broker_cancels (
      broker_order_id text PRIMARY KEY,
      broker text NOT NULL,
      cause text NOT NULL CHECK (cause IN ('kill', 'outside_session', 'day_timeout')),
      epoch bigint,
      at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX broker_cancels_epoch ON broker_cancels (epoch) WHERE epoch IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE broker_cancels`);
  }
}
