/**
 * Properties of the bootstrap VaR (issue 21 part 2): when does "a bigger position never lowers the
 * VaR" hold? Not always — a hedge lowers it (last test). With the window and the seed fixed, every
 * path draws the same day before and after the change, and a path's loss is linear in the
 * exposures: L_p(v) = −Σ v_i r_i(t_p). From that:
 * - scaling every position by λ ≥ 1 scales every loss by λ, so VaR(λv) = λ·VaR(v) ≥ VaR(v) exactly
 *   when VaR(v) ≥ 0 (a book that still gains on its k-th worst path gains MORE when scaled up);
 * - a one-position book is that case with one position;
 * - growing position j by δ > 0 adds −δ·r_j(t_p) to each path: if r_j ≤ 0 on every day drawn by a
 *   tail path (the k worst), those k paths each lose at least as much as before, so the new k-th
 *   largest loss is ≥ the old VaR and the mean of the new k largest is ≥ the old ES.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapVar, drawDays, tailCount } from '../../../../src/engine/risk/var.js';

const DAYS = 60;
const PATHS = 400;
const EPS = 1e-7;

const num = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
/**
 * Returns with a shared market factor: r_i[t] = μ_i + β_i·f[t] + ε_i[t]. A negative β makes a hedge,
 * a large μ a position that gains on most days (a book whose VaR is below 0): the cases where the
 * unconditioned claim is false are generated too, so each condition below is load-bearing.
 */
const returnsArb = (n: number) =>
  fc
    .tuple(
      fc.array(num(-0.1, 0.1), { minLength: DAYS, maxLength: DAYS }),
      fc.array(fc.tuple(num(-0.04, 0.25), num(-1.5, 1.5), fc.array(num(-0.02, 0.02), { minLength: DAYS, maxLength: DAYS })), { minLength: n, maxLength: n }),
    )
    .map(([f, ps]) => ps.map(([mu, beta, eps]) => Float64Array.from(f, (x, t) => mu + beta * x + eps[t]!)));
const value = fc.double({ min: 0, max: 50_000, noNaN: true, noDefaultInfinity: true });
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** Each path's loss, the slow way (to find the tail paths the condition speaks of). */
function pathLosses(values: readonly number[], returns: readonly Float64Array[], s: number): { day: number; loss: number }[] {
  return [...drawDays(PATHS, DAYS, s)].map((day) => ({ day, loss: -values.reduce((acc, v, i) => acc + v * returns[i]![day]!, 0) }));
}

describe('VaR never falls when a position grows — under these exact conditions', () => {
  it('every position scaled by λ ≥ 1, when the book’s 99 % VaR is ≥ 0: the VaR and ES do not fall (VaR(λv) = λ·VaR(v))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.array(value, { minLength: n, maxLength: n }), returnsArb(n))), fc.double({ min: 1, max: 10, noNaN: true }), seed, ([values, returns], lambda, s) => {
        const before = bootstrapVar(values, returns, PATHS, s);
        fc.pre(before.p99.var >= 0);
        const after = bootstrapVar(values.map((v) => v * lambda), returns, PATHS, s);
        expect(after.p99.var).toBeGreaterThanOrEqual(before.p99.var - EPS);
        expect(after.p99.es).toBeGreaterThanOrEqual(before.p99.es - EPS * Math.max(1, Math.abs(before.p99.es)));
        expect(after.p99.var).toBeCloseTo(lambda * before.p99.var, 4);
      }),
      { numRuns: 200 },
    );
  });

  it('a book of one position worth at least a cent whose 99 % VaR is ≥ 0: a larger position never has a lower VaR', () => {
    fc.assert(
      fc.property(value, fc.double({ min: 0, max: 50_000, noNaN: true }), returnsArb(1), seed, (v, grow, returns, s) => {
        const before = bootstrapVar([v], returns, PATHS, s);
        // Worth $0 (or a subnormal 5e-324, whose loss rounds to −0), the book's VaR is 0 whatever its
        // returns: growing a position that gains on its tail day then LOWERS the VaR below 0 (found by
        // this test), so "VaR ≥ 0" says the tail return is ≤ 0 only for a position of real size.
        fc.pre(v >= 0.01 && before.p99.var >= 0);
        expect(bootstrapVar([v + grow], returns, PATHS, s).p99.var).toBeGreaterThanOrEqual(before.p99.var - EPS);
      }),
      { numRuns: 200 },
    );
  });

  it('growing a position whose return is ≤ 0 on every day a 99 % tail path drew (any book): the 99 % VaR and ES do not fall', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }).chain((n) => fc.tuple(fc.array(value, { minLength: n, maxLength: n }), returnsArb(n), fc.nat({ max: n - 1 }))), fc.double({ min: 0, max: 50_000, noNaN: true }), seed, ([values, returns, j], grow, s) => {
        const before = bootstrapVar(values, returns, PATHS, s);
        // The tail: every path whose loss is at least the VaR (all k worst paths, and any tied with the k-th).
        const tailDays = pathLosses(values, returns, s).filter((p) => p.loss >= before.p99.var - EPS).map((p) => p.day);
        fc.pre(tailDays.every((d) => returns[j]![d]! <= 0));
        checked++;
        const grown = values.map((v, i) => (i === j ? v + grow : v));
        const after = bootstrapVar(grown, returns, PATHS, s);
        expect(after.p99.var).toBeGreaterThanOrEqual(before.p99.var - EPS);
        expect(after.p99.es).toBeGreaterThanOrEqual(before.p99.es - EPS);
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(20);
  });

  it('NOT in general: growing a hedge (a position that gains on the tail days) lowers the VaR', () => {
    const a = Float64Array.from({ length: DAYS }, (_, t) => Math.sin(t) * 0.03);
    const hedge = a.map((x) => -x);
    const before = bootstrapVar([10_000, 0], [a, hedge], PATHS, 5);
    const after = bootstrapVar([10_000, 5_000], [a, hedge], PATHS, 5);
    expect(before.p99.var).toBeGreaterThan(0);
    expect(after.p99.var).toBeCloseTo(before.p99.var / 2, 6);
    expect(after.p99.var).toBeLessThan(before.p99.var);
    expect(tailCount(PATHS, 0.99)).toBe(4);
  });

  it('NOT when the VaR is below 0: a one-position book that gains on every day has a LOWER (more negative) VaR when it grows', () => {
    const up = Float64Array.from({ length: DAYS }, (_, t) => 0.01 + 0.005 * Math.cos(t));
    const small = bootstrapVar([1_000], [up], PATHS, 5);
    const big = bootstrapVar([2_000], [up], PATHS, 5);
    expect(small.p99.var).toBeLessThan(0);
    expect(big.p99.var).toBeCloseTo(2 * small.p99.var, 9);
    expect(big.p99.var).toBeLessThan(small.p99.var);
  });
});
