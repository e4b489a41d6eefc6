import { describe, expect, it } from 'vitest';
import { DONCHIAN as DONCHIAN_STRATEGY, TURTLE_SOUP as TURTLE_SOUP_STRATEGY } from '../../../../src/engine/strategies/index.js';
import {
  BOLLINGER_SQUEEZE,
  DONCHIAN_FAMILY,
  DOWN_CLOSES,
  GAP_DOWN_REVERSAL,
  HIGH_BREAKOUT,
  IBS_LOW,
  MA_CROSS,
  MOMENTUM,
  NR_BREAKOUT,
  RSI_OVERSOLD,
  TURN_OF_MONTH,
  TURTLE_SOUP_FAMILY,
  VOLUME_SPIKE,
} from '../../../../src/engine/patterns/index.js';
import { series } from './support.js';

const idx = (a: Int32Array) => Array.from(a);

describe('N-day momentum', () => {
  const p = MOMENTUM.resolveParams({ lookback: 2, minChangePct: 10 });
  const s = series([100, 100, 100, 111, 115, 100, 100, 112]);

  it('fires only on the bar the 2-bar change first reaches 10 %', () => {
    // t3: +11 % (t2 was 0 %); t4: +15 % but t3 already qualified; t7: +12 % after a dip.
    expect(idx(MOMENTUM.signalIndices(s, p))).toEqual([3, 7]);
  });

  it('why gives the figures behind the signal', () => {
    const w = MOMENTUM.why(s, 3, p)!;
    expect(w.family).toBe('momentum');
    expect(w.pastClose).toBe(100);
    expect(w.changePct).toBeCloseTo(11, 12);
    expect(w.prevChangePct).toBe(0);
    expect(MOMENTUM.why(s, 4, p)).toBeNull();
  });
});

describe('k down closes in an uptrend', () => {
  const p = DOWN_CLOSES.resolveParams({ downCloses: 2, smaPeriod: 5 });
  // Uptrend, two-then-three lower closes above the SMA, then two lower closes below it.
  const s = series([10, 11, 12, 13, 14, 15, 16, 15.9, 15.8, 15.7, 17, 16.9, 14, 13]);

  it('fires on the 2nd and 3rd lower close above SMA(5), not below it', () => {
    // t12/t13 are 2+ lower closes but under the SMA (15.88, 15.32).
    expect(idx(DOWN_CLOSES.signalIndices(s, p))).toEqual([8, 9]);
  });

  it('why lists the closes of the streak', () => {
    const w = DOWN_CLOSES.why(s, 8, p)!;
    expect(w.closes).toEqual([16, 15.9, 15.8]);
    expect(w.sma).toBeCloseTo(15.34, 12);
  });
});

describe('RSI(2) oversold in an uptrend', () => {
  const p = RSI_OVERSOLD.resolveParams({ rsiPeriod: 2, maxRsi: 10, smaPeriod: 25 });
  // 30 closes rising by 1, a 10-point drop (still above SMA 25), a bounce, then a crash under the SMA.
  const closes = Array.from({ length: 30 }, (_, i) => 100 + i);
  closes.push(119, 120, 100);
  const s = series(closes);

  it('fires on the drop that takes RSI(2) under 10 above the SMA, not on the crash below it', () => {
    // t30: avgGain 0.5, avgLoss 5 -> RSI 9.09; t32: RSI 3.2 but close 100 < SMA.
    expect(idx(RSI_OVERSOLD.signalIndices(s, p))).toEqual([30]);
  });

  it('why carries the RSI and the SMA', () => {
    const w = RSI_OVERSOLD.why(s, 30, p)!;
    expect(w.rsi).toBeCloseTo(100 / 11, 10);
    expect(w.sma).toBeCloseTo(2939 / 25, 10);
  });
});

describe('IBS low', () => {
  const s = series([9.1, 9.5, 10, 10.25, 10.2, 11], {
    high: [10, 10, 10, 11, 12, 20],
    low: [9, 9, 10, 10, 10, 10],
  });

  it('without a trend filter fires on every close in the bottom 20 % (a zero-range bar is neutral)', () => {
    expect(idx(IBS_LOW.signalIndices(s, IBS_LOW.resolveParams({ smaPeriod: null })))).toEqual([0, 4, 5]);
  });

  it('with SMA(2) only the low close above its average fires', () => {
    const p = IBS_LOW.resolveParams({ smaPeriod: 2 });
    expect(idx(IBS_LOW.signalIndices(s, p))).toEqual([5]);
    expect(IBS_LOW.why(s, 5, p)).toEqual({
      family: 'ibs_low', close: 11, high: 20, low: 10, ibs: 0.1, maxIbs: 0.2, sma: 10.6, smaPeriod: 2,
    });
  });
});

