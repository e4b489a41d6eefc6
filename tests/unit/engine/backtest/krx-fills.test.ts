/**
 * The portfolio engine's KRX fill rules (`fillTick: 'krx_etf'`, issue 15 item 7): every fill after
 * slippage on the KRX ETF tick of its session, against the trader (a buy up, a sell down), and the
 * KIS commission (`krw_rate`) in whole won, so cash, equity and P&L stay whole won. Without
 * `fillTick` the same run keeps raw prices (US, unchanged).
 */
import { describe, expect, it } from 'vitest';
import { toSeries, type Bar } from '../../../../src/engine/bars.js';
import { commissionFor, runPortfolio } from '../../../../src/engine/backtest/index.js';
import { isOnMarketTick } from '../../../../src/engine/market/ticks.js';
import type { Signal } from '../../../../src/engine/signal.js';

// Four KRX sessions in 2024 (ETF tick 5 won at or above ₩2,000) and one in 2023 before the ETF tick reform.
const DATES = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08'];
const BARS: Bar[] = DATES.map((date, i) => ({ date, open: 35_000 + 100 * i, high: 35_600 + 100 * i, low: 34_800 + 100 * i, close: 35_300 + 100 * i, volume: 1e6 }));
const SERIES = toSeries('069500', BARS);
const SIGNAL: Signal = { symbol: '069500', strategy: 'donchian', index: 0, date: DATES[0]!, close: 35_300, stop: 34_000, target: 35_512, atr: 500, timeStopBars: 10, score: 1, reasons: [] };

const base = { series: [SERIES], signals: [[SIGNAL]], initialCash: 10_000_000, slippageBps: 5, sizing: { kind: 'equity' as const, pct: 0.5 } };

describe('KRX fills in the portfolio engine', () => {
  it('fills on the KRX ETF tick against the trader, commissions in whole won, equity whole won', () => {
    const r = runPortfolio({ ...base, commission: { kind: 'krw_rate', rate: 0.00015 }, fillTick: 'krx_etf' });
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    // Raw entry 35,100 × 1.0005 = 35,117.55 → up to 35,120; the target 35,512 is hit on the entry bar: × 0.9995 = 35,494.244 → down to 35,490.
    expect(t.entryPrice).toBe(35_120);
    expect(t.exitPrice).toBe(35_490);
    for (const p of [t.entryPrice, t.exitPrice]) expect(isOnMarketTick({ market: 'KR', instrument: 'etf', date: t.entryDate, price: p })).toBe(true);
    expect(t.qty).toBe(Math.floor(5_000_000 / 35_120));
    expect(t.entryCommission).toBe(Math.floor(t.qty * 35_120 * 0.00015));
    expect(t.exitCommission).toBe(Math.floor(t.qty * 35_490 * 0.00015));
    expect(t.pnl).toBe(t.qty * (35_490 - 35_120) - t.entryCommission - t.exitCommission);
    for (const e of r.equity) expect(Number.isInteger(e)).toBe(true);
    expect(r.metrics.finalEquity).toBe(10_000_000 + t.pnl);
  });

  it('without fillTick the same run keeps raw prices (US behaviour)', () => {
    const r = runPortfolio({ ...base, commission: { kind: 'bps', bps: 1.5 } });
    expect(r.trades[0]!.entryPrice).toBeCloseTo(35_117.55, 6);
    expect(r.trades[0]!.exitPrice).toBeCloseTo(35_494.244, 6);
  });

  it('krw_rate drops the fraction of a won, ignoring float noise', () => {
    expect(commissionFor({ kind: 'krw_rate', rate: 0.00015 }, 1_000, 35_000)).toBe(5_250);
    expect(commissionFor({ kind: 'krw_rate', rate: 0.00015 }, 3, 35_005)).toBe(15);
  });
});
