import { describe, expect, it } from 'vitest';
import {
  DEFAULT_KR_COMMISSION_RATE,
  FINRA_TAF_RATES,
  FeeRateUnknownError,
  MarketRuleNotSupportedError,
  SEC_FEE_RATES,
  ceilToCent,
  finraTafRateOn,
  secFeeRateOn,
  tradeFees,
  type FeeQuery,
} from '../../../../src/engine/market/index.js';

const krEtf = (side: 'buy' | 'sell', qty: number, price: number, extra: Partial<FeeQuery> = {}): FeeQuery => ({ market: 'KR', instrument: 'etf', side, date: '2024-06-03', qty, price, ...extra });
const usSell = (date: string, qty: number, price: number, extra: Partial<FeeQuery> = {}): FeeQuery => ({ market: 'US', instrument: 'etf', side: 'sell', date, qty, price, ...extra });

describe('KR fees', () => {
  it('charge the commission rate on both sides, 0.015 % by default, and no tax on ETF sales', () => {
    expect(DEFAULT_KR_COMMISSION_RATE).toBe(0.00015);
    // 100 × 35,000 = 3,500,000 won × 0.00015 = 525 won.
    const buy = { currency: 'KRW', commission: 525, secFee: 0, finraTaf: 0, tax: 0, total: 525 };
    expect(tradeFees(krEtf('buy', 100, 35_000))).toEqual(buy);
    expect(tradeFees(krEtf('sell', 100, 35_000))).toEqual(buy);
  });

  it('drop fractions of a won and take the rate as a parameter', () => {
    // 7 × 10,005 = 70,035 × 0.00015 = 10.50525 → 10 won.
    expect(tradeFees(krEtf('sell', 7, 10_005)).commission).toBe(10);
    // 3,500,000 × 0.0001405 = 491.75 → 491 won.
    expect(tradeFees(krEtf('buy', 100, 35_000, { krCommissionRate: 0.0001405 })).total).toBe(491);
    expect(() => tradeFees(krEtf('buy', 1, 10_000, { krCommissionRate: 0.015 * 100 }))).toThrow(/fraction of the fill's value/);
  });

  it('refuse KR stock sales (transaction tax not modelled) but price stock buys', () => {
    expect(() => tradeFees({ ...krEtf('sell', 10, 70_000), instrument: 'stock' })).toThrow(MarketRuleNotSupportedError);
    expect(tradeFees({ ...krEtf('buy', 10, 70_000), instrument: 'stock' }).total).toBe(105);
  });
});

describe('US regulatory fees', () => {
  it('charge nothing on buys', () => {
    expect(tradeFees({ ...usSell('2024-06-03', 100, 250.13), side: 'buy' })).toEqual({ currency: 'USD', commission: 0, secFee: 0, finraTaf: 0, tax: 0, total: 0 });
  });

  it('charge the SEC fee and the TAF on sells, each rounded up to the cent', () => {
    // 25,013 × 27.80 / 1e6 = 0.6953614 → 0.70; 100 × 0.000166 = 0.0166 → 0.02.
    expect(tradeFees(usSell('2024-06-03', 100, 250.13))).toEqual({ currency: 'USD', commission: 0, secFee: 0.7, finraTaf: 0.02, tax: 0, total: 0.72 });
  });

  it('round a fraction of a cent up, not to the nearest cent', () => {
    // 120 × 100 = 12,000 × 27.80 / 1e6 = 0.3336 → 0.34 (nearest would be 0.33); 120 × 0.000166 = 0.01992 → 0.02.
    expect(tradeFees(usSell('2024-06-03', 120, 100))).toMatchObject({ secFee: 0.34, finraTaf: 0.02, total: 0.36 });
    // 2022 TAF: 1,000 × 0.000130 = 0.13 exactly stays 0.13; 1,010 × 0.000130 = 0.1313 → 0.14 (nearest would be 0.13).
    expect(tradeFees(usSell('2022-06-01', 1_000, 10)).finraTaf).toBe(0.13);
    expect(tradeFees(usSell('2022-06-01', 1_010, 10)).finraTaf).toBe(0.14);
  });

  it('switch SEC rates on the effective date (2024-05-22: $8.00 → $27.80; 2025-05-14: → $0)', () => {
    expect(tradeFees(usSell('2024-05-21', 1_000, 1_000)).secFee).toBe(8);
    expect(tradeFees(usSell('2024-05-22', 1_000, 1_000)).secFee).toBe(27.8);
    expect(tradeFees(usSell('2025-05-13', 1_000, 1_000)).secFee).toBe(27.8);
    expect(tradeFees(usSell('2025-05-14', 1_000, 1_000)).secFee).toBe(0);
    expect(tradeFees(usSell('2021-02-24', 1_000, 1_000)).secFee).toBe(22.1);
    expect(tradeFees(usSell('2021-02-25', 1_000, 1_000)).secFee).toBe(5.1);
  });

  it('do not round an exact cent up (10,000 × $8 / 1e6 = $0.08)', () => {
    expect(tradeFees(usSell('2023-06-01', 100, 100)).secFee).toBe(0.08);
    expect(ceilToCent(0.0800000000001)).toBe(0.08);
    expect(ceilToCent(0.08001)).toBe(0.09);
  });

  it('switch TAF rates on January 1 and cap the TAF per trade', () => {
    // 1,000 × 0.000145 = 0.145 → 0.15; 1,000 × 0.000166 = 0.166 → 0.17.
    expect(tradeFees(usSell('2023-12-29', 1_000, 10)).finraTaf).toBe(0.15);
    expect(tradeFees(usSell('2024-01-02', 1_000, 10)).finraTaf).toBe(0.17);
    // 60,000 × 0.000166 = 9.96 > 8.30.
    expect(tradeFees(usSell('2024-06-03', 60_000, 10)).finraTaf).toBe(8.3);
    // 2021: 60,000 × 0.000119 = 7.14 > 5.95.
    expect(tradeFees(usSell('2021-06-01', 60_000, 10)).finraTaf).toBe(5.95);
  });

  it('add a broker commission when one is given, rounded to the cent', () => {
    const f = tradeFees(usSell('2024-06-03', 100, 250.13, { usCommission: { kind: 'per_share', perShare: 0.005, minimum: 1 } }));
    expect(f.commission).toBe(1);
    expect(f.total).toBe(1.72);
  });

  it('refuse dates the tables do not cover, saying how to fix it, and accept supplied rates', () => {
    expect(() => secFeeRateOn('2026-06-01')).toThrow(FeeRateUnknownError);
    expect(() => secFeeRateOn('2026-06-01')).toThrow(/SEC_FEE_RATES/);
    expect(() => finraTafRateOn('2026-01-02')).toThrow(/FINRA_TAF_RATES/);
    expect(() => secFeeRateOn('2019-12-31')).toThrow(/table starts 2020-02-18/);
    const f = tradeFees(usSell('2026-06-01', 100, 250.13, { usRates: { secPerMillion: 10, tafPerShare: 0.0002, tafMaxPerTrade: 10 } }));
    // 25,013 × 10 / 1e6 = 0.25013 → 0.26; 100 × 0.0002 = 0.02.
    expect(f).toMatchObject({ secFee: 0.26, finraTaf: 0.02, total: 0.28 });
  });

  it('keep the rate tables in date order with a source on every row', () => {
    for (const rows of [SEC_FEE_RATES, FINRA_TAF_RATES]) {
      const froms = rows.map((r) => r.from);
      expect([...froms].sort()).toEqual(froms);
      for (const r of rows) expect(r.source.length).toBeGreaterThan(10);
    }
  });
});

describe('fill checks', () => {
  it('refuse non-positive quantities and prices', () => {
    expect(() => tradeFees(krEtf('buy', 0, 10_000))).toThrow(/qty/);
    expect(() => tradeFees(usSell('2024-06-03', 1, -1))).toThrow(/price/);
  });
});
