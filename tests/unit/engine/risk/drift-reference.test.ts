import { describe, expect, it } from 'vitest';
import { backtestRMultiples } from '../../../../src/engine/risk/drift-reference.js';

describe('backtestRMultiples', () => {
  const curve = { dates: ['2026-01-02', '2026-01-05', '2026-01-06'], equity: [100_000, 110_000, 90_000] };

  it('divides each P&L by the risk fraction of the equity at the close before its entry', () => {
    // 1 % of 100,000 = 1,000 for an entry on the 5th; 1 % of 110,000 = 1,100 on the 6th; after the curve: 900.
    const rs = backtestRMultiples(
      [
        { entryDate: '2026-01-05', pnl: -1_000 },
        { entryDate: '2026-01-06', pnl: 2_200 },
        { entryDate: '2026-01-09', pnl: 450 },
      ],
      curve,
      0.01,
      100_000,
    );
    expect(rs).toEqual([-1, 2, 0.5]);
  });

  it('sizes an entry before the first close from the starting cash', () => {
    expect(backtestRMultiples([{ entryDate: '2026-01-02', pnl: 500 }], curve, 0.01, 50_000)).toEqual([1]);
  });
});
