import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let original: unknown;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 12 });
  await ds.initialize();
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

describe('audit hash chain on Postgres', () => {
  it('forms one valid chain under concurrent writers from separate pools', async () => {
    const other = createDataSource(db.url, { poolSize: 8 });
    await other.initialize();
    try {
      const a = new AuditLog(new TypeOrmUnitOfWork(ds));
      const b = new AuditLog(new TypeOrmUnitOfWork(other));
      const seqs = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).append({ action: 'test.concurrent', actor: i, n: i })));
      expect(new Set(seqs).size).toBe(200);
      const v = await a.verify();
      expect(v.ok).toBe(true);
      expect(v.rows).toBe(200);
    } finally {
      await other.destroy();
    }
  });

  it('stores hostile text exactly (quotes, backslashes, SQL, control characters, emoji) and the chain still verifies', async () => {
    const log = new AuditLog(new TypeOrmUnitOfWork(ds));
    const nasty = `it's \\ "quoted" '); DROP TABLE audit_log; -- \n\t\u0001 E'\\x41' $$ $tag$ 📈 ü`;
    const seq = await log.append({ action: 'test.literal', actor: "o'brien", text: nasty, nested: { list: [nasty, 1.5, null] } });
    const stored = ((await ds.query('SELECT payload FROM audit_log WHERE seq = $1', [seq])) as { payload: Record<string, unknown> }[])[0]!.payload;
    expect(stored.text).toBe(nasty);
    expect(stored.actor).toBe("o'brien");
    expect(stored.nested).toEqual({ list: [nasty, 1.5, null] });
    expect((await log.verify()).ok).toBe(true);
  });

  it('a batch that fails rolls back whole and leaves the pool usable', async () => {
    const log = new AuditLog(new TypeOrmUnitOfWork(ds));
    const before = ((await ds.query('SELECT count(*)::int AS n FROM audit_log')) as { n: number }[])[0]!.n;
    // A lone surrogate has no UTF-8 form: JSON.stringify keeps it escaped, Postgres' jsonb refuses it.
    await expect(log.append({ action: 'test.bad', actor: 1, text: '\ud800' })).rejects.toThrow();
    expect(((await ds.query('SELECT count(*)::int AS n FROM audit_log')) as { n: number }[])[0]!.n).toBe(before);
    const seq = await log.append({ action: 'test.after', actor: 1 });
    expect(seq).toBe(before + 1);
    expect((await log.verify()).ok).toBe(true);
  });

  it('refuses in-place edits, and detects any edit made around the guard', async () => {
    const log = new AuditLog(new TypeOrmUnitOfWork(ds));
    await log.append({ action: 'test.tamper', actor: 1, amount: 75 });
    await expect(ds.query(`UPDATE audit_log SET payload = jsonb_set(payload, '{amount}', '7500') WHERE seq = 5`)).rejects.toThrow(/append-only/);
    original = ((await ds.query('SELECT payload FROM audit_log WHERE seq = 5')) as { payload: unknown }[])[0]!.payload;
    // An attacker with superuser rights can bypass the trigger; the chain must still tell.
    await ds.transaction(async (m) => {
      await m.query(`SELECT set_config('courtside.audit_maintenance', 'on', true)`);
      await m.query(`UPDATE audit_log SET payload = jsonb_set(payload, '{n}', '999') WHERE seq = 5`);
    });
    const v = await log.verify();
    expect(v).toMatchObject({ ok: false, brokenAt: 5 });
    if (!v.ok) expect(v.problem).toMatch(/edited/);
  });

  it('detects a deleted row', async () => {
    await ds.transaction(async (m) => {
      await m.query(`SELECT set_config('courtside.audit_maintenance', 'on', true)`);
      await m.query(`UPDATE audit_log SET payload = $1 WHERE seq = 5`, [JSON.stringify(original)]);
    });
    expect((await new AuditLog(new TypeOrmUnitOfWork(ds)).verify()).ok).toBe(true);
    await ds.transaction(async (m) => {
      await m.query(`SELECT set_config('courtside.audit_maintenance', 'on', true)`);
      await m.query(`DELETE FROM audit_log WHERE seq = 10`);
    });
    expect(await new AuditLog(new TypeOrmUnitOfWork(ds)).verify()).toMatchObject({ ok: false, brokenAt: 11 });
  });
});
