/**
 * Issue 12, item 6: the app runs as a restricted role that can append to the
 * audit log and read it, but never rewrite, delete or truncate it; the
 * migrations run as a separate, owning role (MIGRATION_DATABASE_URL).
 *
 * Roles are cluster-wide, so this file makes its own uniquely named role
 * (granted through the same function the migration and
 * deploy/postgres/init-roles.sql use) and drops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { adminQuery, createTestDatabase, PG_SERVER } from '../../../helpers/pg.js';
import { cliCommand } from '../../../helpers/cli.js';
import { runAuditCli } from './support.js';

const role = `cs_app_${inject('runPid')}_${randomBytes(3).toString('hex')}`;
const migratedName = `cs_test_${inject('runPid')}_role${randomBytes(3).toString('hex')}`;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let owner: DataSource;
let app: DataSource;

/** The same server and database, logged in as `user` (the test server trusts local connections). */
function urlAs(user: string, dbName: string): string {
  const u = new URL(PG_SERVER);
  u.username = user;
  u.password = '';
  u.pathname = `/${dbName}`;
  return u.toString();
}

beforeAll(async () => {
  await adminQuery(`CREATE ROLE ${role} LOGIN`);
  db = await createTestDatabase();
  owner = createDataSource(db.url, { poolSize: 2 });
  await owner.initialize();
  await owner.query('SELECT courtside_grant_app_role($1)', [role]);
  app = createDataSource(urlAs(role, db.name), { poolSize: 3 });
  await app.initialize();
});
afterAll(async () => {
  await app?.destroy();
  await owner?.destroy();
  await db?.drop();
  await adminQuery(`DROP DATABASE IF EXISTS ${migratedName} WITH (FORCE)`);
  await adminQuery(`DROP ROLE IF EXISTS ${role}`);
});

describe('the restricted app role', () => {
  it('appends to the audit log (the anchor moves with it) and verifies it', async () => {
    const log = new AuditLog(new TypeOrmUnitOfWork(app));
    expect(await log.append({ action: 'test.role', actor: 'app', i: 1 })).toBe(1);
    expect(await log.append({ action: 'test.role', actor: 'app', i: 2 })).toBe(2);
    expect(await app.query('SELECT seq::int AS seq FROM audit_anchor')).toEqual([{ seq: 2 }]);
    expect(await log.verify()).toMatchObject({ ok: true, rows: 2 });
  });

  it('cannot UPDATE, DELETE or TRUNCATE audit_log, even with the maintenance switch on', async () => {
    await expect(app.query(`UPDATE audit_log SET payload = '{}' WHERE seq = 1`)).rejects.toThrow(/permission denied/);
    await expect(app.query(`DELETE FROM audit_log WHERE seq = 2`)).rejects.toThrow(/permission denied/);
    await expect(app.query(`TRUNCATE audit_log`)).rejects.toThrow(/permission denied/);
    await expect(
      app.transaction(async (m) => {
        await m.query(`SELECT set_config('courtside.audit_maintenance', 'on', true)`);
        await m.query(`DELETE FROM audit_log WHERE seq = 2`);
      }),
    ).rejects.toThrow(/permission denied/);
    expect(await app.query('SELECT count(*)::int AS n FROM audit_log')).toEqual([{ n: 2 }]);
  });

  it('cannot write audit_anchor directly', async () => {
    await expect(app.query(`UPDATE audit_anchor SET seq = seq + 10`)).rejects.toThrow(/permission denied/);
    await expect(app.query(`DELETE FROM audit_anchor`)).rejects.toThrow(/permission denied/);
    await expect(app.query(`TRUNCATE audit_anchor`)).rejects.toThrow(/permission denied/);
    await expect(app.query(`INSERT INTO audit_anchor (id, seq, hash) VALUES (2, 0, repeat('0', 64))`)).rejects.toThrow(/permission denied/);
  });

  it('still does everything else the app does (reads and writes its other tables)', async () => {
    await app.query(`INSERT INTO user_settings (user_id, settings) VALUES (7, '{"a":1}')`);
    await app.query(`UPDATE user_settings SET settings = '{"a":2}' WHERE user_id = 7`);
    expect(await app.query(`SELECT settings FROM user_settings WHERE user_id = 7`)).toEqual([{ settings: { a: 2 } }]);
    await app.query(`DELETE FROM user_settings WHERE user_id = 7`);
    await app.query(`UPDATE kill_switch SET reason = 'role test' WHERE id = 1`);
  });
});

