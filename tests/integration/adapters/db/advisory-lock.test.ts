import { describe, expect, it } from 'vitest';
import { withAdvisoryLock } from '../../../../src/adapters/db/sql.js';
import { dataSourcePerTest } from '../../../helpers/pg.js';

/**
 * withAdvisoryLock: the lock is really gone and the connection back in the pool once the holder
 * returns, also when fn throws (no session lock left behind), and a caller taking the same key right
 * after the previous holder returned is never told "busy".
 */
const { ds } = dataSourcePerTest({ poolSize: 2 });

const heldLocks = async () =>
  Number(((await ds().query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 4242`)) as { n: number }[])[0]!.n);

describe('withAdvisoryLock release', () => {
  it('leaves no session lock behind, also when fn throws, and the pool stays usable (pool of 2, 100 rounds)', async () => {
    for (let i = 0; i < 50; i++) {
      expect(await withAdvisoryLock(ds(), 4242, 'k', 5_000, async () => i)).toBe(i);
      await expect(withAdvisoryLock(ds(), 4242, 'k', 5_000, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    }
    expect(await heldLocks()).toBe(0);
  });

  it('a caller that takes the same key right after the previous holder returned is not told "busy" (waitMs 0)', async () => {
    let busy = 0;
    for (let i = 0; i < 500; i++) {
      await withAdvisoryLock(ds(), 4242, 'k', 0, async () => undefined);
      if ((await withAdvisoryLock(ds(), 4242, 'k', 0, async () => undefined)) === 'busy') busy++;
    }
    expect(busy, `${busy} of 500 immediate re-takes were told busy`).toBe(0);
  });
});
