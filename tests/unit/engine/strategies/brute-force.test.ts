import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import type { Signal } from '../../../../src/engine/signal.js';
import {
  DONCHIAN,
  type DonchianParams,
  TURTLE_SOUP,
  type TurtleSoupParams,
} from '../../../../src/engine/strategies/index.js';
import { loadFixture } from '../fixtures.js';

/**
 * Independent brute-force checkers: for every bar t they recompute each rule
 * from the raw bars with plain loops (no engine code), then the engine's
 * signal list must match exactly — every engine signal satisfies every
 * condition and no qualifying bar is missing — with the same levels.
 */
interface Expected {
  index: number;
  stop: number;
  target: number | null;
  atr: number;
  score: number;
}

/** Wilder ATR from raw bars, textbook form ((n-1)·prev + TR)/n, TR[0] = high - low. */
function bruteAtr(s: BarSeries, n: number): number[] {
  const out: number[] = [];
  let sum = 0;
  let a = Number.NaN;
  for (let t = 0; t < s.close.length; t++) {
    const tr =
      t === 0
        ? s.high[0]! - s.low[0]!
        : Math.max(s.high[t]! - s.low[t]!, Math.abs(s.high[t]! - s.close[t - 1]!), Math.abs(s.low[t]! - s.close[t - 1]!));
    if (t < n) {
      sum += tr;
      if (t === n - 1) a = sum / n;
    } else {
      a = ((n - 1) * a + tr) / n;
    }
    out.push(a);
  }
  return out;
}

function bruteSma(s: BarSeries, t: number, n: number): number {
  if (t < n - 1) return Number.NaN;
  let sum = 0;
  for (let j = t - n + 1; j <= t; j++) sum += s.close[j]!;
  return sum / n;
}

function bruteDonchian(s: BarSeries, p: DonchianParams): Expected[] {
  const atr = bruteAtr(s, p.atrPeriod);
  const out: Expected[] = [];
  for (let t = 0; t < s.close.length; t++) {
    if (t < p.lookback || t < p.smaPeriod - 1 || t < p.atrPeriod - 1) continue; // warm-up
    let upper = Number.NEGATIVE_INFINITY;
    for (let j = t - p.lookback; j <= t - 1; j++) upper = Math.max(upper, s.high[j]!);
    const c = s.close[t]!;
    if (c > upper && c > bruteSma(s, t, p.smaPeriod) && c >= p.minPrice) {
      const stop = c - p.stopAtrMult * atr[t]!;
      out.push({
        index: t,
        stop,
        target: p.targetR === null ? null : c + p.targetR * (c - stop),
        atr: atr[t]!,
        score: (c - upper) / atr[t]!,
      });
    }
  }
  return out;
}

function bruteTurtleSoup(s: BarSeries, p: TurtleSoupParams): Expected[] {
  const atr = bruteAtr(s, p.atrPeriod);
  const out: Expected[] = [];
  for (let t = 0; t < s.close.length; t++) {
    if (t < p.lookback || t < p.smaPeriod - 1 || t < p.atrPeriod - 1) continue; // warm-up
    let L = Number.POSITIVE_INFINITY;
    for (let j = t - p.lookback; j <= t - 1; j++) L = Math.min(L, s.low[j]!);
    let lastSet = -1;
    for (let j = t - p.lookback; j <= t - 1; j++) if (s.low[j] === L) lastSet = j;
    const c = s.close[t]!;
    const h = s.high[t]!;
    const l = s.low[t]!;
    const ibs = h === l ? 0.5 : (c - l) / (h - l);
    if (
      t - lastSet >= p.minBarsSinceLow &&
      l < L &&
      c > L &&
      c > bruteSma(s, t, p.smaPeriod) &&
      c >= p.minPrice &&
      (p.maxIbs === null || ibs <= p.maxIbs)
    ) {
      const stop = c - p.stopAtrMult * atr[t]!;
      out.push({
        index: t,
        stop,
        target: p.targetR === null ? null : c + p.targetR * (c - stop),
        atr: atr[t]!,
        score: (c - L) / atr[t]!,
      });
    }
  }
  return out;
}

function expectSameSignals(actual: Signal[], expected: Expected[], s: BarSeries): void {
  expect(actual.map((x) => x.index)).toEqual(expected.map((x) => x.index));
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  actual.forEach((sig, k) => {
    const e = expected[k]!;
    expect(sig.symbol).toBe(s.symbol);
    expect(sig.date).toBe(s.dates[sig.index]);
    expect(sig.close).toBe(s.close[sig.index]);
    const ok =
      close(sig.stop, e.stop) &&
      close(sig.atr, e.atr) &&
      close(sig.score, e.score) &&
      (e.target === null ? sig.target === null : sig.target !== null && close(sig.target, e.target));
    if (!ok) expect.fail(`levels differ at ${sig.index}: ${JSON.stringify(sig)} vs ${JSON.stringify(e)}`);
    expect(sig.stop).toBeLessThan(sig.close);
    expect(Number.isFinite(sig.score)).toBe(true);
    expect(sig.reasons.length).toBeGreaterThanOrEqual(4);
  });
}

const SERIES = ['SPY', 'GL', 'RVLV'].map(loadFixture);

const DONCHIAN_VARIANTS: Partial<DonchianParams>[] = [
  {},
  { lookback: 20, smaPeriod: 50, minPrice: 0, targetR: 1.5 },
  { lookback: 10, smaPeriod: 5, atrPeriod: 20, stopAtrMult: 3 },
  { lookback: 100, smaPeriod: 100, minPrice: 100 },
];

// Sweep-and-reclaim is rare; smaPeriod 2 (close above the previous close) keeps the
// long-lookback variants from being vacuous on two years of GL/RVLV.
const TURTLE_VARIANTS: Partial<TurtleSoupParams>[] = [
  {},
  { lookback: 10, minBarsSinceLow: 2, smaPeriod: 50 },
  { lookback: 5, minBarsSinceLow: 1, smaPeriod: 2, maxIbs: 0.6, targetR: 2 },
  { lookback: 30, minBarsSinceLow: 8, smaPeriod: 2, minPrice: 0 },
];

describe('strategies vs an independent brute-force checker on real bars', () => {
  it('Donchian Breakout matches exactly for every symbol and parameter variant', () => {
    for (const v of DONCHIAN_VARIANTS) {
      const p = DONCHIAN.resolveParams(v);
      let total = 0;
      for (const s of SERIES) {
        const expected = bruteDonchian(s, p);
        expectSameSignals(DONCHIAN.signals(s, p), expected, s);
        total += expected.length;
      }
      // Guard against a vacuous pass: every variant must exercise the comparison.
      expect(total, JSON.stringify(v)).toBeGreaterThan(0);
    }
  });

  it('Turtle Soup matches exactly for every symbol and parameter variant', () => {
    for (const v of TURTLE_VARIANTS) {
      const p = TURTLE_SOUP.resolveParams(v);
      let total = 0;
      for (const s of SERIES) {
        const expected = bruteTurtleSoup(s, p);
        expectSameSignals(TURTLE_SOUP.signals(s, p), expected, s);
        total += expected.length;
      }
      expect(total, JSON.stringify(v)).toBeGreaterThan(0);
    }
  });

  it('the default parameters produce signals on SPY for both strategies', () => {
    const spy = SERIES[0]!;
    expect(bruteDonchian(spy, DONCHIAN.defaults).length).toBeGreaterThan(10);
    expect(bruteTurtleSoup(spy, TURTLE_SOUP.defaults).length).toBeGreaterThan(3);
  });
});