describe('the AuditAnchor migration', () => {
  it('grants courtside_app exactly this when that role exists, and seeds the anchor from the rows already there', async () => {
    const qr = owner.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    try {
      // Roles are created transactionally: rolled back below, nothing leaks into the cluster.
      const exists = ((await qr.query(`SELECT 1 FROM pg_roles WHERE rolname = 'courtside_app'`)) as unknown[]).length > 0;
      if (!exists) await qr.query('CREATE ROLE courtside_app');
      const { AuditAnchor1764700000000 } = await import('../../../../migrations/1764700000000-AuditAnchor.js');
      const migration = new AuditAnchor1764700000000();
      await migration.down(qr);
      await migration.up(qr);
      const priv = async (table: string, what: string) =>
        ((await qr.query(`SELECT has_table_privilege('courtside_app', $1, $2) AS ok`, [table, what])) as { ok: boolean }[])[0]!.ok;
      expect(await priv('audit_log', 'INSERT')).toBe(true);
      expect(await priv('audit_log', 'SELECT')).toBe(true);
      for (const what of ['UPDATE', 'DELETE', 'TRUNCATE']) {
        expect(await priv('audit_log', what)).toBe(false);
        expect(await priv('audit_anchor', what)).toBe(false);
      }
      expect(await priv('orders', 'UPDATE')).toBe(true);
      const last = (await qr.query('SELECT seq::int AS seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')) as { seq: number; hash: string }[];
      expect(await qr.query('SELECT seq::int AS seq, hash FROM audit_anchor')).toEqual(last);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  });
});

describe('deploy/postgres/init-roles.sql', () => {
  it('creates courtside_app (login) and, on a migrated database, grants it append-only audit rights', async () => {
    const script = readFileSync(new URL('../../../../deploy/postgres/init-roles.sql', import.meta.url), 'utf8');
    const qr = owner.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    try {
      // Rolled back below: the cluster-wide role never outlives the test.
      await qr.query(script);
      await qr.query(script); // idempotent
      expect(await qr.query(`SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'courtside_app'`)).toEqual([
        { rolcanlogin: true, rolsuper: false, rolcreaterole: false, rolcreatedb: false },
      ]);
      const priv = async (table: string, what: string) =>
        ((await qr.query(`SELECT has_table_privilege('courtside_app', $1, $2) AS ok`, [table, what])) as { ok: boolean }[])[0]!.ok;
      expect(await priv('audit_log', 'INSERT')).toBe(true);
      expect(await priv('audit_log', 'DELETE')).toBe(false);
      expect(await priv('audit_log', 'TRUNCATE')).toBe(false);
      expect(await priv('audit_anchor', 'UPDATE')).toBe(false);
      expect(await priv('positions', 'UPDATE')).toBe(true);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  });
});

describe('MIGRATION_DATABASE_URL', () => {
  it('`courtside migrate` creates and migrates the database as the migration role; the app role then runs audit verify', async () => {
    const env = { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: urlAs(role, migratedName), MIGRATION_DATABASE_URL: urlAs('postgres', migratedName) };
    const migrated = await new Promise<{ code: number; out: string }>((resolve) => {
      const child = spawn(...cliCommand('migrate'), { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => resolve({ code: code ?? -1, out }));
    });
    expect(migrated.code, migrated.out).toBe(0);
    expect(migrated.out).toMatch(/AuditAnchor1764700000000/);
    // The tables belong to the migration role, not to the app role.
    const c = new pg.Client({ connectionString: urlAs('postgres', migratedName) });
    await c.connect();
    try {
      expect((await c.query(`SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log'`)).rows).toEqual([{ tableowner: 'postgres' }]);
      await c.query('SELECT courtside_grant_app_role($1)', [role]);
    } finally {
      await c.end();
    }
    const verified = await runAuditCli(urlAs(role, migratedName));
    expect(verified.code, verified.out).toBe(0);
    expect(verified.out).toMatch(/^OK: 0 rows/);

    // What every app process does at start-up with no MIGRATION_DATABASE_URL: migrate as itself — nothing is pending, so nothing to refuse.
    const again = await new Promise<{ code: number; out: string }>((resolve) => {
      const base = { ...process.env };
      delete base.MIGRATION_DATABASE_URL;
      const child = spawn(...cliCommand('migrate'), { env: { ...base, LOG_LEVEL: 'silent', DATABASE_URL: urlAs(role, migratedName) }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => resolve({ code: code ?? -1, out }));
    });
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/schema is up to date/);
  }, 90_000);
});
