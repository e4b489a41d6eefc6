import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monteCarlo } from '../../../../src/engine/backtest/monte-carlo.js';
import { mulberry32 } from '../../../../src/engine/backtest/prng.js';

/** mulberry32 re-derived with BigInt arithmetic on unsigned 32-bit values. */
function mulberryBig(seed: number): () => number {
  const M = 1n << 32n;
  let a = BigInt(seed >>> 0);
  const mul = (x: bigint, y: bigint) => (x * y) % M;
  return () => {
    a = (a + 0x6d2b79f5n) % M;
    let t = mul(a ^ (a >> 15n), 1n | a);
    t = ((t + mul(t ^ (t >> 7n), 61n | t)) % M) ^ t;
    return Number(t ^ (t >> 14n)) / 2 ** 32;
  };
}

describe('mulberry32', () => {
  it('matches an independent BigInt derivation', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (seed) => {
        const a = mulberry32(seed);
        const b = mulberryBig(seed);
        for (let i = 0; i < 50; i++) expect(a()).toBe(b());
      }),
      { numRuns: 100 },
    );
  });

  it('yields uniform-looking floats in [0, 1)', () => {
    const r = mulberry32(42);
    const buckets = new Array<number>(10).fill(0);
    const n = 100_000;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = r();
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
      buckets[Math.floor(x * 10)]!++;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    // each decile within 5% of its expected 10_000 (about 5 standard deviations)
    for (const b of buckets) expect(Math.abs(b - n / 10)).toBeLessThan(500);
  });
});

describe('monteCarlo', () => {
  const sample = Array.from({ length: 200 }, (_, i) => ((i * 37) % 23) / 100 - 0.1);

  it('is identical for the same seed and differs for another seed', () => {
    expect(monteCarlo(sample, { runs: 2000, seed: 7 })).toEqual(monteCarlo(sample, { runs: 2000, seed: 7 }));
    expect(monteCarlo(sample, { runs: 2000, seed: 8 }).finalEquity).not.toEqual(monteCarlo(sample, { runs: 2000, seed: 7 }).finalEquity);
  });

  it('compounds from 1.0: a single repeated return gives a degenerate distribution', () => {
    const r = monteCarlo([0.01], { runs: 100, tradesPerRun: 10 });
    let want = 1;
    for (let i = 0; i < 10; i++) want *= 1.01;
    expect(r.finalEquity).toEqual({ p5: want, p25: want, p50: want, p75: want, p95: want });
    expect(r.maxDrawdown.p95).toBe(0);
    expect(r.probLoss50).toBe(0);
    expect(r.tradesPerRun).toBe(10);
  });

  it('counts losing 50% or more, inclusive', () => {
    const r = monteCarlo([-0.5], { runs: 10 });
    expect(r.finalEquity.p50).toBe(0.5);
    expect(r.maxDrawdown.p50).toBe(0.5);
    expect(r.probLoss50).toBe(1);
    expect(r.probDrawdown50).toBe(1);
  });

  it('resamples with replacement at the right frequencies', () => {
    // two draws from {+100%, −50%}: 4 (¼), 1 (½), 0.25 (¼)
    // drawdowns: up-up 0, up-down 0.5, down-up 0.5, down-down 0.75
    const r = monteCarlo([1, -0.5], { runs: 20_000, seed: 3 });
    expect(r.probLoss50).toBeGreaterThan(0.24);
    expect(r.probLoss50).toBeLessThan(0.26);
    expect(r.probDrawdown50).toBeGreaterThan(0.74);
    expect(r.probDrawdown50).toBeLessThan(0.76);
    expect(r.finalEquity).toMatchObject({ p5: 0.25, p50: 1, p95: 4 });
    expect(r.maxDrawdown).toMatchObject({ p5: 0, p50: 0.5, p95: 0.75 });
    expect(r.meanFinalEquity).toBeGreaterThan(1.5); // exact mean 0.25·4 + 0.5·1 + 0.25·0.25 = 1.5625
    expect(r.meanFinalEquity).toBeLessThan(1.625);
  });

  it('validates its inputs', () => {
    expect(() => monteCarlo([], {})).not.toThrow(); // zero trades per run: nothing to draw
    expect(() => monteCarlo([], { tradesPerRun: 3 })).toThrow(RangeError);
    expect(() => monteCarlo([0.1], { runs: 0 })).toThrow(RangeError);
  });

  // Its speed is measured by `npm run bench -- backtest` (target < 500 ms), not asserted here.
  it('runs 10,000 × 500 trades, the same for the same seed', () => {
    const returns = Array.from({ length: 500 }, (_, i) => Math.sin(i) * 0.05);
    const r = monteCarlo(returns, { seed: 11 });
    expect(r.runs).toBe(10_000);
    expect(monteCarlo(returns, { seed: 11 })).toEqual(r);
  });
});
