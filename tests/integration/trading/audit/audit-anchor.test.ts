/**
 * Issue 12, item 6: a truncated or cut audit log is detected.
 *
 * The attacks run as the Postgres superuser (triggers disabled, replica
 * mode): the database cannot stop its own superuser, but the anchor row it
 * leaves behind must make `courtside audit verify` (the compiled CLI) fail
 * and name what is missing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { createTestDatabase } from '../../../helpers/pg.js';
import { asSuperuser, runAuditCli } from './support.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let log: AuditLog;

beforeEach(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 3 });
  await ds.initialize();
  log = new AuditLog(new TypeOrmUnitOfWork(ds));
});
afterEach(async () => {
  await ds.destroy();
  await db.drop();
});

async function appendMany(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await log.append({ action: 'test.anchor', actor: 'test', i });
}

const count = async (): Promise<number> => ((await ds.query('SELECT count(*)::int AS n FROM audit_log')) as { n: number }[])[0]!.n;
const anchor = async (): Promise<{ seq: number; hash: string } | undefined> =>
  ((await ds.query('SELECT seq::int AS seq, hash FROM audit_anchor')) as { seq: number; hash: string }[])[0];

describe('audit_log refuses TRUNCATE', () => {
  it('TRUNCATE audit_log is refused and the rows stay', async () => {
    await appendMany(3);
    await expect(ds.query('TRUNCATE audit_log')).rejects.toThrow(/audit_log.*TRUNCATE|TRUNCATE.*audit_log/i);
    expect(await count()).toBe(3);
    expect((await runAuditCli(db.url)).code).toBe(0);
  });
});

describe('the anchor row', () => {
  it('follows every append, in the same transaction, and only moves forward', async () => {
    expect(await anchor()).toEqual({ seq: 0, hash: '0'.repeat(64) });
    await appendMany(4);
    const last = ((await ds.query('SELECT hash FROM audit_log WHERE seq = 4')) as { hash: string }[])[0]!.hash;
    expect(await anchor()).toEqual({ seq: 4, hash: last });
    await expect(ds.query('UPDATE audit_anchor SET seq = 2')).rejects.toThrow(/audit_anchor/);
    await expect(ds.query(`UPDATE audit_anchor SET hash = repeat('a', 64)`)).rejects.toThrow(/audit_anchor/);
    await expect(ds.query('DELETE FROM audit_anchor')).rejects.toThrow(/audit_anchor/);
    await expect(ds.query('TRUNCATE audit_anchor')).rejects.toThrow(/audit_anchor/);
    await expect(ds.query(`INSERT INTO audit_anchor (id, seq, hash) VALUES (1, 99, repeat('b', 64))`)).rejects.toThrow();
    expect(await anchor()).toEqual({ seq: 4, hash: last });
  });

  it('refuses a row that does not continue the anchored chain (a writer that skipped the chain lock)', async () => {
    await appendMany(2);
    await expect(ds.query(`INSERT INTO audit_log (seq, prev_hash, hash, payload) VALUES (7, repeat('0', 64), repeat('c', 64), '{}')`)).rejects.toThrow(/anchor/);
    expect(await count()).toBe(2);
  });
});

describe('courtside audit verify against a cut log', () => {
  it('names the missing range when the last 3 rows were deleted with triggers disabled (exit 1)', async () => {
    await appendMany(44);
    const ok = await runAuditCli(db.url);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/^OK: 44 rows/);
    await asSuperuser(db.url, [
      'ALTER TABLE audit_log DISABLE TRIGGER ALL',
      'DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 3 FROM audit_log)',
      'ALTER TABLE audit_log ENABLE TRIGGER ALL',
    ]);
    expect(await count()).toBe(41);
    const bad = await runAuditCli(db.url);
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toContain('audit_log ends at seq 41 but the anchor says 44: rows 42–44 are missing');
  });

  it('still reports the cut after the app appended more rows (the chain continues from the anchor, the gap stays)', async () => {
    await appendMany(10);
    await asSuperuser(db.url, ['ALTER TABLE audit_log DISABLE TRIGGER ALL', 'DELETE FROM audit_log WHERE seq > 7', 'ALTER TABLE audit_log ENABLE TRIGGER ALL']);
    // Appends keep working: the next row is 11, linked to the anchored (deleted) row 10, so rows 8–10 can never be papered over.
    expect(await log.append({ action: 'test.after-cut', actor: 'test' })).toBe(11);
    const v = await log.verify();
    expect(v).toMatchObject({ ok: false, brokenAt: 11, issue: { code: 'rows_missing', from: 8, to: 10 } });
    const bad = await runAuditCli(db.url);
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toMatch(/rows 8–10 are missing/);
  });

  it('reports a table truncated in replica mode (triggers off) as every anchored row missing (exit 1)', async () => {
    await appendMany(5);
    await asSuperuser(db.url, ['SET session_replication_role = replica', 'TRUNCATE audit_log', 'SET session_replication_role = origin']);
    expect(await count()).toBe(0);
    const bad = await runAuditCli(db.url);
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).not.toMatch(/^OK/m);
    expect(bad.out).toMatch(/anchor says 5: rows 1–5 are missing/);
  });

  it('reports a deleted anchor row (exit 1) rather than trusting the bare chain', async () => {
    await appendMany(3);
    await asSuperuser(db.url, ['SET session_replication_role = replica', 'DELETE FROM audit_anchor', 'SET session_replication_role = origin']);
    const bad = await runAuditCli(db.url);
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toMatch(/anchor/);
    // And nothing can be appended past a missing anchor: the log fails loudly instead of starting over.
    await expect(log.append({ action: 'test.no-anchor', actor: 'test' })).rejects.toThrow(/audit_anchor/);
  });

  it('reports rows written past the anchor with triggers disabled (exit 1)', async () => {
    await appendMany(3);
    // A forged but well-linked row 4, inserted without the anchor moving.
    const head = ((await ds.query('SELECT hash FROM audit_log WHERE seq = 3')) as { hash: string }[])[0]!.hash;
    const { chainHash } = await import('../../../../src/trading/audit/chain.js');
    const payload = { action: 'test.forged', actor: 'mallory' };
    await asSuperuser(db.url, [
      'SET session_replication_role = replica',
      `INSERT INTO audit_log (seq, prev_hash, hash, payload) VALUES (4, '${head}', '${chainHash(head, payload)}', '${JSON.stringify(payload)}')`,
    ]);
    const bad = await runAuditCli(db.url);
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toMatch(/row 4 .*anchor|anchor.*row 4/);
  });
});
