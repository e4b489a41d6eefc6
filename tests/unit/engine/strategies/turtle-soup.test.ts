import { describe, expect, it } from 'vitest';
import { TURTLE_SOUP, TURTLE_SOUP_DEFAULTS } from '../../../../src/engine/strategies/index.js';
import { flatBars, type Hlc, seriesFromHlc } from './hand-bars.js';

/** Small periods so every number below can be worked by hand. */
const P = TURTLE_SOUP.resolveParams({ lookback: 5, minBarsSinceLow: 3, smaPeriod: 3, atrPeriod: 2, minPrice: 10 });

/** Six bars whose only low of 18 sits at `lowAt` (others >= 19), then the signal-shaped bar 6. */
function base(lowAt = 1, signalBar: Hlc = [21.8, 17.5, 21.6]): Hlc[] {
  const bars: Hlc[] = [
    [21, 19, 20],
    [21, 19, 20],
    [21, 19.5, 20.5],
    [21.5, 19.5, 21],
    [22, 20, 21.5],
    [22, 19, 21],
  ];
  const [h, , c] = bars[lowAt]!;
  bars[lowAt] = [h, 18, c];
  return [...bars, signalBar];
}

function indices(bars: readonly Hlc[], params = P): number[] {
  return TURTLE_SOUP.signals(seriesFromHlc(bars), params).map((s) => s.index);
}

