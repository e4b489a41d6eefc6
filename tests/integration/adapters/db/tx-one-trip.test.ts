import { beforeEach, describe, expect, it } from 'vitest';
import { txOneTrip } from '../../../../src/adapters/db/sql.js';
import { dataSourcePerTest } from '../../../helpers/pg.js';

/**
 * txOneTrip's error paths: whatever fails — the opening, the body, the closing — the transaction is
 * rolled back and the pooled connection (pool of ONE, so the very same session is reused) comes back
 * outside any transaction, holding no transaction-scoped lock.
 */
const { ds } = dataSourcePerTest({ poolSize: 1, setup: async (fresh) => void (await fresh.query(`CREATE TABLE t (n int PRIMARY KEY)`)) });

async function clean(): Promise<void> {
  // In a transaction now() is the transaction's start; outside one it is this statement's.
  const [r] = (await ds().query(`SELECT now() = statement_timestamp() AS outside, (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) AS locks`)) as { outside: boolean; locks: number }[];
  expect(r).toEqual({ outside: true, locks: 0 });
  expect(((await ds().query(`SELECT count(*)::int AS n FROM t`)) as { n: number }[])[0]!.n).toBe(1);
}

describe('txOneTrip error paths', () => {
  beforeEach(async () => {
    await ds().query(`INSERT INTO t VALUES (1)`);
  });

  it('the opening fails after BEGIN', async () => {
    await expect(txOneTrip(ds(), `SELECT pg_advisory_xact_lock(7); INSERT INTO t VALUES (2); SELECT 1/0`, async () => ({ value: 1 }))).rejects.toThrow(/division by zero/);
    await clean();
  });

  it('the body throws', async () => {
    await expect(
      txOneTrip(ds(), `SELECT pg_advisory_xact_lock(7)`, async (client) => {
        await client.query(`INSERT INTO t VALUES (2)`);
        throw new Error('body');
      }),
    ).rejects.toThrow('body');
    await clean();
  });

  it('the closing fails (its COMMIT never runs)', async () => {
    await expect(txOneTrip(ds(), `SELECT pg_advisory_xact_lock(7); INSERT INTO t VALUES (2)`, async () => ({ value: 1, closing: `INSERT INTO t VALUES (1)` }))).rejects.toThrow(/duplicate key/);
    await clean();
  });

  it('commits opening, body and closing together', async () => {
    expect(await txOneTrip(ds(), `INSERT INTO t VALUES (2)`, async (client) => {
      await client.query(`INSERT INTO t VALUES (3)`);
      return { value: 'ok', closing: `INSERT INTO t VALUES (4)` };
    })).toBe('ok');
    expect(((await ds().query(`SELECT array_agg(n ORDER BY n) AS a FROM t`)) as { a: number[] }[])[0]!.a).toEqual([1, 2, 3, 4]);
  });
});