describe('52-week-high breakout', () => {
  const closes = [10, 12, 11, 11.5, 12, 12.5, 9, 12.4, 13];
  // Highs far above the closes: a breakout of the highs would never fire.
  const s = series(closes, { high: closes.map((c) => c + 5) });

  it('fires on a close above the highest close of the prior 3 bars (a tie does not)', () => {
    expect(idx(HIGH_BREAKOUT.signalIndices(s, HIGH_BREAKOUT.resolveParams({ lookback: 3 })))).toEqual([5, 8]);
  });

  it('why names the close beaten', () => {
    expect(HIGH_BREAKOUT.why(s, 8, HIGH_BREAKOUT.resolveParams({ lookback: 3 }))).toEqual({
      family: 'high_breakout', close: 13, priorHighestClose: 12.5, lookback: 3,
    });
  });
});

describe('volume spike with an up close', () => {
  const p = VOLUME_SPIKE.resolveParams({ volumePeriod: 3, minVolumeRatio: 2 });

  it('fires on 2x the prior average volume with an up close, not on a down close', () => {
    const s = series([10, 10.5, 10.4, 10.6, 10.5, 10.7, 10.8], { volume: [100, 100, 100, 300, 1000, 934, 100] });
    // t4: 5x volume but a down close; t5: 934 >= 2 x 466.67 and up.
    expect(idx(VOLUME_SPIKE.signalIndices(s, p))).toEqual([3, 5]);
    const w = VOLUME_SPIKE.why(s, 3, p)!;
    expect(w.avgVolume).toBe(100);
    expect(w.volumeRatio).toBe(3);
  });

  it('never fires against a zero average volume', () => {
    const s = series([10, 11, 12, 13, 14], { volume: [0, 0, 0, 50, 500] });
    // t3 has a zero prior average; t4's average is 16.7 and 500 is a spike.
    expect(idx(VOLUME_SPIKE.signalIndices(s, p))).toEqual([4]);
  });
});

describe('moving-average cross', () => {
  const p = MA_CROSS.resolveParams({ fastPeriod: 2, slowPeriod: 3 });
  const s = series([10, 9, 8, 7, 9, 11, 10, 8, 7, 9, 12]);

  it('fires when SMA(2) moves from at-or-below to above SMA(3)', () => {
    // t4: 8 vs 8 (equal, not above); t5: 10 > 9 after equality; t10: 10.5 > 9.33 after 8 vs 8.
    expect(idx(MA_CROSS.signalIndices(s, p))).toEqual([5, 10]);
    expect(MA_CROSS.why(s, 5, p)).toMatchObject({ fast: 10, slow: 9, prevFast: 8, prevSlow: 8 });
  });
});

describe('NR7 breakout (NR3 here)', () => {
  const s = series([10, 10, 10, 10.6, 10.6, 11, 11.3], {
    high: [12, 11, 10.5, 10.7, 10.8, 11.2, 11.4],
    low: [8, 9, 9.5, 10.2, 10, 10.9, 11],
  });
  const p = NR_BREAKOUT.resolveParams({ nrBars: 3 });

  it('fires on a close above the high of the narrowest of 3 bars, and only then', () => {
    // t4: setup t3 is NR3 but 10.6 <= 10.7; t5: clears t4's high but t4 is not NR3.
    expect(idx(NR_BREAKOUT.signalIndices(s, p))).toEqual([3, 6]);
    expect(NR_BREAKOUT.why(s, 3, p)).toEqual({ family: 'nr_breakout', close: 10.6, setupHigh: 10.5, setupRange: 1, nrBars: 3 });
  });
});

describe('turn of month', () => {
  const dates = ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02', '2024-02-05', '2024-03-01', '2024-04-01', '2024-04-02'];
  const s = series([1, 2, 3, 4, 5, 6, 7, 8], { dates });

  it('day 1: the first bar of each month, never the first bar of the data', () => {
    expect(idx(TURN_OF_MONTH.signalIndices(s, TURN_OF_MONTH.resolveParams({ tradingDay: 1 })))).toEqual([2, 5, 6]);
  });

  it('day 2: the second bar of a month (March has only one bar)', () => {
    const p = TURN_OF_MONTH.resolveParams({ tradingDay: 2 });
    expect(idx(TURN_OF_MONTH.signalIndices(s, p))).toEqual([3, 7]);
    expect(TURN_OF_MONTH.why(s, 7, p)).toEqual({ family: 'turn_of_month', close: 8, monthStart: '2024-04-01', tradingDay: 2 });
  });
});