describe('Turtle Soup on hand-built bars', () => {
  it('fires when an old low is swept and reclaimed above the SMA', () => {
    // t=6: L = min(low[1..5]) = 18 set at bar 1 (age 5 >= 3); low 17.5 < 18; close 21.6 > 18;
    // SMA3 = (21.5 + 21 + 21.6)/3 = 21.37 < 21.6.
    // ATR(2): TR 2, 3, 1.5, 2, 2, 3, 4.3 -> 2.5, 2, 2, 2, 2.5, 2.5 + (4.3-2.5)/2 = 3.4
    const [sig, ...rest] = TURTLE_SOUP.signals(seriesFromHlc(base()), P);
    expect(rest).toEqual([]);
    expect(sig).toMatchObject({ strategy: 'turtle_soup', index: 6, close: 21.6, target: null, timeStopBars: 5 });
    expect(sig!.atr).toBeCloseTo(3.4, 12);
    expect(sig!.stop).toBeCloseTo(21.6 - 6.8, 12);
    expect(sig!.score).toBeCloseTo((21.6 - 18) / 3.4, 12);
    expect(sig!.reasons).toEqual([
      'prior 5-bar low 18.00 last set 5 bars ago (>= 3)',
      'low 17.50 < prior low 18.00 (swept)',
      'close 21.60 > prior low 18.00 (reclaimed)',
      'close 21.60 > sma3 21.37',
      'close 21.60 >= minPrice 10.00',
      'stop 14.80 = close - 2 × atr2 3.40',
    ]);
  });

  it('needs the low to be at least minBarsSinceLow old', () => {
    expect(indices(base(3))).toEqual([6]); // age 3 = minimum
    expect(indices(base(4))).toEqual([]); // age 2
  });

  it('needs a real sweep and a real reclaim (strict inequalities)', () => {
    expect(indices(base(1, [21.8, 18, 21.6]))).toEqual([]); // low == L is no sweep
    // Reclaim isolated from the SMA filter: lookback 2, SMA 6 over earlier closes of 10.
    const params = TURTLE_SOUP.resolveParams({ lookback: 2, minBarsSinceLow: 2, smaPeriod: 6, atrPeriod: 2, minPrice: 0 });
    const reclaim = (close: number): Hlc[] => [
      ...flatBars(3, 10),
      [20.5, 19.5, 20], // bar 3 sets L = 19.5 (age 2 at t=5)
      [20.5, 19.8, 20],
      [20.5, 19, close], // SMA6 = (30 + 40 + close)/6 < close for close > 14
    ];
    expect(indices(reclaim(19.6), params)).toEqual([5]);
    expect(indices(reclaim(19.5), params)).toEqual([]); // close == L is no reclaim
  });

  it('respects the SMA trend filter', () => {
    // Same shape, but the closes before the signal bar are high: SMA3 = (21.5 + 25 + 21.6)/3 > 21.6.
    const bars = base();
    bars[5] = [25.5, 19, 25];
    expect(indices(bars)).toEqual([]);
  });

  it('applies minPrice inclusively', () => {
    const near10 = (close: number): Hlc[] => [
      [10.5, 10, 10.2],
      [10.5, 9.8, 10.2], // L = 9.8
      [10.5, 10, 10.3],
      [10.6, 9.85, 9.9],
      [10.6, 9.85, 9.9],
      [10.5, 9.7, close], // SMA3 = (9.9 + 9.9 + close)/3 < close
    ];
    expect(indices(near10(10))).toEqual([5]);
    expect(indices(near10(9.99))).toEqual([]);
  });

  it('filters on IBS only when maxIbs is set', () => {
    // IBS of bar 6 = (21.6 - 17.5)/(21.8 - 17.5) = 4.1/4.3 = 0.9535
    expect(indices(base(), { ...P, maxIbs: 0.96 })).toEqual([6]);
    expect(indices(base(), { ...P, maxIbs: 0.95 })).toEqual([]);
    const [sig] = TURTLE_SOUP.signals(seriesFromHlc(base()), { ...P, maxIbs: 0.96 });
    expect(sig!.reasons).toContain('ibs 0.9535 <= maxIbs 0.9600');
  });

  it('stays silent while an indicator is warming up', () => {
    expect(indices(base(), { ...P, smaPeriod: 8 })).toEqual([]);
    expect(indices(base(), { ...P, atrPeriod: 8 })).toEqual([]);
    expect(indices(base(), { ...P, lookback: 7, minBarsSinceLow: 3 })).toEqual([]);
  });

  it('sets an R-multiple target when targetR is given', () => {
    const [sig] = TURTLE_SOUP.signals(seriesFromHlc(base()), { ...P, targetR: 1.5 });
    // risk = 2·3.4 = 6.8 -> target = 21.6 + 1.5·6.8 = 31.8
    expect(sig!.target).toBeCloseTo(31.8, 12);
  });

  describe('with the default parameters (lookback 20, low at least 4 bars old)', () => {
    // 229 quiet bars at 50 (low 49.5); the 20-bar low of 48 is planted `age` bars before
    // the signal bar t = 229, which sweeps to 47.9 and closes at 50.2 > SMA200 ≈ 50.001.
    const T = 229;
    const signalBar: Hlc = [50.5, 47.9, 50.2];
    function withLowsAt(...ages: number[]): Hlc[] {
      const bars = flatBars(T, 50);
      for (const age of ages) bars[T - age] = [50.5, 48, 50];
      return [...bars, signalBar];
    }

    it('does NOT fire when the low was set 3 bars ago', () => {
      expect(indices(withLowsAt(3), TURTLE_SOUP_DEFAULTS)).toEqual([]);
    });

    it('fires when the low was set 4 bars ago', () => {
      expect(indices(withLowsAt(4), TURTLE_SOUP_DEFAULTS)).toEqual([T]);
    });

    it('fires when the low sits at the far edge of the window (t-20) but not just outside it (t-21)', () => {
      expect(indices(withLowsAt(20), TURTLE_SOUP_DEFAULTS)).toEqual([T]);
      // Outside the window L = 49.5, last set at t-1: too recent.
      expect(indices(withLowsAt(21), TURTLE_SOUP_DEFAULTS)).toEqual([]);
    });

    it('uses the MOST RECENT bar that set the low when it was hit twice', () => {
      expect(indices(withLowsAt(6, 2), TURTLE_SOUP_DEFAULTS)).toEqual([]); // re-set 2 bars ago
      const sigs = TURTLE_SOUP.signals(seriesFromHlc(withLowsAt(9, 5)), TURTLE_SOUP_DEFAULTS);
      expect(sigs.map((s) => s.index)).toEqual([T]);
      expect(sigs[0]!.reasons[0]).toBe('prior 20-bar low 48.00 last set 5 bars ago (>= 4)');
    });

    it('does not fire when the close is below the SMA(200)', () => {
      const bars = withLowsAt(6);
      bars[T] = [50.5, 47.9, 49.9];
      expect(indices(bars, TURTLE_SOUP_DEFAULTS)).toEqual([]);
    });
  });
});
