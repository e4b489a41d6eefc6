import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cancel-all a /kill owes (issue 12, item 1).
 *
 * Engaging the kill switch writes a row here in the same transaction as the
 * `kill_switch` update, so the broker-side cancel-all never depends on a chat
 * reply or a queued job being delivered. Workers perform every owed cancel-all
 * (at start-up, on each reconciliation, when Redis returns, and on a short
 * poll) and delete the row only once the proof — open orders now 0 at each
 * broker — is in the audit log and the admin notice is on the outbox.
 */
export class CancelOwed1764800000000 implements MigrationInterface {
  name = 'CancelOwed1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cancel_owed (
        epoch        bigint PRIMARY KEY,
        since        timestamptz NOT NULL DEFAULT now(),
        requested_by text,
        chat_id      bigint,
        reason       text,
        attempts     integer NOT NULL DEFAULT 0,
        last_attempt_at timestamptz,
        last_error   text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cancel_owed`);
  }
}
