import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bar, type BarSeries, toSeries } from '../../../../src/engine/bars.js';
import type { HypothesisExits } from '../../../../src/engine/hypotheses/definition.js';
import { describeWhy, hypothesisSignals, signalScore } from '../../../../src/engine/hypotheses/signals.js';
import { IndicatorCache } from '../../../../src/engine/indicators/cache.js';
import {
  type AnyPatternFamily,
  DOWN_CLOSES,
  IBS_LOW,
  MOMENTUM,
  PATTERN_FAMILIES,
  RSI_OVERSOLD,
  TURN_OF_MONTH,
} from '../../../../src/engine/patterns/index.js';
import { seriesWithAlteredFutureArb } from '../indicators/support/bars-arbitrary.js';

const fam = (f: unknown) => f as AnyPatternFamily;

/**
 * Every bar's range is close ± 5 and no close moves more than 5 from the one
 * before, so every true range is exactly 10 and so is ATR (a period of 4 keeps
 * Wilder's weights dyadic: no rounding).
 */
function tenRange(closes: readonly number[]): BarSeries {
  const rows: Bar[] = closes.map((c, i) => ({
    date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
    open: c,
    high: c + 5,
    low: c - 5,
    close: c,
    volume: 1000,
  }));
  return toSeries('HAND', rows);
}

// Two lower closes above SMA(5) at bars 6 (116 → 115 → 114 > SMA 113) and 10 (122 → 121 → 120 > SMA 119).
const CLOSES = [100, 104, 108, 112, 116, 115, 114, 118, 122, 121, 120];
const DC = DOWN_CLOSES.resolveParams({ downCloses: 2, smaPeriod: 5 });

describe('hypothesisSignals', () => {
  it('places stop, target and time stop from ATR at the signal bar', () => {
    const s = tenRange(CLOSES);
    const exits: HypothesisExits = { atrPeriod: 4, stopAtr: 1.5, timeStopBars: 7, targetAtr: 2 };
    expect(Array.from(DOWN_CLOSES.signalIndices(s, DC))).toEqual([6, 10]);
    const sigs = hypothesisSignals(s, fam(DOWN_CLOSES), DC, exits);
    expect(sigs.map(({ index, date, close, stop, target, atr, timeStopBars, symbol, strategy }) => ({ index, date, close, stop, target, atr, timeStopBars, symbol, strategy }))).toEqual([
      { index: 6, date: '2024-01-07', close: 114, stop: 99, target: 134, atr: 10, timeStopBars: 7, symbol: 'HAND', strategy: 'down_closes' },
      { index: 10, date: '2024-01-11', close: 120, stop: 105, target: 140, atr: 10, timeStopBars: 7, symbol: 'HAND', strategy: 'down_closes' },
    ]);
    // No target: null, everything else the same.
    const noTarget = hypothesisSignals(s, fam(DOWN_CLOSES), DC, { ...exits, targetAtr: null });
    expect(noTarget.map((x) => [x.stop, x.target])).toEqual([[99, null], [105, null]]);
  });

  it('explains each signal from the family figures, label first, and ranks deeper pullbacks higher', () => {
    const s = tenRange(CLOSES);
    const [a, b] = hypothesisSignals(s, fam(DOWN_CLOSES), DC, { atrPeriod: 4, stopAtr: 2, timeStopBars: 5, targetAtr: null }, { label: 'h:abc123' });
    expect(a!.reasons).toEqual(['h:abc123', '2 lower closes: 116 → 115 → 114', 'close 114 > SMA(5) 113']);
    // Pullback depth in ATRs: (116 − 114) / 10 and (122 − 120) / 10.
    expect(a!.score).toBe(0.2);
    expect(b!.score).toBe(0.2);
    // Nine +5 closes, then 115 and 110: Wilder RSI(2) falls 100 → 50 → 25 while 110 stays above SMA(10) 104.5.
    const rsi = RSI_OVERSOLD.resolveParams({ rsiPeriod: 2, maxRsi: 30, smaPeriod: 10 });
    const closes = [...Array.from({ length: 9 }, (_, i) => 80 + 5 * i), 115, 110];
    const r = hypothesisSignals(tenRange(closes), fam(RSI_OVERSOLD), rsi, { atrPeriod: 4, stopAtr: 2, timeStopBars: 5, targetAtr: null });
    expect(r.map((x) => x.index)).toEqual([10]);
    expect(r[0]!.reasons).toEqual(['RSI(2) 25 < 30', 'close 110 > SMA(10) 104.5']);
    expect(r[0]!.score).toBeCloseTo(5, 9);
  });

  it('makes no signal where ATR is undefined (warm-up) or zero', () => {
    const s = tenRange(CLOSES);
    // ATR(8) starts at bar 7: the family's bar 6 has no stop to place.
    const late = hypothesisSignals(s, fam(DOWN_CLOSES), DC, { atrPeriod: 8, stopAtr: 2, timeStopBars: 5, targetAtr: null });
    expect(late.map((x) => x.index)).toEqual([10]);
    // Flat bars: every month start is a turn-of-month bar, but ATR is 0.
    const flat = toSeries(
      'FLAT',
      Array.from({ length: 90 }, (_, i) => ({ date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10), open: 50, high: 50, low: 50, close: 50, volume: 1 })),
    );
    const tom = TURN_OF_MONTH.resolveParams({ tradingDay: 1 });
    expect(TURN_OF_MONTH.signalIndices(flat, tom).length).toBeGreaterThan(1);
    expect(hypothesisSignals(flat, fam(TURN_OF_MONTH), tom, { atrPeriod: 2, stopAtr: 2, timeStopBars: 5, targetAtr: null })).toEqual([]);
  });

  it('gives the same signals with a shared cache as without', () => {
    const s = tenRange([...CLOSES, 119, 118, 125, 124, 123, 122]);
    const exits: HypothesisExits = { atrPeriod: 4, stopAtr: 2, timeStopBars: 5, targetAtr: 3 };
    const cache = new IndicatorCache(s);
    for (const p of [DC, DOWN_CLOSES.resolveParams({ downCloses: 3, smaPeriod: 4 })]) {
      expect(hypothesisSignals(s, fam(DOWN_CLOSES), p, exits, { cache })).toEqual(hypothesisSignals(s, fam(DOWN_CLOSES), p, exits));
    }
  });

  const CASES: [string, AnyPatternFamily, object][] = [
    ['rsi_oversold', fam(RSI_OVERSOLD), RSI_OVERSOLD.resolveParams({ rsiPeriod: 2, maxRsi: 25, smaPeriod: 10 })],
    ['ibs_low', fam(IBS_LOW), IBS_LOW.resolveParams({ maxIbs: 0.3, smaPeriod: null })],
    ['momentum', fam(MOMENTUM), MOMENTUM.resolveParams({ lookback: 5, minChangePct: 3 })],
    ['turn_of_month', fam(PATTERN_FAMILIES.turn_of_month), TURN_OF_MONTH.resolveParams({ tradingDay: 2 })],
  ];

  it.each(CASES)('%s: changing every bar after t never changes the signals at or before t', (_id, family, params) => {
    let compared = 0;
    const exitsArb = fc.record({
      atrPeriod: fc.integer({ min: 1, max: 20 }),
      stopAtr: fc.double({ min: 0.5, max: 4, noNaN: true }),
      timeStopBars: fc.integer({ min: 1, max: 10 }),
      targetAtr: fc.option(fc.double({ min: 0.5, max: 6, noNaN: true }), { nil: null }),
    });
    fc.assert(
      fc.property(seriesWithAlteredFutureArb({ maxLength: 250 }), exitsArb, ({ original, altered, t }, exits) => {
        const a = hypothesisSignals(original, family, params, exits, { label: 'x' }).filter((x) => x.index <= t);
        const b = hypothesisSignals(altered, family, params, exits, { label: 'x' }).filter((x) => x.index <= t);
        compared += a.length;
        expect(b).toEqual(a);
      }),
      { numRuns: 120 },
    );
    expect(compared).toBeGreaterThanOrEqual(20);
  });
});

