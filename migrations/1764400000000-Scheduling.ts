import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduler bookkeeping and admin alerts.
 *
 * - `scheduled_runs`: one row per (slot, session date), keyed by the same
 *   string as the BullMQ jobId (`sched-<slot>-<YYYY-MM-DD>`). A scheduler
 *   replica claims the row before enqueueing, so several replicas or a
 *   restart never enqueue a slot twice; the dead-man reads it to tell a slot
 *   that did not run.
 * - `alerts`: one row per alert key. While `open`, raising the same key again
 *   only bumps `count`/`last_at`; admins are told once (`notified_at`) and told
 *   again once when it is resolved (`recovered_notified_at`). The digest reads
 *   it for "anything that failed today".
 */
export class Scheduling1764400000000 implements MigrationInterface {
  name = 'Scheduling1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scheduled_runs (
        slot_key     text PRIMARY KEY,
        slot         text NOT NULL,
        session_date date NOT NULL,
        due_at       timestamptz NOT NULL,
        enqueued_at  timestamptz,
        enqueued_by  text,
        caught_up    boolean NOT NULL DEFAULT false,
        claimed_at   timestamptz,
        attempts     integer NOT NULL DEFAULT 1,
        last_error   text,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX scheduled_runs_slot_idx ON scheduled_runs (slot, session_date DESC)`);
    await q.query(`CREATE INDEX scheduled_runs_due_idx ON scheduled_runs (due_at)`);
    await q.query(`
      CREATE TABLE alerts (
        key                   text PRIMARY KEY,
        kind                  text NOT NULL,
        severity              text NOT NULL,
        message               text NOT NULL,
        state                 text NOT NULL CHECK (state IN ('open', 'resolved')),
        first_at              timestamptz NOT NULL,
        last_at               timestamptz NOT NULL,
        resolved_at           timestamptz,
        count                 integer NOT NULL DEFAULT 1,
        notified_at           timestamptz,
        recovered_notified_at timestamptz,
        resolve_message       text
      )`);
    await q.query(`CREATE INDEX alerts_state_idx ON alerts (state, last_at DESC)`);
    await q.query(`CREATE INDEX alerts_last_at_idx ON alerts (last_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE alerts');
    await q.query('DROP TABLE scheduled_runs');
  }
}
