import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sliceSeries, toSeries, type BarSeries } from '../../../../src/engine/bars.js';
import { rankSignals, scanLatest, suggestSize } from '../../../../src/engine/scan/index.js';
import type { Signal } from '../../../../src/engine/signal.js';
import { STRATEGIES } from '../../../../src/engine/strategies/index.js';

function load(symbol: string): BarSeries {
  const lines = readFileSync(new URL(`../../../../data/ohlcv/${symbol}.csv`, import.meta.url), 'utf8').trim().split('\n').slice(1);
  return toSeries(
    symbol,
    lines.map((l) => {
      const [date, o, h, lo, c, v] = l.split(',');
      return { date: date!, open: +o!, high: +h!, low: +lo!, close: +c!, volume: +v! };
    }),
  );
}

describe('scanLatest', () => {
  const spy = load('SPY');
  const donchianDays = STRATEGIES.donchian.signals(spy).map((s) => s.index);

  it('reports exactly the historical signal on the last bar, for every cut of SPY', () => {
    // Cut the series at every bar from 300 on: the scan of the cut must equal "is there a signal at that bar".
    const expected = new Set(donchianDays);
    let hits = 0;
    for (let n = 300; n <= spy.dates.length; n += 7) {
      const cut = sliceSeries(spy, n);
      const out = scanLatest([cut], cut.dates[n - 1]!, ['donchian']);
      expect(out.signals.length).toBe(expected.has(n - 1) ? 1 : 0);
      if (out.signals.length) {
        hits++;
        expect(out.signals[0]!.date).toBe(cut.dates[n - 1]);
      }
    }
    expect(hits).toBeGreaterThan(3);
  });

  it('skips stale and too-short series with a reason', () => {
    const day = spy.dates[spy.dates.length - 1]!;
    const stale = sliceSeries(spy, spy.dates.length - 1);
    const short = { ...sliceSeries(spy, 50), symbol: 'SHORT', dates: spy.dates.slice(spy.dates.length - 50) };
    const out = scanLatest([stale, short], day, ['donchian', 'turtle_soup']);
    expect(out.evaluated).toBe(0);
    expect(out.skipped.map((s) => [s.symbol, s.reason])).toEqual([
      ['SPY', 'stale'],
      ['SHORT', 'too_short'],
    ]);
  });
});

describe('rankSignals and suggestSize', () => {
  const base = { strategy: 'donchian' as const, index: 0, date: '2026-01-02', target: null, atr: 1, timeStopBars: 5, reasons: [] as string[] };
  it('ranks by score, then symbol, then strategy', () => {
    const sigs: Signal[] = [
      { ...base, symbol: 'B', close: 10, stop: 9, score: 1 },
      { ...base, symbol: 'A', close: 10, stop: 9, score: 1 },
      { ...base, symbol: 'C', close: 10, stop: 9, score: 2 },
      { ...base, symbol: 'A', strategy: 'turtle_soup', close: 10, stop: 9, score: 1 },
    ];
    expect(rankSignals(sigs).map((s) => `${s.symbol}:${s.strategy}`)).toEqual(['C:donchian', 'A:donchian', 'A:turtle_soup', 'B:donchian']);
  });
  it('sizes by risk, capped by position size, whole shares', () => {
    // equity 100k, risk 0.5% = $500; entry 50, stop 48 → 250 shares = $12,500 > 10% cap ($10,000) → 200 shares.
    expect(suggestSize({ close: 50, stop: 48 }, { equity: 100_000, riskFraction: 0.005, maxPositionFraction: 0.1 })).toEqual({
      qty: 200,
      dollarRisk: 400,
      notional: 10_000,
      limitedBy: 'position_cap',
      steps: { riskDollars: 500, perShareRisk: 2, byRisk: 250, capDollars: 10_000, byCap: 200 },
    });
    // entry 50, stop 45 → $500/5 = 100 shares, $5,000 < cap.
    expect(suggestSize({ close: 50, stop: 45 }, { equity: 100_000, riskFraction: 0.005, maxPositionFraction: 0.1 })).toEqual({
      qty: 100,
      dollarRisk: 500,
      notional: 5_000,
      limitedBy: 'risk',
      steps: { riskDollars: 500, perShareRisk: 5, byRisk: 100, capDollars: 10_000, byCap: 200 },
    });
    expect(suggestSize({ close: 50, stop: 50 }, { equity: 100_000, riskFraction: 0.005, maxPositionFraction: 0.1 }).qty).toBe(0);
  });
});
