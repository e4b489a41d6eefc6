import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normCdf, normInv, normPdf } from '../../../../src/engine/stats/normal.js';

/** Reference values from mpmath at 40 digits (independent of this code), rounded to 17 significant digits. */
const QUANTILES: Array<[p: number, x: number]> = [
  [0.5, 0],
  [0.975, 1.959963984540054],
  [0.025, -1.959963984540054],
  [0.99, 2.3263478740408411],
  [0.999, 3.0902323061678135],
  [0.3, -0.52440051270804078],
  [1e-10, -6.3613409024040562],
  [1e-300, -37.047096299361199],
];

const CDF: Array<[x: number, p: number]> = [
  [0, 0.5],
  [1, 0.84134474606854295],
  [-1.96, 0.024997895148220434],
  [3, 0.9986501019683699],
  [-2.5, 0.0062096653257761352],
  [-3, 0.0013498980316300945],
  [-4, 3.1671241833119921e-5],
  [-5, 2.8665157187919391e-7],
  [5.5, 0.99999998101043753],
  [-6, 9.865876450376981e-10],
  [-10, 7.619853024160526e-24],
  [-37, 5.7255712225245768e-300],
];

describe('normInv (Wichura AS 241)', () => {
  it.each(QUANTILES)('Φ⁻¹(%s) = %s to 1e-9 absolute and 1e-14 relative', (p, x) => {
    const got = normInv(p);
    expect(Math.abs(got - x)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(got - x)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(x)));
  });

  it('gives ±Infinity at 0 and 1, NaN outside [0, 1]', () => {
    expect(normInv(0)).toBe(-Infinity);
    expect(normInv(1)).toBe(Infinity);
    expect(normInv(-0.1)).toBeNaN();
    expect(normInv(1.1)).toBeNaN();
    expect(normInv(Number.NaN)).toBeNaN();
  });

  it('is odd about p = ½: Φ⁻¹(1 − p) = −Φ⁻¹(p)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 0.5, noNaN: true }), (p) => {
        expect(normInv(1 - p)).toBeCloseTo(-normInv(p), 8);
      }),
    );
  });
});

describe('normCdf', () => {
  it.each(CDF)('Φ(%s) = %s to 1e-15 absolute and 1e-12 relative', (x, p) => {
    const got = normCdf(x);
    expect(Math.abs(got - p)).toBeLessThanOrEqual(1e-15);
    expect(Math.abs(got - p)).toBeLessThanOrEqual(1e-12 * p);
  });

  it('handles the infinities and NaN', () => {
    expect(normCdf(Infinity)).toBe(1);
    expect(normCdf(-Infinity)).toBe(0);
    expect(normCdf(Number.NaN)).toBeNaN();
  });

  it('is continuous across its switch from series to continued fraction at x = −3', () => {
    const h = 1e-9;
    // Across 2e-9 the CDF moves by φ(3)·2e-9 ≈ 9e-12; a seam would show as a jump above 1e-15.
    expect(Math.abs(normCdf(-3 + h) - normCdf(-3 - h) - 2 * h * normPdf(-3))).toBeLessThan(1e-15);
  });

  it('inverts normInv: Φ(Φ⁻¹(p)) = p to 1e-12 relative over (1e-300, 1)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1 - 1e-12, noNaN: true }), (p) => {
        expect(Math.abs(normCdf(normInv(p)) - p)).toBeLessThanOrEqual(1e-12 * Math.min(p, 1 - p) + 1e-16);
      }),
      { numRuns: 2000 },
    );
  });

  it('is symmetric and increasing', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), fc.double({ min: 1e-6, max: 1, noNaN: true }), (x, d) => {
        expect(normCdf(x) + normCdf(-x)).toBeCloseTo(1, 14);
        expect(normCdf(x + d)).toBeGreaterThanOrEqual(normCdf(x));
      }),
    );
  });
});