describe('reason lines of the families added with the Kobe wrappers', () => {
  it('state the figures that fired, for Bollinger squeeze, gap-down reversal, Donchian and Turtle Soup', () => {
    expect(
      describeWhy({ family: 'bollinger_squeeze', close: 105.5, upper: 104.25, middle: 100, squeezeWidth: 0.0425, period: 20, stdDevs: 2, squeezeLookback: 120 }, {}),
    ).toEqual(['close 105.5 > upper band 104.25 (BB(20, 2))', 'band width 4.3% was the narrowest of 120 bars']);
    expect(describeWhy({ family: 'gap_down_reversal', open: 97, prevClose: 100, close: 98.5, gapPct: 3, minGapPct: 2 }, {})).toEqual([
      'opened 3% below the prior close 100 (≥ 2%), closed up at 98.5',
    ]);
    const donchian = { family: 'donchian', close: 60, channelHigh: 59.5, sma: 50, atr: 1, stop: 58, target: null, score: 0.5, lookback: 55, smaPeriod: 200 } as const;
    expect(describeWhy(donchian, {})).toEqual(['close 60 > 55-day high 59.5', 'close > SMA(200) 50']);
    expect(signalScore(donchian, 1)).toBe(0.5);
    const soup = { family: 'turtle_soup', close: 41, low: 39, priorLow: 39.5, barsSinceLow: 6, ibs: 0.8, sma: 35, atr: 1, stop: 38, target: 43, score: 2, lookback: 20, minBarsSinceLow: 3 } as const;
    expect(describeWhy(soup, {})).toEqual(['low 39 swept the 20-day low 39.5 (set 6 bars ago), closed back at 41']);
    expect(signalScore({ family: 'gap_down_reversal', open: 97, prevClose: 100, close: 98.5, gapPct: 3, minGapPct: 2 }, 1)).toBe(1);
  });
});