describe('Bollinger squeeze breakout', () => {
  // period 4, 1.5 sd, squeeze = the lowest band width of 3 bars. Widths are (upper - lower) / middle.
  const closes = [100, 100, 100, 100, 100, 100, 101, 102, 102.5, 102.5, 102.4, 102.5, 102.2, 102.4, 104, 103.9, 103.8, 103.8, 103.9, 105];
  const s = series(closes);
  const at = (squeezeLookback: number) =>
    idx(BOLLINGER_SQUEEZE.signalIndices(s, BOLLINGER_SQUEEZE.resolveParams({ period: 4, stdDevs: 1.5, squeezeLookback })));

  it('fires on a close above the upper band right after the narrowest band of the last 3 bars', () => {
    // t6: 101 > upper 100.90 after three zero widths (a tie is a squeeze).
    // t7: 102 > upper 101.99 but width[6] 0.013 is not a squeeze.
    // t14: 104 > upper 103.85 but width[11] 0.0013 < width[13] 0.0032 sits exactly 3 bars back.
    // t17, t18: squeezes without a breakout. t19: 105 > upper 104.89 after the 0.0014 squeeze at t18.
    expect(at(3)).toEqual([6, 19]);
  });

  it('one bar shorter squeeze window lets t14 fire; one longer pushes t6 into the warm-up', () => {
    expect(at(2)).toEqual([6, 14, 19]);
    // First valid bar: period - 1 + squeezeLookback = 7.
    expect(at(4)).toEqual([19]);
  });

  it('why carries the bands at t and the squeezed width at t-1', () => {
    const w = BOLLINGER_SQUEEZE.why(s, 19, BOLLINGER_SQUEEZE.resolveParams({ period: 4, stdDevs: 1.5, squeezeLookback: 3 }))!;
    expect(w.family).toBe('bollinger_squeeze');
    expect(w.close).toBe(105);
    // Window 103.8, 103.8, 103.9, 105: mean 104.125, population variance 0.256875.
    expect(w.middle).toBeCloseTo(104.125, 10);
    expect(w.upper).toBeCloseTo(104.125 + 1.5 * Math.sqrt(0.256875), 10);
    // t18's window 103.9, 103.8, 103.8, 103.9: sd 0.05 around 103.85.
    expect(w.squeezeWidth).toBeCloseTo((2 * 1.5 * 0.05) / 103.85, 12);
    expect(BOLLINGER_SQUEEZE.why(s, 14, BOLLINGER_SQUEEZE.resolveParams({ period: 4, stdDevs: 1.5, squeezeLookback: 3 }))).toBeNull();
  });
});

describe('gap-down reversal', () => {
  const s = series([100, 99, 98, 94, 90, 89], { open: [100, 98, 97.03, 95, 90, 88] });
  const p = GAP_DOWN_REVERSAL.resolveParams({ minGapPct: 2 });

  it('fires on an up close after opening at least 2 % under the prior close', () => {
    // t1: opens exactly 2 % down (98 = 100 x 0.98) and closes up. t2: 97.03 is 1.99 % under 99.
    // t3: gaps 3.1 % but closes down. t4: gaps 4.3 % but closes at the open. t5: 2.2 % gap, up close.
    expect(idx(GAP_DOWN_REVERSAL.signalIndices(s, p))).toEqual([1, 5]);
  });

  it('why names the gap', () => {
    const w = GAP_DOWN_REVERSAL.why(s, 5, p)!;
    expect(w).toMatchObject({ family: 'gap_down_reversal', open: 88, prevClose: 90, close: 89, minGapPct: 2 });
    // 2 below 90.
    expect(w.gapPct).toBeCloseTo(200 / 90, 12);
    expect(GAP_DOWN_REVERSAL.why(s, 2, p)).toBeNull();
  });
});

