import { describe, expect, it } from 'vitest';
import {
  atr,
  bollinger,
  dollarAdv,
  donchianLower,
  donchianLowerWithIndex,
  donchianUpper,
  ema,
  histVol,
  ibs,
  ibsValue,
  macd,
  momentum,
  roc,
  rsi,
  sma,
  stochastic,
  trueRange,
  zScore,
} from '../../../../src/engine/indicators/index.js';

const f = (xs: number[]) => Float64Array.from(xs);
const N = Number.NaN;

/** Compares with NaN == NaN and a tolerance for the arithmetic written as fractions. */
function expectSeq(actual: Float64Array | Int32Array, expected: number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (Number.isNaN(e)) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(e, -Math.log10(tol));
  });
}

describe('SMA', () => {
  it('averages the n values ending at t, NaN before n-1', () => {
    // [1,2,3]/3 = 2, [2,3,4]/3 = 3, [3,4,11]/3 = 6
    expectSeq(sma(f([1, 2, 3, 4, 11]), 3), [N, N, 2, 3, 6]);
  });

  it('stays exact across rebases on data that makes a running sum drift', () => {
    // Alternating 1e9 and 1e-3: a naive running sum loses the small terms.
    const xs = Float64Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? 1e9 + i : 1e-3 * i));
    const out = sma(xs, 7);
    for (let t = 6; t < xs.length; t++) {
      let s = 0;
      for (let j = t - 6; j <= t; j++) s += xs[j]!;
      expect(Math.abs(out[t]! - s / 7) / (s / 7)).toBeLessThan(1e-12);
    }
  });

  it('returns all NaN when the series is shorter than the period', () => {
    expectSeq(sma(f([1, 2]), 3), [N, N]);
  });

  it('rejects non-integer or non-positive periods', () => {
    expect(() => sma(f([1]), 0)).toThrow(RangeError);
    expect(() => sma(f([1]), 2.5)).toThrow(/integer >= 1/);
  });
});

describe('EMA', () => {
  it('seeds with the SMA at n-1, then e += alpha·(x - e)', () => {
    // n=3, alpha = 2/4 = 0.5; seed at index 2 = (2+4+6)/3 = 4
    // index 3: 4 + 0.5·(8-4) = 6; index 4: 6 + 0.5·(4-6) = 5
    expectSeq(ema(f([2, 4, 6, 8, 4]), 3), [N, N, 4, 6, 5]);
  });
});

// (high, low, close) bars used for TR/ATR:
//  0: 10, 8, 9       TR0 = 10-8 = 2 (no previous close)
//  1: 12, 9, 11      TR1 = max(3, |12-9|=3, |9-9|=0) = 3
//  2: 11, 10.5, 10.8 TR2 = max(0.5, |11-11|=0, |10.5-11|=0.5) = 0.5
//  3: 13, 12, 12.5   gap up: TR3 = max(1, |13-10.8|=2.2, |12-10.8|=1.2) = 2.2
//  4: 10, 9, 9.5     gap down: TR4 = max(1, |10-12.5|=2.5, |9-12.5|=3.5) = 3.5
const H = f([10, 12, 11, 13, 10]);
const L = f([8, 9, 10.5, 12, 9]);
const C = f([9, 11, 10.8, 12.5, 9.5]);

describe('true range and ATR', () => {
  it('uses high-low on bar 0 and the previous close after that', () => {
    expectSeq(trueRange(H, L, C), [2, 3, 0.5, 2.2, 3.5]);
  });

  it('seeds Wilder ATR with the mean of TR[0..n-1] at n-1', () => {
    const a2 = (2 + 3 + 0.5) / 3; // 11/6
    const a3 = a2 + (2.2 - a2) / 3;
    const a4 = a3 + (3.5 - a3) / 3;
    expectSeq(atr(H, L, C, 3), [N, N, a2, a3, a4]);
  });
});

