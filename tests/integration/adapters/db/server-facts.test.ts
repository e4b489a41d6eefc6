import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { pendingMigrations, serverNow, serverVersion, tableExists } from '../../../../src/adapters/db/server-facts.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { MIGRATIONS } from '../../../../migrations/index.js';
import { adminQuery, dataSourcePerTest, PG_SERVER } from '../../../helpers/pg.js';

/**
 * The db adapter's small questions (issue 17: no command sends its own SQL) and the one-trip
 * client's session methods (the paper broker's statements under the account lock).
 */
const { ds } = dataSourcePerTest({ poolSize: 2 });

describe('server facts', () => {
  it('tells an existing table from a missing one', async () => {
    expect(await tableExists(ds(), 'positions')).toBe(true);
    expect(await tableExists(ds(), 'no_such_table')).toBe(false);
  });

  it('reads the server version and clock', async () => {
    expect(await serverVersion(ds())).toMatch(/^\d+/);
    const now = await serverNow(ds());
    expect(now).toBeInstanceOf(Date);
    expect(Math.abs(now.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('has no pending migration on a migrated database, every one on an empty database (creating nothing)', async () => {
    expect(await pendingMigrations(ds())).toEqual([]);
    const name = `cs_test_empty_${process.pid}_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const empty = createDataSource(`${PG_SERVER}/${name}`, { poolSize: 1 });
    try {
      await empty.initialize();
      const pending = await pendingMigrations(empty);
      expect(pending).toHaveLength(MIGRATIONS.length);
      expect(pending[0]).toBe('Foundation1763800000000');
      expect(await tableExists(empty, 'typeorm_migrations')).toBe(false);
    } finally {
      await empty.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});

describe('one-trip client sessions', () => {
  it('runs parameterised statements between the opening and the closing: rows and row counts', async () => {
    const uow = new TypeOrmUnitOfWork(ds());
    await ds().query(`CREATE TABLE t (n int PRIMARY KEY)`);
    const got = await uow.oneTrip(`INSERT INTO t VALUES (1), (2)`, async (tx) => {
      const touched = await tx.exec(`UPDATE t SET n = n * $1`, [10]);
      const rows = await tx.rows(`SELECT n FROM t WHERE n > $1 ORDER BY n`, [5]);
      return { value: { touched, rows } };
    });
    expect(got).toEqual({ touched: 2, rows: [{ n: 10 }, { n: 20 }] });
  });
});
