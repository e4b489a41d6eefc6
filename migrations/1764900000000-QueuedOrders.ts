import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders queued for the open (issue 13, item 2).
 *
 * Outside the session an IOC cannot fill, so a trader may queue an order for
 * the next open instead: a row here, state QUEUED, never at the broker before
 * the open. At open + 1 minute the open queue (src/trading/queue) sends it
 * through the usual path — re-quoted, kill switch, drift band and gates again,
 * the one order lifecycle — and marks it SENT; a row not sent by open + 30
 * minutes becomes EXPIRED. /cancel, the Cancel button and /kill make it
 * CANCELLED.
 *
 * One table for every kind: an entry (its approval, whose state is `queued`
 * until the open), the sale of one open position (`close`: symbol, strategy,
 * side, qty), and `/kill flatten` (bound to the kill epoch it was confirmed for).
 * `approval_id` and `pick_id` are written in the same statement as the rows they
 * name; they carry no foreign key so the older migrations' down() still drop
 * their tables on their own.
 */
export class QueuedOrders1764900000000 implements MigrationInterface {
  name = 'QueuedOrders1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE queued_orders (
        id              text PRIMARY KEY CHECK (id ~ '^q[0-9a-z]{4,20}$'),
        kind            text NOT NULL CHECK (kind IN ('entry', 'close', 'flatten')),
        state           text NOT NULL DEFAULT 'QUEUED' CHECK (state IN ('QUEUED', 'SENT', 'CANCELLED', 'EXPIRED')),
        session_date    date NOT NULL,
        send_at         timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL CHECK (expires_at > send_at),
        approval_id     uuid UNIQUE,
        pick_id         text,
        symbol          text,
        strategy        text,
        side            text CHECK (side IN ('buy', 'sell')),
        qty             integer CHECK (qty > 0),
        kill_epoch      bigint,
        requested_by    bigint NOT NULL,
        role            text NOT NULL,
        chat_id         bigint NOT NULL,
        card_message_id integer,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL,
        sent_at         timestamptz,
        closed_at       timestamptz,
        closed_by       text,
        CONSTRAINT queued_entry_has_approval CHECK (kind <> 'entry' OR (approval_id IS NOT NULL AND pick_id IS NOT NULL AND side = 'buy')),
        CONSTRAINT queued_close_has_position CHECK (kind <> 'close' OR (symbol IS NOT NULL AND strategy IS NOT NULL AND side = 'sell' AND qty IS NOT NULL)),
        CONSTRAINT queued_flatten_has_epoch CHECK (kind <> 'flatten' OR kill_epoch IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX queued_orders_due_idx ON queued_orders (send_at) WHERE state = 'QUEUED'`);
    // One queued sale per position and one queued flatten per kill epoch: a second request finds the first.
    await q.query(`CREATE UNIQUE INDEX queued_orders_one_close ON queued_orders (symbol, strategy) WHERE kind = 'close' AND state = 'QUEUED'`);
    await q.query(`CREATE UNIQUE INDEX queued_orders_one_flatten ON queued_orders (kill_epoch) WHERE kind = 'flatten' AND state = 'QUEUED'`);
    await q.query(`ALTER TABLE approvals DROP CONSTRAINT approvals_state_check`);
    await q.query(`ALTER TABLE approvals ADD CONSTRAINT approvals_state_check
      CHECK (state IN ('queued', 'approved', 'executing', 'filled', 'partially_filled', 'not_filled', 'refused', 'failed', 'cancelled', 'expired'))`);
    await q.query(`ALTER TABLE picks DROP CONSTRAINT picks_state_check`);
    await q.query(`ALTER TABLE picks ADD CONSTRAINT picks_state_check
      CHECK (state IN ('PENDING', 'QUEUED', 'APPROVED', 'REJECTED', 'EXPIRED', 'EXECUTING', 'EXECUTED', 'FAILED', 'CANCELLED'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE queued_orders`);
    await q.query(`ALTER TABLE picks DROP CONSTRAINT picks_state_check`);
    await q.query(`ALTER TABLE picks ADD CONSTRAINT picks_state_check CHECK (state IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'EXECUTING', 'EXECUTED', 'FAILED'))`);
    await q.query(`ALTER TABLE approvals DROP CONSTRAINT approvals_state_check`);
    await q.query(`ALTER TABLE approvals ADD CONSTRAINT approvals_state_check
      CHECK (state IN ('approved', 'executing', 'filled', 'partially_filled', 'not_filled', 'refused', 'failed'))`);
  }
}
