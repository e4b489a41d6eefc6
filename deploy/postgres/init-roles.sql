-- The restricted role Courtside's processes run as (issue 12, item 6).
--
-- courtside_app may do everything the app does, except change the audit trail:
-- on audit_log it has SELECT and INSERT only (no UPDATE, DELETE or TRUNCATE),
-- on audit_anchor SELECT only; it owns nothing and cannot change the schema.
-- Migrations run as the owning role (MIGRATION_DATABASE_URL), which is also
-- the role that runs this script.
--
-- docker-compose.yml mounts this file in /docker-entrypoint-initdb.d, so the
-- postgres container runs it once, when it initialises an empty data
-- directory (as POSTGRES_USER, in POSTGRES_DB). The tables do not exist yet
-- then; the AuditAnchor migration grants them to courtside_app when it runs.
-- On a database that is already migrated, run it by hand as the owner:
--   psql "$MIGRATION_DATABASE_URL" -f deploy/postgres/init-roles.sql
-- and it grants at once. Running it again changes nothing.
--
-- The password matches docker-compose.yml's DATABASE_URL. For anything beyond
-- a try-out set your own: ALTER ROLE courtside_app PASSWORD '…'; and put it in
-- DATABASE_URL.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'courtside_app') THEN
    CREATE ROLE courtside_app LOGIN PASSWORD 'courtside_app';
  END IF;
  IF to_regprocedure('courtside_grant_app_role(name)') IS NOT NULL THEN
    PERFORM courtside_grant_app_role('courtside_app');
  END IF;
END $$;
