import * as ti from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import {
  atr,
  bollinger,
  donchianLower,
  donchianUpper,
  ema,
  macd,
  roc,
  rsi,
  sma,
  stochastic,
  trueRange,
} from '../../../../src/engine/indicators/index.js';
import { loadFixture } from '../fixtures.js';

/**
 * Cross-check against the `technicalindicators` package on real SPY bars.
 * The package returns arrays WITHOUT warm-up entries, so its k-th output
 * belongs to bar `offset + k`; each test states the offset it uses and why.
 * Where its conventions differ from ours the test says so and compares only
 * where the difference is provably gone.
 */
const spy = loadFixture('SPY');
const close = Array.from(spy.close);
const high = Array.from(spy.high);
const low = Array.from(spy.low);
const TOL = 1e-6;

function expectAligned(ours: Float64Array, theirs: number[], offset: number, label: string, from = offset): void {
  expect(theirs.length, `${label}: reference length`).toBe(ours.length - offset);
  // Our warm-up must be exactly the bars the package skips.
  for (let t = 0; t < offset; t++) expect(ours[t], `${label}[${t}] warm-up`).toBeNaN();
  for (let t = from; t < ours.length; t++) {
    const b = theirs[t - offset]!;
    const a = ours[t]!;
    if (!(Math.abs(a - b) <= TOL * Math.max(1, Math.abs(b)))) expect.fail(`${label}[${t}]: ours ${a}, theirs ${b}`);
  }
}

describe('indicators vs technicalindicators on SPY', () => {
  it('SMA(20), SMA(200): first value at n-1', () => {
    for (const n of [20, 200]) expectAligned(sma(spy.close, n), ti.sma({ period: n, values: close }), n - 1, `sma${n}`);
  });

  it('EMA(20): both SMA-seeded at n-1', () => {
    expectAligned(ema(spy.close, 20), ti.ema({ period: 20, values: close }), 19, 'ema20');
  });

  it('true range: the package has no bar-0 value (we use high-low), identical afterwards', () => {
    const theirs = ti.truerange({ high, low, close });
    const ours = trueRange(spy.high, spy.low, spy.close);
    expect(ours[0]).toBe(high[0]! - low[0]!);
    expectAligned(ours.subarray(1), theirs, 0, 'tr');
  });

  it('ATR(14): the package seeds one bar later, equal once the seed difference has decayed', () => {
    // Package: ATR[14] = mean(TR[1..14]); ours: ATR[13] = mean(TR[0..13]). Both
    // then apply the same Wilder step, so the gap shrinks by 13/14 per bar:
    // after 300 bars it is below 1e-9 of the initial gap.
    const theirs = ti.atr({ high, low, close, period: 14 });
    const ours = atr(spy.high, spy.low, spy.close, 14);
    expect(theirs.length).toBe(ours.length - 14);
    expect(Math.abs(ours[14]! - theirs[0]!)).toBeGreaterThan(1e-6); // the seeds really differ
    for (let t = 300; t < ours.length; t++) {
      expect(Math.abs(ours[t]! - theirs[t - 14]!)).toBeLessThanOrEqual(TOL * theirs[t - 14]!);
    }
  });

  it('RSI(14): identical averages; the package rounds RSI to 2 decimals', () => {
    // Rebuild unrounded RSI from the package's own average gain/loss series
    // (first value at bar 14, same seeding as ours) for the 1e-6 comparison,
    // and check its rounded RSI within half a cent.
    const g = ti.averagegain({ period: 14, values: close });
    const l = ti.averageloss({ period: 14, values: close });
    const rebuilt = g.map((gi, k) => (l[k] === 0 ? 100 : 100 - 100 / (1 + gi / l[k]!)));
    const ours = rsi(spy.close, 14);
    expectAligned(ours, rebuilt, 14, 'rsi14 vs package averages');
    const rounded = ti.rsi({ period: 14, values: close });
    expect(rounded.length).toBe(ours.length - 14);
    for (let t = 14; t < ours.length; t++) expect(Math.abs(ours[t]! - rounded[t - 14]!)).toBeLessThanOrEqual(0.005 + 1e-9);
  });

  it('Bollinger(20, 2): same population standard deviation', () => {
    const theirs = ti.bollingerbands({ period: 20, stdDev: 2, values: close });
    const bb = bollinger(spy.close, 20, 2);
    expectAligned(bb.middle, theirs.map((r) => r.middle), 19, 'bb middle');
    expectAligned(bb.upper, theirs.map((r) => r.upper), 19, 'bb upper');
    expectAligned(bb.lower, theirs.map((r) => r.lower), 19, 'bb lower');
  });

  it('MACD(12, 26, 9) with EMA oscillator and EMA signal', () => {
    const theirs = ti.macd({
      values: close,
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
    const m = macd(spy.close, 12, 26, 9);
    expectAligned(m.macd, theirs.map((r) => r.MACD!), 25, 'macd line');
    // The package reports the signal as undefined until its EMA has 9 values: bar 25 + 8 = 33.
    const sig = theirs.slice(8).map((r) => r.signal!);
    expect(theirs[7]!.signal).toBeUndefined();
    expectAligned(m.signal, sig, 33, 'macd signal');
    expectAligned(m.histogram, theirs.slice(8).map((r) => r.histogram!), 33, 'macd histogram');
  });

  it('stochastic(14, 3): %K from bar 13, %D from bar 15', () => {
    const theirs = ti.stochastic({ high, low, close, period: 14, signalPeriod: 3 });
    const st = stochastic(spy.high, spy.low, spy.close, 14, 3);
    expectAligned(st.k, theirs.map((r) => r.k), 13, 'stoch k');
    expectAligned(st.d, theirs.slice(2).map((r) => r.d), 15, 'stoch d');
  });

  it('ROC(10)', () => {
    expectAligned(roc(spy.close, 10), ti.roc({ period: 10, values: close }), 10, 'roc10');
  });

  it('Donchian(55) is the package rolling highest/lowest shifted by one bar (bar t excluded)', () => {
    // highest/lowest({period: 55}) include the current bar, first value at 54; ours at t covers
    // bars t-55..t-1, i.e. the package's value at bar t-1 -> offset 55.
    const hi = ti.highest({ period: 55, values: high });
    const lo = ti.lowest({ period: 55, values: low });
    expectAligned(donchianUpper(spy.high, 55), hi.slice(0, hi.length - 1), 55, 'donchian upper55');
    expectAligned(donchianLower(spy.low, 55), lo.slice(0, lo.length - 1), 55, 'donchian lower55');
  });
});
