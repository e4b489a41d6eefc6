import { describe, expect, it } from 'vitest';
import { DONCHIAN, DONCHIAN_DEFAULTS } from '../../../../src/engine/strategies/index.js';
import { flatBars, type Hlc, seriesFromHlc } from './hand-bars.js';

/** Small periods so every number below can be worked by hand. */
const P = DONCHIAN.resolveParams({ lookback: 3, smaPeriod: 3, atrPeriod: 2, minPrice: 5 });

// [high, low, close]
const BASE: Hlc[] = [
  [10, 9, 9.5],
  [10.5, 9.5, 10],
  [10.2, 9.6, 10],
  [10.4, 9.8, 10.1],
  [11, 10, 10.8], // t=4: upper3 = max(10.5, 10.2, 10.4) = 10.5 < 10.8
];

function indices(bars: readonly Hlc[], params = P): number[] {
  return DONCHIAN.signals(seriesFromHlc(bars), params).map((s) => s.index);
}

describe('Donchian Breakout on hand-built bars', () => {
  it('fires on a close above the prior-bars high, above the SMA, with ATR-based levels', () => {
    const [sig, ...rest] = DONCHIAN.signals(seriesFromHlc(BASE), P);
    expect(rest).toEqual([]);
    // t=3 does not fire: upper3 = max(10, 10.5, 10.2) = 10.5 > close 10.1.
    // ATR(2): TR = 1, 1, 0.6, 0.6, 1 -> ATR1 = 1, ATR2 = 0.8, ATR3 = 0.7, ATR4 = 0.7 + (1-0.7)/2 = 0.85
    // SMA3 at 4 = (10 + 10.1 + 10.8)/3 = 10.3; stop = 10.8 - 2·0.85 = 9.1; score = (10.8-10.5)/0.85
    expect(sig).toMatchObject({
      symbol: 'HAND',
      strategy: 'donchian',
      index: 4,
      date: '2020-01-05',
      close: 10.8,
      target: null,
      timeStopBars: 5,
    });
    expect(sig!.atr).toBeCloseTo(0.85, 12);
    expect(sig!.stop).toBeCloseTo(9.1, 12);
    expect(sig!.score).toBeCloseTo(0.3 / 0.85, 12);
    expect(sig!.reasons).toEqual([
      'close 10.80 > donchian upper3 (highest high of the prior 3 bars) 10.50',
      'close 10.80 > sma3 10.30',
      'close 10.80 >= minPrice 5.00',
      'stop 9.10 = close - 2 × atr2 0.8500', // values below 1 get 4 decimals
    ]);
  });

  it('does not fire when the close only equals the prior high', () => {
    expect(indices([...BASE.slice(0, 4), [11, 10, 10.5]])).toEqual([]);
  });

  it('does not count bar t itself in the channel', () => {
    // Bar 4's own high (11) is above its close; only bars 1..3 define the channel.
    expect(indices(BASE)).toEqual([4]);
  });

  it('respects the SMA trend filter', () => {
    // lookback 2, SMA 5. Breakout at t=5: upper2 = max(10.3, 10.3) = 10.3 < 10.6.
    const params = DONCHIAN.resolveParams({ lookback: 2, smaPeriod: 5, atrPeriod: 2 });
    const tail: Hlc[] = [
      [10.3, 9.7, 10],
      [10.3, 9.9, 10.2],
      [10.8, 10.1, 10.6],
    ];
    // Earlier closes at 20: SMA5 = (20+20+10+10.2+10.6)/5 = 14.16 > 10.6 -> no signal.
    expect(indices([...flatBars(3, 20), ...tail], params)).toEqual([]);
    // Earlier closes at 10: SMA5 = (10+10+10+10.2+10.6)/5 = 10.16 < 10.6 -> fires.
    expect(indices([...flatBars(3, 10).map(([, l, c]) => [10.3, l, c] as const), ...tail], params)).toEqual([5]);
  });

  it('applies minPrice inclusively', () => {
    const near5 = (close: number): Hlc[] => [
      [4.8, 4.6, 4.7],
      [4.9, 4.7, 4.8],
      [4.85, 4.75, 4.8],
      [4.9, 4.8, 4.85],
      [5.1, 4.9, close], // upper3 = 4.9, SMA3 < close
    ];
    expect(indices(near5(5))).toEqual([4]);
    expect(indices(near5(4.99))).toEqual([]);
  });

  it('stays silent while an indicator is warming up', () => {
    // ATR(6) first exists at t=5, so the t=4 breakout cannot fire; neither can an SMA(6).
    expect(indices(BASE, DONCHIAN.resolveParams({ lookback: 3, smaPeriod: 3, atrPeriod: 6 }))).toEqual([]);
    expect(indices(BASE, DONCHIAN.resolveParams({ lookback: 3, smaPeriod: 6, atrPeriod: 2 }))).toEqual([]);
    // A lookback longer than the history leaves no complete channel.
    expect(indices(BASE, DONCHIAN.resolveParams({ lookback: 5, smaPeriod: 3, atrPeriod: 2 }))).toEqual([]);
  });

  it('sets an R-multiple target when targetR is given', () => {
    const [sig] = DONCHIAN.signals(seriesFromHlc(BASE), { ...P, targetR: 2 });
    // risk = 10.8 - 9.1 = 1.7 -> target = 10.8 + 2·1.7 = 14.2
    expect(sig!.target).toBeCloseTo(14.2, 12);
    expect(sig!.reasons.at(-1)).toBe('target 14.20 = close + 2R');
  });

  describe('with the default parameters', () => {
    // 250 quiet bars at 20 (TR = 1 each, so ATR14 = 1), then a close at 21.5.
    const breakout: Hlc = [21.7, 20, 21.5];

    it('fires once with upper55 = 20.5, SMA200 = 20.0075 and Wilder ATR', () => {
      const sigs = DONCHIAN.signals(seriesFromHlc([...flatBars(250, 20), breakout]));
      expect(sigs.map((s) => s.index)).toEqual([250]);
      // TR250 = max(1.7, |21.7-20|, |20-20|) = 1.7 -> ATR = 1 + (1.7-1)/14 = 1.05
      expect(sigs[0]!.atr).toBeCloseTo(1.05, 12);
      expect(sigs[0]!.stop).toBeCloseTo(21.5 - 2.1, 12);
      expect(sigs[0]!.score).toBeCloseTo(1 / 1.05, 12);
      // SMA200 = (199·20 + 21.5)/200 = 20.0075
      expect(sigs[0]!.reasons.slice(0, 2)).toEqual([
        'close 21.50 > donchian upper55 (highest high of the prior 55 bars) 20.50',
        'close 21.50 > sma200 20.01',
      ]);
    });

    it('can fire on the first bar with an SMA(200) (index 199) but not the one before', () => {
      expect(indices([...flatBars(199, 20), breakout], DONCHIAN_DEFAULTS)).toEqual([199]);
      expect(indices([...flatBars(198, 20), breakout], DONCHIAN_DEFAULTS)).toEqual([]);
    });
  });
});
