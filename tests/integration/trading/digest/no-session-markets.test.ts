import { describe, expect, it } from 'vitest';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { buildNoSessionDigest } from '../../../../src/trading/digest/build.js';
import { dataSourcePerTest } from '../../../helpers/pg.js';

/** The digest reports the US book: a KR equity mark (in won, keyed (market, date)) never stands in for the US one. */
const t = dataSourcePerTest();
const killSwitch = { state: async () => ({ engaged: false, reason: null, changedBy: null, changedAt: null, epoch: 0 }) as never };

describe('no-session digest: the US equity mark only', () => {
  it('takes the latest US mark on or before the day, not a newer KR one', async () => {
    const ds = t.ds();
    await ds.query(
      `INSERT INTO equity_marks (market, currency, date, equity, cash, market_value, realized_pnl, unrealized_pnl, marked_at) VALUES
         ('US', 'USD', '2026-11-25', 1000, 1000, 0, 0, 0, now()),
         ('KR', 'KRW', '2026-11-26', 1500000, 1500000, 0, 0, 0, now())`,
    );
    // Thanksgiving 2026-11-26: no NYSE session (KRX trades).
    const d = await buildNoSessionDigest({ db: new TypeOrmUnitOfWork(ds), killSwitch }, new Date('2026-11-26T22:00:00Z'), '2026-11-26');
    expect(d.equity).toEqual({ date: '2026-11-25', equity: 1000 });
  });
});
