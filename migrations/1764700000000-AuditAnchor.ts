import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A truncated or cut audit log is detected (issue 12, item 6).
 *
 * - `TRUNCATE audit_log` is refused: the row trigger of Foundation never saw
 *   a TRUNCATE, so a whole log could vanish and verify said "OK: 0 rows".
 * - `audit_anchor` holds the chain's head (seq, hash) in one guarded row,
 *   moved by a statement-level trigger in the same transaction as every
 *   append. It only moves forward and refuses INSERT, DELETE and TRUNCATE, so
 *   rows deleted from the tail (even with audit_log's triggers disabled)
 *   leave an anchor past the chain's end, which `courtside audit verify`
 *   reports. The trigger also refuses rows that do not continue the anchored
 *   chain, so a writer cannot paper over a gap by re-using its seqs.
 * - `courtside_grant_app_role(role)`: what the restricted app role may do
 *   (everything the app needs, but only SELECT/INSERT on audit_log and SELECT
 *   on audit_anchor). Applied here to `courtside_app` when that role exists
 *   (deploy/postgres/init-roles.sql creates it); local mode, one role for
 *   everything, is left as it was.
 */
export class AuditAnchor1764700000000 implements MigrationInterface {
  name = 'AuditAnchor1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME;
      END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()`);

    await q.query(`
      CREATE TABLE audit_anchor (
        id         smallint PRIMARY KEY CHECK (id = 1),
        seq        bigint NOT NULL CHECK (seq >= 0),
        hash       char(64) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Seeded from the rows already there (seq 0 and the genesis hash when there are none).
    await q.query(`
      INSERT INTO audit_anchor (id, seq, hash)
      SELECT 1, COALESCE(MAX(seq), 0), COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), repeat('0', 64)) FROM audit_log`);
    await q.query(`
      CREATE FUNCTION audit_anchor_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND (NEW.seq > OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_anchor only moves forward: % refused', TG_OP;
      END $$`);
    await q.query(`CREATE TRIGGER audit_anchor_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_anchor FOR EACH ROW EXECUTE FUNCTION audit_anchor_forward_only()`);
    await q.query(`CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()`);

    // SECURITY DEFINER: the app role appends to audit_log but has no UPDATE on audit_anchor;
    // the search path is pinned to the migration's so no one can shadow the tables.
    await q.query(`
      CREATE FUNCTION audit_anchor_advance() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
      DECLARE
        a record;
        linked boolean;
        last record;
      BEGIN
        -- FOR UPDATE: a second writer waits here and then sees the first one's anchor.
        SELECT seq, hash INTO a FROM audit_anchor WHERE id = 1 FOR UPDATE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'audit_anchor has no row: the audit log cannot be extended (run courtside audit verify)';
        END IF;
        SELECT bool_and(ok) INTO linked FROM (
          SELECT seq = a.seq + row_number() OVER w AND prev_hash = COALESCE(lag(hash) OVER w, a.hash) AS ok
            FROM appended WINDOW w AS (ORDER BY seq)
        ) rows;
        IF linked IS NOT TRUE THEN
          RAISE EXCEPTION 'audit_log rows must continue the chain from the anchor (seq %, hash %…)', a.seq, left(a.hash, 12);
        END IF;
        SELECT seq, hash INTO last FROM appended ORDER BY seq DESC LIMIT 1;
        UPDATE audit_anchor SET seq = last.seq, hash = last.hash, updated_at = now() WHERE id = 1;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_anchor AFTER INSERT ON audit_log
      REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION audit_anchor_advance()`);

    await q.query(`
      CREATE FUNCTION courtside_grant_app_role(app name) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        s text := current_schema();
      BEGIN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s, app);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', s, app);
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', s, app);
        -- Tables later migrations create (as the role running them, i.e. this one) are the app's too.
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', s, app);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I', s, app);
        -- The audit trail: append and read, nothing else. The schema's history: read only.
        EXECUTE format('REVOKE ALL ON audit_log, audit_anchor, typeorm_migrations FROM %I', app);
        EXECUTE format('GRANT SELECT, INSERT ON audit_log TO %I', app);
        EXECUTE format('GRANT SELECT ON audit_anchor, typeorm_migrations TO %I', app);
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION courtside_grant_app_role(name) FROM PUBLIC`);
    await q.query(`SELECT courtside_grant_app_role('courtside_app') WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'courtside_app')`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Privileges granted to courtside_app stay: revoking them could lock a running app out.
    await q.query(`DROP FUNCTION courtside_grant_app_role(name)`);
    await q.query(`DROP TRIGGER audit_log_anchor ON audit_log`);
    await q.query(`DROP FUNCTION audit_anchor_advance()`);
    await q.query(`DROP TABLE audit_anchor`);
    await q.query(`DROP FUNCTION audit_anchor_forward_only()`);
    await q.query(`DROP TRIGGER audit_log_no_truncate ON audit_log`);
    await q.query(`DROP FUNCTION audit_refuse_truncate()`);
  }
}
