import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../src/engine/backtest/prng.js';
import {
  calibrateCusum,
  DRIFT_FALSE_ALARM_BOUND,
  DRIFT_HORIZON,
  DRIFT_MIN_LIVE,
  DRIFT_MIN_REFERENCE,
  lowerCusum,
  referenceMoments,
  runDriftTest,
} from '../../../../src/engine/risk/drift-cusum.js';

/** A skewed trend-follower's R distribution: many small losers near −1, a few big winners. */
function referenceSample(n: number, seed: number): number[] {
  const rnd = mulberry32(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = rnd();
    out.push(u < 0.6 ? -1 + 0.2 * rnd() : u < 0.9 ? 0.5 + rnd() : 2 + 4 * rnd());
  }
  return out;
}

/** `n` live trades drawn (with replacement) from the reference itself: in distribution by construction. */
function inDistribution(ref: readonly number[], n: number, rnd: () => number): number[] {
  return Array.from({ length: n }, () => ref[Math.floor(rnd() * ref.length)]!);
}

describe('lowerCusum', () => {
  it('accumulates standardized shortfalls below the reference mean, floored at zero', () => {
    // mean 0, sd 1, k 0.5: S1 = max(0, 0 − (−2) − 0.5) = 1.5; S2 = max(0, 1.5 − 1 − 0.5) = 0; S3 = 0 + 1 − 0.5 = 0.5
    expect(lowerCusum([-2, 1, -1], { mean: 0, sd: 1 }, 0.5)).toEqual([1.5, 0, 0.5]);
  });

  it('is free of lookahead: the statistic after trade t is the same whatever trades come later', () => {
    const rs = referenceSample(60, 7);
    const full = lowerCusum(rs, { mean: 0.3, sd: 1.4 }, 0.5);
    for (const t of [1, 10, 33, 59]) expect(lowerCusum(rs.slice(0, t), { mean: 0.3, sd: 1.4 }, 0.5)).toEqual(full.slice(0, t));
  });
});

describe('calibrateCusum', () => {
  const ref = referenceSample(400, 11);

  it('is deterministic for a reference and seed', () => {
    expect(calibrateCusum(ref).threshold).toBe(calibrateCusum(ref).threshold);
    expect(calibrateCusum(ref).threshold).toBeGreaterThan(0);
  });

  it(`keeps the false-alarm rate within its stated bound (${DRIFT_FALSE_ALARM_BOUND * 100} % over ${DRIFT_HORIZON} trades) over 2,000 seeded in-distribution runs`, () => {
    const cal = calibrateCusum(ref);
    const m = referenceMoments(ref)!;
    const rnd = mulberry32(424_242); // a stream independent of the calibration's
    let alarms = 0;
    const runs = 2000;
    for (let i = 0; i < runs; i++) {
      const live = inDistribution(ref, DRIFT_HORIZON, rnd);
      if (lowerCusum(live, m, cal.k).some((s) => s >= cal.threshold)) alarms++;
    }
    expect(alarms / runs).toBeLessThanOrEqual(DRIFT_FALSE_ALARM_BOUND);
    // …and the test is not trivially silent: it alarms on in-distribution noise sometimes.
    expect(alarms).toBeGreaterThan(0);
  });

  it('holds its bound on a normal reference too, by simulation from that reference', () => {
    const rnd = mulberry32(5);
    const normal = Array.from({ length: 300 }, () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd()));
    const cal = calibrateCusum(normal);
    const m = referenceMoments(normal)!;
    const live = mulberry32(99);
    let alarms = 0;
    for (let i = 0; i < 2000; i++) if (lowerCusum(inDistribution(normal, DRIFT_HORIZON, live), m, cal.k).some((s) => s >= cal.threshold)) alarms++;
    expect(alarms / 2000).toBeLessThanOrEqual(DRIFT_FALSE_ALARM_BOUND);
  });
});

describe('runDriftTest', () => {
  const ref = referenceSample(400, 11);

  it('flags a planted losing streak outside the band, with the figures', () => {
    const live = Array.from({ length: 20 }, () => -1);
    const r = runDriftTest(ref, live);
    expect(r.state).toBe('out_of_band');
    expect(r.statistic).toBeGreaterThanOrEqual(r.threshold);
    expect(r.liveTrades).toBe(20);
    expect(r.liveMeanR).toBe(-1);
    expect(r.referenceMeanR).toBeCloseTo(ref.reduce((a, b) => a + b, 0) / ref.length, 12);
    expect(r.firstBreachTrade).not.toBeNull();
    expect(r.firstBreachTrade!).toBeLessThanOrEqual(20);
  });

  it('stays in band for an in-distribution run', () => {
    const live = inDistribution(ref, 40, mulberry32(3));
    const r = runDriftTest(ref, live);
    expect(r.state).toBe('in_band');
    expect(r.statistic).toBeLessThan(r.threshold);
  });

  it(`says too_few below ${DRIFT_MIN_LIVE} live trades or ${DRIFT_MIN_REFERENCE} reference trades, or with a constant reference`, () => {
    expect(runDriftTest(ref, [-1, -1]).state).toBe('too_few');
    expect(runDriftTest(ref.slice(0, DRIFT_MIN_REFERENCE - 1), Array(30).fill(-1)).state).toBe('too_few');
    expect(runDriftTest(Array(50).fill(1), Array(30).fill(-1)).state).toBe('too_few');
  });
});
