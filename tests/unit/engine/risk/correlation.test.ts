import { describe, expect, it } from 'vitest';
import {
  CORR_KEY,
  Correlator,
  correlationResult,
  describeRefusal,
  judgeCorrelation,
  openRisk,
  pearson,
  type CorrelationLimit,
  type GateRefusal,
} from '../../../../src/engine/risk/index.js';
import type { CloseSeries } from '../../../../src/engine/risk/returns.js';
import { A, B, C, days, fromReturns, pattern } from './correlation-fixtures.js';

const N = 60;
const LIMIT: CorrelationLimit = { corrLimit: 0.7, maxClusterRiskPct: 2, equity: 100_000 };

/** The test set: correlations known exactly by construction. */
function testSet(): Map<string, CloseSeries> {
  const a = pattern(A, N);
  return new Map<string, CloseSeries>([
    ['AAA', fromReturns(a, 50)],
    ['CLONE', fromReturns(a, 7)], // same returns, another price: ρ = 1
    ['ANTI', fromReturns(pattern(A, N, -0.01), 20)], // ρ = −1
    ['ORTH', fromReturns(pattern(C, N), 30)], // ρ = 0
    ['MID', fromReturns(pattern(B, N), 40)], // ρ = 1/√2 with AAA and with ORTH
    ['YOUNG', fromReturns(a.slice(-10), 10, days(N + 1).slice(-11))], // 10 returns only
  ]);
}

function refusal(r: ReturnType<typeof correlationResult>): GateRefusal {
  if (r.ok) throw new Error('expected a refusal');
  return r;
}

describe('pearson', () => {
  it('is exact on a hand-computed sample', () => {
    // Σ(x−x̄)(y−ȳ) = 6, Σ(x−x̄)² = 10, Σ(y−ȳ)² = 6 → 6 / √60.
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 12);
  });
  it('is null for a flat sample or fewer than two values', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1], [2])).toBeNull();
  });
});

describe('Correlator on a test set with known correlations', () => {
  const corr = new Correlator(testSet(), { lookback: N, asOf: '2026-12-31' });
  it.each([
    ['AAA', 'CLONE', 1],
    ['AAA', 'ANTI', -1],
    ['AAA', 'ORTH', 0],
    ['AAA', 'MID', Math.SQRT1_2],
    ['ORTH', 'MID', Math.SQRT1_2],
  ])('%s / %s: ρ = %d', (x, y, rho) => {
    const p = corr.pair(x, y);
    expect(p.sessions).toBe(N);
    expect(p.rho).not.toBeNull();
    expect(Math.abs(p.rho! - rho)).toBeLessThan(1e-9);
    expect(corr.pair(y, x)).toEqual(p);
  });
  it('a symbol with itself is 1; too few shared sessions or no series is not measured', () => {
    expect(corr.pair('AAA', 'AAA').rho).toBe(1);
    expect(corr.pair('AAA', 'YOUNG')).toEqual({ rho: null, sessions: 10 });
    expect(corr.pair('AAA', 'NOPE')).toEqual({ rho: null, sessions: 0 });
    expect(corr.measurable('YOUNG')).toBe(false);
    expect(corr.measurable('AAA')).toBe(true);
  });
  it('uses only the newest `lookback` shared sessions up to asOf', () => {
    // The first 40 returns are a clone, the last 20 anti: over 20 sessions ρ = −1, over 60 it is not.
    const a = pattern(A, N);
    const mixed = [...a.slice(0, 40), ...a.slice(40).map((r) => -r)];
    const s = new Map([
      ['X', fromReturns(a)],
      ['Y', fromReturns(mixed)],
    ]);
    expect(new Correlator(s, { lookback: 20, asOf: '2026-12-31' }).pair('X', 'Y').rho!).toBeCloseTo(-1, 9);
    expect(new Correlator(s, { lookback: 60, asOf: '2026-12-31' }).pair('X', 'Y').rho!).toBeGreaterThan(-0.5);
    // As of day 41 (the 40th return), the anti part has not happened yet: a clone.
    expect(new Correlator(s, { lookback: 20, asOf: days(41)[40]! }).pair('X', 'Y').rho!).toBeCloseTo(1, 9);
  });
});

describe('openRisk', () => {
  it('(cost − stop) × qty, floored at 0; without a stop the whole cost', () => {
    expect(openRisk(10, 50, 45)).toBe(50);
    expect(openRisk(10, 50, 55)).toBe(0);
    expect(openRisk(10, 50, null)).toBe(500);
  });
});