describe('RSI', () => {
  it('matches the Wilder recursion worked by hand', () => {
    // closes 10, 11, 10.5, 11.5, 11, 12 -> changes +1, -0.5, +1, -0.5, +1
    // index 3: avgGain (1+0+1)/3 = 2/3, avgLoss (0+0.5+0)/3 = 1/6 -> 100·(2/3)/(2/3+1/6) = 80
    // index 4 (-0.5): g = 2/3 + (0-2/3)/3 = 4/9; l = 1/6 + (0.5-1/6)/3 = 5/18 -> 100·(4/9)/(13/18) = 800/13
    // index 5 (+1):   g = 4/9 + (1-4/9)/3 = 17/27; l = 5/18·2/3 = 5/27 -> 100·17/22
    expectSeq(rsi(f([10, 11, 10.5, 11.5, 11, 12]), 3), [N, N, N, 80, 800 / 13, 1700 / 22], 1e-10);
  });

  it('is 100 with no losses, 0 with no gains and 50 when flat', () => {
    expectSeq(rsi(f([1, 2, 3, 4]), 2), [N, N, 100, 100]);
    expectSeq(rsi(f([4, 3, 2, 1]), 2), [N, N, 0, 0]);
    expectSeq(rsi(f([5, 5, 5, 5]), 2), [N, N, 50, 50]);
  });
});

describe('Donchian', () => {
  const high = f([5, 7, 6, 4, 8, 3]);
  const low = f([3, 2, 4, 2, 5, 6]);

  it('uses the n bars before t, never bar t itself', () => {
    // t=3: max(5,7,6) = 7; t=4: max(7,6,4) = 7 (bar 4's own 8 ignored); t=5: max(6,4,8) = 8
    expectSeq(donchianUpper(high, 3), [N, N, N, 7, 7, 8]);
    // t=3: min(3,2,4) = 2; t=4: min(2,4,2) = 2; t=5: min(4,2,5) = 2
    expectSeq(donchianLower(low, 3), [N, N, N, 2, 2, 2]);
  });

  it('reports the most recent bar that set the low', () => {
    // t=3: only bar 1 has 2; t=4: bars 1 and 3 tie at 2 -> 3; t=5: window 2..4, bar 3
    const { lower, lowerIndex } = donchianLowerWithIndex(low, 3);
    expectSeq(lower, [N, N, N, 2, 2, 2]);
    expect(Array.from(lowerIndex)).toEqual([-1, -1, -1, 1, 3, 3]);
  });
});

describe('IBS', () => {
  it('places the close in the bar range, 0.5 for a zero-range bar', () => {
    // (9.5-8)/(10-8) = 0.75; (8-8)/2 = 0; 7 == 7 -> 0.5
    expectSeq(ibs(f([10, 10, 7]), f([8, 8, 7]), f([9.5, 8, 7])), [0.75, 0, 0.5]);
    expect(ibsValue(10, 8, 10)).toBe(1);
  });
});

describe('Bollinger bands', () => {
  it('uses the SMA and the population standard deviation', () => {
    // window [1,2,3]: mean 2, variance (1+0+1)/3 = 2/3
    // window [2,3,4]: mean 3, variance 2/3; window [3,4,8]: mean 5, variance (4+1+9)/3 = 14/3
    const bb = bollinger(f([1, 2, 3, 4, 8]), 3, 2);
    const s1 = Math.sqrt(2 / 3);
    const s3 = Math.sqrt(14 / 3);
    expectSeq(bb.middle, [N, N, 2, 3, 5]);
    expectSeq(bb.upper, [N, N, 2 + 2 * s1, 3 + 2 * s1, 5 + 2 * s3]);
    expectSeq(bb.lower, [N, N, 2 - 2 * s1, 3 - 2 * s1, 5 - 2 * s3]);
  });
});

describe('dollar ADV', () => {
  it('averages close·volume over the n bars ending at t', () => {
    // products 10·1 = 10, 20·2 = 40, 30·3 = 90 -> (10+40)/2 = 25, (40+90)/2 = 65
    expectSeq(dollarAdv(f([10, 20, 30]), f([1, 2, 3]), 2), [N, 25, 65]);
  });
});