describe('Donchian Breakout as a family', () => {
  const closes = [10, 10, 10, 10, 10.8, 10.5, 10.5, 11.2];
  const s = series(closes, {
    high: [10.2, 10.2, 10.2, 11.5, 11, 10.7, 10.6, 11.3],
    low: closes.map((c) => c - 0.3),
  });
  const p = DONCHIAN_FAMILY.resolveParams({ lookback: 3, smaPeriod: 3, atrPeriod: 2, minPrice: 5 });

  it('fires on a close above the highest high of the prior 3 bars, as the strategy does', () => {
    // t4: 10.8 < the 11.5 high of t3. t7: 11.2 > max(11, 10.7, 10.6) and > SMA(3) 10.73; t3's 11.5 is 4 bars back.
    expect(idx(DONCHIAN_FAMILY.signalIndices(s, p))).toEqual([7]);
    expect(idx(DONCHIAN_FAMILY.signalIndices(s, p))).toEqual(DONCHIAN_STRATEGY.signals(s, p).map((x) => x.index));
  });

  it('a 4-bar channel reaches t3\'s high and nothing fires; minPrice above the close vetoes it', () => {
    expect(idx(DONCHIAN_FAMILY.signalIndices(s, DONCHIAN_FAMILY.resolveParams({ ...p, lookback: 4 })))).toEqual([]);
    expect(idx(DONCHIAN_FAMILY.signalIndices(s, DONCHIAN_FAMILY.resolveParams({ ...p, minPrice: 11.21 })))).toEqual([]);
  });

  it('why carries the channel, the trend filter and the strategy\'s own stop', () => {
    const w = DONCHIAN_FAMILY.why(s, 7, p)!;
    expect(w).toMatchObject({ family: 'donchian', close: 11.2, channelHigh: 11, lookback: 3 });
    expect(w.sma).toBeCloseTo(32.2 / 3, 12);
    expect(w.atr).toBeGreaterThan(0);
    expect(w.stop).toBeCloseTo(11.2 - 2 * w.atr, 12);
    expect(w.target).toBeNull();
    expect(DONCHIAN_FAMILY.why(s, 6, p)).toBeNull();
  });
});

describe('Turtle Soup as a family', () => {
  const s = series([10.2, 10.4, 10.5, 10.6, 10.7, 10.8, 10.9, 11, 11.1], {
    high: [10.5, 10.6, 10.6, 10.7, 10.8, 10.9, 11, 11.1, 11.2],
    low: [10, 9.5, 10.1, 10.2, 9.4, 10.5, 10.6, 10.7, 10.4],
  });
  const p = TURTLE_SOUP_FAMILY.resolveParams({ lookback: 3, minBarsSinceLow: 2, smaPeriod: 2, atrPeriod: 2, minPrice: 5 });

  it('fires on a sweep and reclaim of a 3-bar low set at least 2 bars before, as the strategy does', () => {
    // t4: low 9.4 undercuts t1's 9.5 (3 bars old), closes 10.7 above it. t8: 10.4 undercuts t5's 10.5, closes 11.1.
    expect(idx(TURTLE_SOUP_FAMILY.signalIndices(s, p))).toEqual([4, 8]);
    expect(idx(TURTLE_SOUP_FAMILY.signalIndices(s, p))).toEqual(TURTLE_SOUP_STRATEGY.signals(s, p).map((x) => x.index));
  });

  it('near misses: a 4-bar window reaches t4\'s deeper low, and a low 3 bars old is one bar short of 4', () => {
    const at = (lookback: number, minBarsSinceLow: number) =>
      idx(TURTLE_SOUP_FAMILY.signalIndices(s, TURTLE_SOUP_FAMILY.resolveParams({ ...p, lookback, minBarsSinceLow })));
    // Both swept lows are exactly 3 bars old: a minimum of 3 still fires.
    expect(at(3, 3)).toEqual([4, 8]);
    // Lookback 4 at t8: the low to beat is t4's 9.4, which 10.4 does not undercut.
    expect(at(4, 3)).toEqual([4]);
    expect(at(4, 4)).toEqual([]);
  });

  it('why carries the swept low, its age and the strategy\'s own stop', () => {
    const w = TURTLE_SOUP_FAMILY.why(s, 8, p)!;
    expect(w).toMatchObject({ family: 'turtle_soup', close: 11.1, low: 10.4, priorLow: 10.5, barsSinceLow: 3, lookback: 3 });
    expect(w.sma).toBeCloseTo(11.05, 12);
    expect(w.stop).toBeCloseTo(11.1 - 2 * w.atr, 12);
    expect(TURTLE_SOUP_FAMILY.why(s, 7, p)).toBeNull();
  });
});
