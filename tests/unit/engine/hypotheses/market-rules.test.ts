/**
 * How a hypothesis's market changes its measure (issue 15, item 7): KR levels on the KRX ETF tick,
 * the KIS commission on each shadow fill, fills on the tick; US exactly as before.
 */
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { hypothesisMarketRules, KR_INCUBATION_CASH, US_INCUBATION_CASH } from '../../../../src/engine/hypotheses/market-rules.js';
import { runShadowBook } from '../../../../src/engine/hypotheses/shadow-book.js';
import type { Signal, StrategyId } from '../../../../src/engine/signal.js';

function series(symbol: string, dates: string[], o: number[], h: number[], l: number[], c: number[]): BarSeries {
  return { symbol, dates, open: Float64Array.from(o), high: Float64Array.from(h), low: Float64Array.from(l), close: Float64Array.from(c), volume: Float64Array.from(c.map(() => 1e6)) } as unknown as BarSeries;
}

const DATES = ['2025-09-29', '2025-09-30', '2025-10-01', '2025-10-02'];
// A KRX ETF around ₩10,000 (tick ₩5): signal on day 0, entry at day 1's open, target hit on day 2.
const S = series('069500', DATES, [10_000, 10_012, 10_100, 10_300], [10_050, 10_080, 10_420, 10_350], [9_950, 10_000, 10_090, 10_250], [10_010, 10_060, 10_390, 10_300]);
const signal: Signal = { symbol: '069500', strategy: 'rsi_oversold' as unknown as StrategyId, index: 0, date: DATES[0]!, close: 10_010, stop: 9_802, target: 10_403, atr: 100, timeStopBars: 10, score: 1, reasons: [] };

describe('hypothesisMarketRules', () => {
  it('KR: won equity, the KIS commission, stops and targets rounded up onto the KRX ETF tick; US: as before', () => {
    const kr = hypothesisMarketRules('KR');
    expect(kr.currency).toBe('KRW');
    expect(kr.initialCash).toBe(KR_INCUBATION_CASH);
    expect(kr.commission).toEqual({ kind: 'krw_rate', rate: 0.00015 });
    // From 2023-12-11 the ETF tick is ₩5 at or above ₩2,000 and ₩1 below it; before, ₩5 everywhere.
    expect(kr.levels('2025-10-01', 9_801.2, 10_402.1)).toEqual({ stop: 9_805, target: 10_405 });
    expect(kr.levels('2025-10-01', 1_801.2, null)).toEqual({ stop: 1_802, target: null });
    expect(kr.levels('2023-06-01', 1_801.2, null)).toEqual({ stop: 1_805, target: null });
    const us = hypothesisMarketRules('US');
    expect(us.currency).toBe('USD');
    expect(us.initialCash).toBe(US_INCUBATION_CASH);
    expect(us.commission).toEqual({ kind: 'none' });
    expect(us.fill).toBeUndefined();
    expect(us.levels('2025-10-01', 98.123, 104.567)).toEqual({ stop: 98.123, target: 104.567 });
  });
});

describe('runShadowBook with a market commission and fill grid', () => {
  it('KR: fills on the KRX tick, the commission off both fills and off the book, R net of it', () => {
    const kr = hypothesisMarketRules('KR');
    const book = runShadowBook({ series: [S], signals: [signal], from: DATES[0]!, to: DATES[3]!, startEquity: 10_000_000, commission: kr.commission, fill: kr.fill! });
    const t = book.trades[0]!;
    // 10,012 × 1.0005 = 10,017.006 → up to ₩10,020; target 10,403 × 0.9995 = 10,397.8 → down to ₩10,395.
    expect(t.entryPrice).toBe(10_020);
    expect(t.exitPrice).toBe(10_395);
    expect(t.qty).toBe(Math.floor((0.01 * 10_000_000) / (10_020 - 9_802)));
    // The KIS commission, 0.015 % of each fill's value truncated to whole won (as the KR book charges it).
    const fees = Math.floor(t.qty * 10_020 * 0.00015) + Math.floor(t.qty * 10_395 * 0.00015);
    expect(Number.isInteger(fees)).toBe(true);
    expect(t.pnl).toBe(t.qty * (10_395 - 10_020) - fees);
    expect(t.r).toBeCloseTo(t.pnl! / (t.qty * (10_020 - 9_802)), 12);
    expect(book.equity.at(-1)).toBeCloseTo(10_000_000 + t.pnl!, 6);
  });

  it('US (no commission, no grid): the book is exactly the one it always was', () => {
    const a = runShadowBook({ series: [S], signals: [signal], from: DATES[0]!, to: DATES[3]!, startEquity: 100_000 });
    const t = a.trades[0]!;
    expect(t.entryPrice).toBe(10_012 * 1.0005);
    expect(t.pnl).toBe(t.qty * (t.exitPrice! - t.entryPrice));
    expect(t.r).toBe((t.exitPrice! - t.entryPrice) / (t.entryPrice - t.stop));
  });
});
