import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import {
  atr,
  bollinger,
  dollarAdv,
  donchianLowerWithIndex,
  donchianUpper,
  ema,
  histVol,
  rsi,
  sma,
  stochastic,
  trueRange,
  zScore,
} from '../../../../src/engine/indicators/index.js';
import { loadFixture } from '../fixtures.js';
import { barSeriesArb } from './support/bars-arbitrary.js';
import { expectColumnsClose } from './support/assert-close.js';
import {
  naiveAtr,
  naiveBollinger,
  naiveDollarAdv,
  naiveDonchianLower,
  naiveDonchianUpper,
  naiveEma,
  naiveHistVol,
  naiveRsi,
  naiveSma,
  naiveStochastic,
  naiveTrueRange,
  naiveZScore,
} from './support/naive.js';

const REAL = ['SPY', 'GL', 'RVLV'].map(loadFixture);

/** The spec's bar for rolling means: 1e-9 relative to a from-scratch window sum. */
const REL = 1e-9;

function checkAll(s: BarSeries, n: number): void {
  const { high, low, close, volume } = s;
  expectColumnsClose(sma(close, n), naiveSma(close, n), REL, `sma${n}`);
  expectColumnsClose(dollarAdv(close, volume, n), naiveDollarAdv(close, volume, n), REL, `adv${n}`);
  // Max/min involve no arithmetic: exact equality, and the exact tie-breaking index.
  expect(Array.from(donchianUpper(high, n))).toEqual(naiveDonchianUpper(high, n));
  const dl = donchianLowerWithIndex(low, n);
  const ref = naiveDonchianLower(low, n);
  expect(Array.from(dl.lower)).toEqual(ref.lower);
  expect(Array.from(dl.lowerIndex)).toEqual(ref.index);
  const bb = bollinger(close, n, 2);
  const rb = naiveBollinger(close, n, 2);
  expectColumnsClose(bb.middle, rb.middle, REL, 'bb middle');
  expectColumnsClose(bb.upper, rb.upper, REL, 'bb upper');
  expectColumnsClose(bb.lower, rb.lower, REL, 'bb lower');
  expectColumnsClose(trueRange(high, low, close), naiveTrueRange(high, low, close), 1e-15, 'tr');
  expectColumnsClose(atr(high, low, close, n), naiveAtr(high, low, close, n), REL, `atr${n}`);
  expectColumnsClose(ema(close, n), naiveEma(close, n), REL, `ema${n}`);
  expectColumnsClose(rsi(close, n), naiveRsi(close, n), REL, `rsi${n}`);
  const st = stochastic(high, low, close, n, 3);
  const rs = naiveStochastic(high, low, close, n, 3);
  expectColumnsClose(st.k, rs.k, REL, 'stoch k');
  expectColumnsClose(st.d, rs.d, REL, 'stoch d');
  if (n >= 2) {
    expectColumnsClose(histVol(close, n), naiveHistVol(close, n), REL, `hv${n}`);
    // z divides by a possibly tiny sd, so the absolute error scales with 1/sd; 1e-6 is still far below display precision.
    expectColumnsClose(zScore(close, n), naiveZScore(close, n), 1e-6, `z${n}`);
  }
}

describe('kernels vs naive O(n·k) references', () => {
  for (const s of REAL) {
    it(`agree on real ${s.symbol} bars for several periods`, () => {
      for (const n of [1, 2, 3, 14, 20, 55, 200]) checkAll(s, n);
    });
  }

  it('z-score agrees with a two-pass reference on real bars', () => {
    for (const s of REAL) {
      for (const n of [2, 20, 60]) expectColumnsClose(zScore(s.close, n), naiveZScore(s.close, n), 1e-8, `${s.symbol} z${n}`);
    }
  });

  it('agree on random bar series, including coarse ticks with many ties and flat bars', () => {
    fc.assert(
      fc.property(
        barSeriesArb({ maxLength: 400 }),
        barSeriesArb({ maxLength: 400, tick: 0.01 }),
        fc.integer({ min: 1, max: 60 }),
        (a, b, n) => {
          checkAll(a, n);
          checkAll(b, n);
        },
      ),
      // A failure here shrinks 400-bar series through every kernel, which can take
      // minutes; stop shrinking after 30 s and report the best counterexample so far.
      { numRuns: 60, interruptAfterTimeLimit: 30_000 },
    );
  });

  it('the lower-band index always points at a bar inside the window that attains the band', () => {
    fc.assert(
      fc.property(barSeriesArb({ maxLength: 300, tick: 1 }), fc.integer({ min: 1, max: 30 }), (s, n) => {
        const { lower, lowerIndex } = donchianLowerWithIndex(s.low, n);
        for (let t = n; t < s.low.length; t++) {
          const k = lowerIndex[t]!;
          expect(k).toBeGreaterThanOrEqual(t - n);
          expect(k).toBeLessThanOrEqual(t - 1);
          expect(s.low[k]).toBe(lower[t]);
          // Most recent: nothing after k in the window is as low.
          for (let j = k + 1; j < t; j++) expect(s.low[j]!).toBeGreaterThan(lower[t]!);
        }
      }),
      { numRuns: 60 },
    );
  });
});
