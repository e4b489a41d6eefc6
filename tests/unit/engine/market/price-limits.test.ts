import { describe, expect, it } from 'vitest';
import { KRX_30_PERCENT_LIMIT_FROM, MarketRuleNotSupportedError, dailyPriceBand, isWithinDailyBand, krxLimitRate } from '../../../../src/engine/market/index.js';

const etf = (date: string, previousClose: number, leverage?: number) => ({ market: 'KR' as const, instrument: 'etf' as const, date, previousClose, ...(leverage === undefined ? {} : { leverage }) });

describe('KRX daily price limits', () => {
  it('are ±15 % up to 2015-06-12 and ±30 % from 2015-06-15', () => {
    expect(KRX_30_PERCENT_LIMIT_FROM).toBe('2015-06-15');
    expect(dailyPriceBand(etf('2015-06-12', 10_000))).toEqual({ rate: 0.15, lower: 8_500, upper: 11_500 });
    expect(dailyPriceBand(etf('2015-06-15', 10_000))).toEqual({ rate: 0.3, lower: 7_000, upper: 13_000 });
  });

  it('multiply the rate by the leverage of a leveraged or inverse ETF', () => {
    expect(dailyPriceBand(etf('2024-02-01', 10_000, 2))).toEqual({ rate: 0.6, lower: 4_000, upper: 16_000 });
    expect(dailyPriceBand(etf('2015-06-12', 10_000, 2))).toEqual({ rate: 0.3, lower: 7_000, upper: 13_000 });
    expect(krxLimitRate('2024-02-01', 2)).toBe(0.6);
    expect(() => krxLimitRate('2024-02-01', 0)).toThrow(/leverage must be a positive number/);
  });

  it('put the limits on the tick grid inside the band: upper rounded down, lower up', () => {
    // 1,537 × 1.3 = 1,998.1 and × 0.7 = 1,075.9. After the ETF tick change the tick there is 1 won ...
    expect(dailyPriceBand(etf('2023-12-11', 1_537))).toEqual({ rate: 0.3, lower: 1_076, upper: 1_998 });
    // ... and 5 won before it.
    expect(dailyPriceBand(etf('2023-12-08', 1_537))).toEqual({ rate: 0.3, lower: 1_080, upper: 1_995 });
    // Stock at 15,550: 20,215 → tick 50 → 20,200; 10,885 → tick 10 → 10,890.
    expect(dailyPriceBand({ market: 'KR', instrument: 'stock', date: '2024-05-02', previousClose: 15_550 })).toEqual({ rate: 0.3, lower: 10_890, upper: 20_200 });
  });

  it('say whether a price may be ordered', () => {
    expect(isWithinDailyBand(etf('2024-02-01', 10_000), 13_000)).toBe(true);
    expect(isWithinDailyBand(etf('2024-02-01', 10_000), 13_005)).toBe(false);
    expect(isWithinDailyBand(etf('2024-02-01', 10_000), 6_995)).toBe(false);
  });

  it('refuse what the rules do not cover', () => {
    expect(() => dailyPriceBand({ market: 'KR', instrument: 'stock', date: '2022-05-02', previousClose: 15_550 })).toThrow(MarketRuleNotSupportedError);
    expect(() => dailyPriceBand({ market: 'KR', instrument: 'stock', date: '2024-05-02', previousClose: 15_550, leverage: 2 })).toThrow(/ETFs only/);
    expect(() => dailyPriceBand(etf('2024-02-01', 0))).toThrow(/previousClose/);
  });
});

describe('US daily price limits', () => {
  it('do not exist', () => {
    expect(dailyPriceBand({ market: 'US', instrument: 'etf', date: '2024-02-01', previousClose: 500 })).toBeNull();
    expect(isWithinDailyBand({ market: 'US', instrument: 'stock', date: '2024-02-01', previousClose: 500 }, 5_000)).toBe(true);
  });
});