describe('MACD', () => {
  it('differences two SMA-seeded EMAs and smooths the line with an SMA-seeded signal EMA', () => {
    // closes 3, 6, 9, 6, 3 with (fast 2, slow 3, signal 2)
    // EMA2 (alpha 2/3): idx1 4.5; idx2 4.5+(9-4.5)·2/3 = 7.5; idx3 7.5+(6-7.5)·2/3 = 6.5; idx4 6.5+(3-6.5)·2/3 = 25/6
    // EMA3 (alpha 1/2): idx2 6; idx3 6; idx4 6+(3-6)/2 = 4.5
    // line: idx2 1.5, idx3 0.5, idx4 25/6 - 4.5 = -1/3
    // signal EMA2 of line: idx3 (1.5+0.5)/2 = 1; idx4 1 + (-1/3-1)·2/3 = 1/9
    const m = macd(f([3, 6, 9, 6, 3]), 2, 3, 2);
    expectSeq(m.macd, [N, N, 1.5, 0.5, -1 / 3]);
    expectSeq(m.signal, [N, N, N, 1, 1 / 9]);
    expectSeq(m.histogram, [N, N, N, -0.5, -1 / 3 - 1 / 9]);
  });

  it('requires fast < slow', () => {
    expect(() => macd(f([1, 2, 3]), 5, 5, 2)).toThrow(/fast period/);
  });
});

describe('stochastic', () => {
  it('computes %K over the window ending at t and %D as its SMA', () => {
    // t=2: HH max(10,12,11) = 12, LL min(8,9,9) = 8 -> 100·(10-8)/4 = 50
    // t=3: HH 13, LL 9 -> 100·(12-9)/4 = 75; %D(2) = (50+75)/2 = 62.5
    const st = stochastic(f([10, 12, 11, 13]), f([8, 9, 9, 10]), f([9, 11, 10, 12]), 3, 2);
    expectSeq(st.k, [N, N, 50, 75]);
    expectSeq(st.d, [N, N, N, 62.5]);
  });

  it('is 50 over a window with no range', () => {
    expectSeq(stochastic(f([5, 5]), f([5, 5]), f([5, 5]), 2, 1).k, [N, 50]);
  });
});

describe('ROC and momentum', () => {
  it('compare close with the close n bars earlier', () => {
    // t=2: (12-10)/10·100 = 20, 12-10 = 2; t=3: (9.9-11)/11·100 = -10, 9.9-11 = -1.1
    expectSeq(roc(f([10, 11, 12, 9.9]), 2), [N, N, 20, -10]);
    expectSeq(momentum(f([10, 11, 12, 9.9]), 2), [N, N, 2, -1.1]);
  });
});

describe('z-score', () => {
  it('divides the distance from the mean by the population sd, 0 when flat', () => {
    // window [1,2,3]: (3-2)/sqrt(2/3); [2,3,4]: (4-3)/sqrt(2/3); [3,4,8]: (8-5)/sqrt(14/3)
    expectSeq(zScore(f([1, 2, 3, 4, 8]), 3), [N, N, 1 / Math.sqrt(2 / 3), 1 / Math.sqrt(2 / 3), 3 / Math.sqrt(14 / 3)]);
    expectSeq(zScore(f([7, 7, 7]), 2), [N, 0, 0]);
  });
});

describe('cancellation in the rolling variance', () => {
  it('reports exactly 0 volatility once a halted stock has only zero returns in the window', () => {
    // Volatile returns leave the window; the 3 remaining log returns are ln(80/80) = 0.
    const hv = histVol(f([100, 120, 90, 130, 80, 80, 80, 80]), 3);
    expect(hv[7]).toBe(0);
    expect(hv[6]).toBeGreaterThan(0); // still holds ln(80/130)
  });

  it('resolves a window whose spread is a single ulp', () => {
    // Two values: z of the lower one is exactly -1 however close they are.
    expect(zScore(f([5, 4.999999999999999]), 2)[1]).toBeCloseTo(-1, 12);
    // After 5 leaves, the window [a, b, b] with a - b = 1 ulp has z(b) = -1/sqrt(2).
    const z = zScore(f([5, 4.9999999157063035, 4.999999915706303, 4.999999915706303]), 3);
    expect(z[3]).toBeCloseTo(-1 / Math.SQRT2, 12);
  });
});

describe('historical volatility', () => {
  it('annualises the sample sd of log returns', () => {
    // returns a = ln(110/100), b = ln(99/110); sample sd of two values = |a-b|/sqrt(2)
    const a = Math.log(1.1);
    const b = Math.log(99 / 110);
    expectSeq(histVol(f([100, 110, 99]), 2), [N, N, (Math.abs(a - b) / Math.SQRT2) * Math.sqrt(252)]);
  });
});
