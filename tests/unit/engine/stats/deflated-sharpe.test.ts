import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EULER_GAMMA,
  deflatedSharpe,
  deflatedSharpeOfReturns,
  expectedMaxSharpe,
} from '../../../../src/engine/stats/deflated-sharpe.js';
import { sampleMoments } from '../../../../src/engine/stats/moments.js';
import { normCdf } from '../../../../src/engine/stats/normal.js';

/**
 * Bailey & López de Prado (2014), "The Deflated Sharpe Ratio", numerical
 * example: N = 100 trials whose annualised Sharpe ratios have variance ½;
 * the selected strategy shows an annualised SR of 2.5 over 5 years of daily
 * data (T = 1250, 250 days a year), skewness −3, kurtosis 10. The paper
 * converts to daily — SR ÷ √250, V ÷ 250 — and prints SR₀ = 0.1132 and
 * DSR = 0.9004; it adds that N = 46 would have given 0.9505, and that with
 * normal moments (skew 0, kurtosis 3) N = 88 gives the same 0.9505.
 */
const PAPER = { annualSr: 2.5, annualV: 0.5, perYear: 250, days: 1250, skewness: -3, kurtosis: 10 };
const daily = (trials: number, skewness = PAPER.skewness, kurtosis = PAPER.kurtosis) => ({
  sharpe: PAPER.annualSr / Math.sqrt(PAPER.perYear),
  days: PAPER.days,
  skewness,
  kurtosis,
  trials,
  trialVariance: PAPER.annualV / PAPER.perYear,
});

/** Round as the paper prints (4 decimals). */
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

describe('deflated Sharpe ratio: the paper’s worked example', () => {
  it('gives SR₀ = 0.1132 and DSR = 0.9004 for N = 100', () => {
    const d = deflatedSharpe(daily(100));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(r4(d.sr0)).toBe(0.1132);
    expect(r4(d.dsr)).toBe(0.9004);
  });

  it('gives 0.9505 for N = 46, and 0.9505 for N = 88 with normal moments', () => {
    const a = deflatedSharpe(daily(46));
    const b = deflatedSharpe(daily(88, 0, 3));
    expect(a.ok && r4(a.dsr)).toBe(0.9505);
    expect(b.ok && r4(b.dsr)).toBe(0.9505);
  });
});

describe('expectedMaxSharpe (SR₀)', () => {
  it('is 0 when N < 2 or V ≤ 0', () => {
    expect(expectedMaxSharpe(0, 0.01)).toBe(0);
    expect(expectedMaxSharpe(1, 0.01)).toBe(0);
    expect(expectedMaxSharpe(50, 0)).toBe(0);
  });

  it('uses Euler’s constant and scales with √V', () => {
    expect(EULER_GAMMA).toBe(0.5772156649015329);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10_000 }), fc.double({ min: 1e-6, max: 1, noNaN: true }), (n, v) => {
        expect(expectedMaxSharpe(n, 4 * v)).toBeCloseTo(2 * expectedMaxSharpe(n, v), 12);
        expect(expectedMaxSharpe(n + 1, v)).toBeGreaterThan(expectedMaxSharpe(n, v));
      }),
    );
  });
});

describe('deflatedSharpe', () => {
  it('with N < 2 is the probabilistic Sharpe ratio against 0', () => {
    const d = deflatedSharpe({ sharpe: 0.1, days: 500, skewness: 0, kurtosis: 3, trials: 1, trialVariance: 0 });
    expect(d.ok && d.sr0).toBe(0);
    const z = (0.1 * Math.sqrt(499)) / Math.sqrt(1 + (2 / 4) * 0.01);
    expect(d.ok && d.dsr).toBeCloseTo(normCdf(z), 15);
  });

  it('falls as more trials are counted and rises with more days', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.3, noNaN: true }),
        fc.integer({ min: 2, max: 500 }),
        fc.integer({ min: 30, max: 3000 }),
        (sr, n, t) => {
          const base = { sharpe: sr, days: t, skewness: -0.5, kurtosis: 5, trials: n, trialVariance: 0.001 };
          const d = deflatedSharpe(base);
          const more = deflatedSharpe({ ...base, trials: n * 2 });
          if (!d.ok || !more.ok) throw new Error('unexpected refusal');
          expect(more.dsr).toBeLessThanOrEqual(d.dsr);
          expect(more.sr0).toBeGreaterThan(d.sr0);
        },
      ),
    );
  });

  it('refuses, with the reason, when it cannot be computed', () => {
    const ok = daily(100);
    expect(deflatedSharpe({ ...ok, days: 1 })).toMatchObject({ ok: false, reason: 'too_few_days' });
    // 1 − γ₃·SR + (γ₄−1)/4·SR² = 1 − 20·0.5 + (1−1)/4·0.25 < 0
    expect(deflatedSharpe({ ...ok, sharpe: 0.5, skewness: 20, kurtosis: 1 })).toMatchObject({
      ok: false,
      reason: 'degenerate_moments',
    });
    expect(deflatedSharpe({ ...ok, sharpe: Number.NaN })).toMatchObject({ ok: false, reason: 'not_finite' });
  });
});

describe('deflatedSharpeOfReturns', () => {
  it('computes SR (sample sd), T, γ₃, γ₄ from the returns and V from the trials’ Sharpes', () => {
    const returns = [0.01, -0.004, 0.006, 0.002, -0.012, 0.009, 0.003, 0.001, -0.002, 0.007];
    const trials = [0.05, 0.12, -0.02, 0.08];
    const d = deflatedSharpeOfReturns(returns, trials);
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / (returns.length - 1));
    const tMean = trials.reduce((a, b) => a + b, 0) / 4;
    const v = trials.reduce((a, b) => a + (b - tMean) ** 2, 0) / 3;
    const m = sampleMoments(returns)!;
    expect(d.sharpe).toBeCloseTo(mean / sd, 14);
    expect(d.trialVariance).toBeCloseTo(v, 15);
    expect(d).toMatchObject({ ok: true, days: 10, trials: 4, skewness: m.skewness, kurtosis: m.kurtosis });
    expect(d.ok && d.dsr).toBe((deflatedSharpe({ ...d }) as { dsr: number }).dsr);
  });

  it('refuses a constant series', () => {
    expect(deflatedSharpeOfReturns([0.01, 0.01, 0.01], [0.1, 0.2])).toMatchObject({ ok: false, reason: 'not_finite' });
  });
});
