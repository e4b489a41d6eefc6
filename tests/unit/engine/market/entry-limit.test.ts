import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryLimitPrice } from '../../../../src/engine/market/entry-limit.js';
import { isOnMarketTick, KRX_ETF_TICK_CHANGE_DATE } from '../../../../src/engine/market/ticks.js';
import { iocLimitPriceFromAsk } from '../../../../src/engine/tick.js';

const SEOUL_DAY = '2026-12-08';

describe('the limit of a marketable buy entry', () => {
  it('US: ask × (1 + buffer) rounded up to the cent, exactly as before', () => {
    for (const ask of [10, 10.005, 131.6, 0.98765, 999.99]) {
      expect(entryLimitPrice({ market: 'US', date: SEOUL_DAY, ask, buffer: 0.001 })).toBe(iocLimitPriceFromAsk(ask, 0.001));
    }
    expect(entryLimitPrice({ market: 'US', date: SEOUL_DAY, ask: 10 })).toBe(10.01);
  });

  it('KR: ask × (1 + buffer) rounded DOWN to the KRX ETF tick of the Seoul session date, whole won', () => {
    // 36,500 × 1.001 = 36,536.5 → 36,535 (5-won tick): never above the buffer's cap, still at or above the ask.
    expect(entryLimitPrice({ market: 'KR', date: SEOUL_DAY, ask: 36_500, buffer: 0.001 })).toBe(36_535);
    expect(entryLimitPrice({ market: 'KR', date: SEOUL_DAY, ask: 10_000, buffer: 0.001 })).toBe(10_010);
    // Below ₩2,000 the ETF tick is 1 won after the reform, 5 won before it.
    expect(entryLimitPrice({ market: 'KR', date: SEOUL_DAY, ask: 1_500, buffer: 0.001 })).toBe(1_501);
    expect(entryLimitPrice({ market: 'KR', date: '2023-12-08', ask: 1_500, buffer: 0.001 })).toBe(1_500);
    // Across the ₩2,000 band: 1,999 × 1.001 = 2,000.999 → 2,000 on the 5-won grid above it.
    expect(entryLimitPrice({ market: 'KR', date: SEOUL_DAY, ask: 1_999, buffer: 0.001 })).toBe(2_000);
  });

  it('KR: for any ask on the grid the limit is on the grid, at least the ask and at most ask × (1 + buffer)', () => {
    const date = fc.constantFrom('2023-12-08', KRX_ETF_TICK_CHANGE_DATE, SEOUL_DAY);
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 400_000 }), fc.double({ min: 0, max: 0.05, noNaN: true }), (d, steps, buffer) => {
        const tick = d < KRX_ETF_TICK_CHANGE_DATE || steps * 5 >= 2_000 ? 5 : 1;
        const ask = tick === 5 ? steps * 5 : Math.min(steps, 1_999);
        const limit = entryLimitPrice({ market: 'KR', date: d, ask, buffer });
        expect(Number.isInteger(limit)).toBe(true);
        expect(isOnMarketTick({ market: 'KR', instrument: 'etf', date: d, price: limit })).toBe(true);
        expect(limit).toBeGreaterThanOrEqual(ask);
        expect(limit).toBeLessThanOrEqual(ask * (1 + buffer) + 1e-6);
      }),
      { numRuns: 3_000 },
    );
  });

  it('refuses an ask that is not a positive price', () => {
    expect(() => entryLimitPrice({ market: 'KR', date: SEOUL_DAY, ask: 0 })).toThrow(RangeError);
    expect(() => entryLimitPrice({ market: 'US', date: SEOUL_DAY, ask: Number.NaN })).toThrow(RangeError);
  });
});
