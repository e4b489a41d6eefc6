import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KRX_ETF_TICK_CHANGE_DATE,
  KRX_STOCK_TICK_CHANGE_DATE,
  MarketDateError,
  MarketRuleNotSupportedError,
  isOnMarketTick,
  limitPriceOnTick,
  roundToMarketTick,
  tickSizeFor,
  type InstrumentType,
} from '../../../../src/engine/market/index.js';

const kr = (instrument: InstrumentType, date: string, price: number) => ({ market: 'KR' as const, instrument, date, price });
const us = (price: number) => ({ market: 'US' as const, instrument: 'etf' as const, date: '2024-03-01', price });

describe('US ticks', () => {
  it('follow Reg NMS (src/engine/tick.ts): $0.01 at or above $1, $0.0001 below', () => {
    expect(tickSizeFor(us(1))).toBe(0.01);
    expect(tickSizeFor(us(0.9999))).toBe(0.0001);
    expect(roundToMarketTick(us(100.129), 'down')).toBe(100.12);
    expect(limitPriceOnTick(us(100.121), 'sell')).toBe(100.13);
    expect(limitPriceOnTick(us(100.129), 'buy')).toBe(100.12);
  });
});

describe('KRX ETF ticks', () => {
  it('pins the change to 2023-12-11', () => {
    expect(KRX_ETF_TICK_CHANGE_DATE).toBe('2023-12-11');
  });

  it('are 5 won at every price before the change', () => {
    expect(tickSizeFor(kr('etf', '2023-12-08', 1_500))).toBe(5);
    expect(tickSizeFor(kr('etf', '2010-01-04', 150))).toBe(5);
    expect(tickSizeFor(kr('etf', '2023-12-08', 35_000))).toBe(5);
  });

  it('are 1 won below 2,000 and 5 won at or above from the change date', () => {
    expect(tickSizeFor(kr('etf', '2023-12-11', 1_999))).toBe(1);
    expect(tickSizeFor(kr('etf', '2023-12-11', 2_000))).toBe(5);
    expect(tickSizeFor(kr('etf', '2026-05-04', 150))).toBe(1);
    expect(tickSizeFor(kr('etf', '2026-05-04', 101_915))).toBe(5);
  });

  it('round a buy down and a sell up, to whole won, never to a worse price', () => {
    expect(limitPriceOnTick(kr('etf', '2023-12-08', 1_537), 'buy')).toBe(1_535);
    expect(limitPriceOnTick(kr('etf', '2023-12-08', 1_537), 'sell')).toBe(1_540);
    expect(limitPriceOnTick(kr('etf', '2023-12-11', 1_537.4), 'buy')).toBe(1_537);
    expect(limitPriceOnTick(kr('etf', '2023-12-11', 1_537.4), 'sell')).toBe(1_538);
    expect(limitPriceOnTick(kr('etf', '2024-01-02', 1_999.5), 'sell')).toBe(2_000);
    expect(limitPriceOnTick(kr('etf', '2024-01-02', 2_003), 'buy')).toBe(2_000);
    expect(limitPriceOnTick(kr('etf', '2024-01-02', 35_000), 'buy')).toBe(35_000);
  });

  it('refuse a price that rounds down to nothing', () => {
    expect(() => limitPriceOnTick(kr('etf', '2023-12-08', 3), 'buy')).toThrow(/lowest KRX price on 2023-12-08 is 5 won/);
  });
});

describe('KRX stock ticks (2023-01-25 table)', () => {
  it.each([
    [1_999, 1],
    [2_000, 5],
    [4_999, 5],
    [5_000, 10],
    [19_990, 10],
    [20_000, 50],
    [49_950, 50],
    [50_000, 100],
    [199_900, 100],
    [200_000, 500],
    [499_500, 500],
    [500_000, 1_000],
    [1_250_000, 1_000],
  ])('%i won → tick %i', (price, tick) => {
    expect(tickSizeFor(kr('stock', KRX_STOCK_TICK_CHANGE_DATE, price))).toBe(tick);
  });

  it('round across band edges onto the grid', () => {
    expect(limitPriceOnTick(kr('stock', '2024-05-02', 4_998), 'sell')).toBe(5_000);
    expect(limitPriceOnTick(kr('stock', '2024-05-02', 20_040), 'buy')).toBe(20_000);
    expect(limitPriceOnTick(kr('stock', '2024-05-02', 164_450), 'buy')).toBe(164_400);
  });

  it('are refused before 2023-01-25, saying why', () => {
    expect(() => tickSizeFor(kr('stock', '2023-01-20', 10_000))).toThrow(MarketRuleNotSupportedError);
    expect(() => tickSizeFor(kr('stock', '2023-01-20', 10_000))).toThrow(/KOSPI and KOSDAQ/);
  });
});

describe('inputs', () => {
  it('refuse bad dates and prices', () => {
    expect(() => tickSizeFor(kr('etf', '2023-13-01', 1_000))).toThrow(MarketDateError);
    expect(() => tickSizeFor(kr('etf', '2023-02-30', 1_000))).toThrow(MarketDateError);
    expect(() => tickSizeFor(kr('etf', '20231211', 1_000))).toThrow(/YYYY-MM-DD/);
    expect(() => tickSizeFor(kr('etf', '2024-01-02', 0))).toThrow(RangeError);
    expect(isOnMarketTick(kr('etf', '2024-01-02', Number.NaN))).toBe(false);
  });
});

describe('KRX rounding (property)', () => {
  it('lands on the grid, a buy never above and a sell never below the price, within one tick', () => {
    const dates = fc.constantFrom('2023-06-01', '2023-12-08', '2023-12-11', '2025-03-04');
    fc.assert(
      fc.property(dates, fc.constantFrom<InstrumentType>('etf', 'stock'), fc.double({ min: 5, max: 2_000_000, noNaN: true }), (date, instrument, price) => {
        fc.pre(!(instrument === 'stock' && date < KRX_STOCK_TICK_CHANGE_DATE));
        const buy = limitPriceOnTick(kr(instrument, date, price), 'buy');
        const sell = limitPriceOnTick(kr(instrument, date, price), 'sell');
        expect(Number.isInteger(buy) && Number.isInteger(sell)).toBe(true);
        expect(isOnMarketTick(kr(instrument, date, buy))).toBe(true);
        expect(isOnMarketTick(kr(instrument, date, sell))).toBe(true);
        // A price within a billionth of a tick of the grid counts as on it (float noise; see krRound).
        const noise = tickSizeFor(kr(instrument, date, price)) * 1e-9 + 1e-12;
        expect(buy).toBeLessThanOrEqual(price + noise);
        expect(sell).toBeGreaterThanOrEqual(price - noise);
        expect(sell - buy).toBeLessThanOrEqual(tickSizeFor(kr(instrument, date, sell)));
      }),
    );
  });
});