describe('judgeCorrelation: clusters and the cap', () => {
  const corr = new Correlator(testSet(), { lookback: N, asOf: '2026-12-31' });

  it('links by a chain: ORTH joins AAA\'s cluster through MID (ρ 0.71 each) though ρ(AAA, ORTH) = 0', () => {
    const v = judgeCorrelation(corr, { symbol: 'AAA', risk: 500 }, [
      { symbol: 'MID', kind: 'position', risk: 700 },
      { symbol: 'ORTH', kind: 'position', risk: 300 },
      { symbol: 'ANTI', kind: 'position', risk: 900 },
    ], LIMIT);
    expect(v.cluster.map((c) => [c.symbol, c.direct])).toEqual([
      ['MID', true],
      ['ORTH', false],
    ]);
    expect(v.riskBefore).toBe(1000);
    expect(v.riskAfter).toBe(1500);
    expect(v.riskAfterPct).toBeCloseTo(1.5, 12);
    expect(v.breaches).toBe(false);
  });

  it('refuses over the cap, with figures that recompute and the correlated symbols named', () => {
    const members = [
      { symbol: 'CLONE', kind: 'position' as const, risk: 1234.565 },
      { symbol: 'CLONE', kind: 'in_flight' as const, risk: 100 },
      { symbol: 'ORTH', kind: 'position' as const, risk: 5000 },
    ];
    const r = refusal(correlationResult(judgeCorrelation(corr, { symbol: 'AAA', risk: 800.004 }, members, LIMIT), LIMIT));
    expect(r.gate).toBe('correlation');
    expect(r.limit).toBe('max_cluster_risk');
    expect(r.numbers[`${CORR_KEY}CLONE`]).toBe(1);
    expect(r.numbers[`${CORR_KEY}ORTH`]).toBeUndefined();
    expect(r.reason).toBe(
      'Order refused by the correlation limit: it moves with CLONE (correlation 1.00) (daily returns correlated at 0.70 or more); ' +
        "their open risk $1,334.57 + this order's $800.00 = $2,134.57, 2.13% of equity $100,000.00, above the 2% limit.",
    );
    // Every figure recomputes from the ones shown.
    const m = /open risk \$([\d,.]+) \+ this order's \$([\d,.]+) = \$([\d,.]+), ([\d.]+)% of equity \$([\d,.]+)/.exec(r.reason)!;
    const [before, cand, after, shownPct, equity] = m.slice(1).map((x) => Number(x.replace(/,/g, ''))) as [number, number, number, number, number];
    expect(Math.round((before + cand) * 100)).toBe(Math.round(after * 100));
    expect(Number(((after / equity) * 100).toFixed(2))).toBe(shownPct);
  });

  it('a lone candidate is never refused, however large', () => {
    const v = judgeCorrelation(corr, { symbol: 'AAA', risk: 50_000 }, [{ symbol: 'ORTH', kind: 'position', risk: 5000 }], LIMIT);
    expect(v.cluster).toEqual([]);
    expect(v.breaches).toBe(false);
    expect(correlationResult(v, LIMIT).ok).toBe(true);
  });

  it('names symbols without enough bars (not linked, not refused for it)', () => {
    const members = [
      { symbol: 'CLONE', kind: 'position' as const, risk: 2500 },
      { symbol: 'YOUNG', kind: 'position' as const, risk: 10 },
    ];
    const v = judgeCorrelation(corr, { symbol: 'AAA', risk: 100 }, members, LIMIT);
    expect(v.unmeasured).toEqual(['YOUNG']);
    expect(v.cluster.map((c) => c.symbol)).toEqual(['CLONE']);
    const r = refusal(correlationResult(v, LIMIT));
    expect(r.reason).toMatch(/ Not measured \(too few shared sessions\): YOUNG\.$/);
    // A candidate without history is named too; it links to nothing but its own symbol.
    const young = judgeCorrelation(corr, { symbol: 'YOUNG', risk: 100 }, members, LIMIT);
    expect(young.unmeasured).toEqual(['YOUNG', 'CLONE']);
    expect(young.cluster.map((c) => c.symbol)).toEqual(['YOUNG']);
  });

  it('a stored refusal words the same: jsonb key order and NaN → null → NaN do not change the sentence', () => {
    const members = [
      { symbol: 'MID', kind: 'position' as const, risk: 1500 },
      { symbol: 'ORTH', kind: 'position' as const, risk: 600 },
      { symbol: 'YOUNG', kind: 'position' as const, risk: 1 },
    ];
    const r = refusal(correlationResult(judgeCorrelation(corr, { symbol: 'AAA', risk: 200 }, members, LIMIT), LIMIT));
    expect(r.reason).toContain('it moves with MID (correlation 0.71), ORTH (0.00, linked through the others)');
    const shuffled = Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(r.numbers)) as Record<string, number | null>).reverse().map(([k, v]) => [k, v ?? Number.NaN]));
    expect(describeRefusal('correlation', 'max_cluster_risk', shuffled)).toBe(r.reason);
  });
});
