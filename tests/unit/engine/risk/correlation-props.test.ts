import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignedReturns, Correlator, judgeCorrelation, pearson, type RiskMember } from '../../../../src/engine/risk/index.js';
import type { CloseSeries } from '../../../../src/engine/risk/returns.js';
import { days, fromReturns } from './correlation-fixtures.js';

/** Daily returns whose newest 30 are not all equal (a flat window has no correlation). */
const returnsArb = (min: number, max: number) =>
  fc.array(fc.double({ min: -0.09, max: 0.09, noNaN: true }), { minLength: min, maxLength: max }).filter((r) => r.slice(-30).some((x) => Math.abs(x - r.at(-1)!) > 1e-4));

describe('correlation kernel properties', () => {
  it('a perfect clone (same returns, any price level) always meets the correlation limit and joins the cluster', () => {
    fc.assert(
      fc.property(returnsArb(61, 90), fc.double({ min: 0.05, max: 2000, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.integer({ min: 30, max: 60 }), (r, scale, limit, lookback) => {
        const s = new Map<string, CloseSeries>([
          ['ORIG', fromReturns(r, 100)],
          ['CLON', fromReturns(r, 100 * scale)],
        ]);
        const corr = new Correlator(s, { lookback, asOf: '2099-01-01' });
        const rho = corr.pair('ORIG', 'CLON').rho;
        expect(rho).not.toBeNull();
        expect(rho!).toBeGreaterThanOrEqual(limit);
        const v = judgeCorrelation(corr, { symbol: 'ORIG', risk: 10 }, [{ symbol: 'CLON', kind: 'position', risk: 5 }], { corrLimit: limit, maxClusterRiskPct: 2, equity: 1000 });
        expect(v.cluster.map((c) => c.symbol)).toEqual(['CLON']);
        expect(v.riskAfter).toBe(15);
      }),
      { numRuns: 200 },
    );
  });

  it('no lookahead: bars after asOf, whatever they are, change nothing', () => {
    fc.assert(
      fc.property(
        fc.array(returnsArb(40, 70), { minLength: 3, maxLength: 5 }),
        fc.integer({ min: 31, max: 39 }),
        fc.array(fc.double({ min: 0.5, max: 500, noNaN: true }), { minLength: 1, maxLength: 10 }),
        (all, cut, future) => {
          const n = Math.min(...all.map((r) => r.length));
          const dates = days(n + 1 + future.length);
          const asOf = dates[cut]!;
          const full = new Map<string, CloseSeries>();
          const past = new Map<string, CloseSeries>();
          all.forEach((r, i) => {
            const s = fromReturns(r.slice(0, n), 50 + i, dates);
            // After asOf: arbitrary future closes.
            full.set(`S${i}`, { dates: [...s.dates, ...dates.slice(n + 1)], closes: [...s.closes, ...future] });
            past.set(`S${i}`, { dates: s.dates.slice(0, cut + 1), closes: s.closes.slice(0, cut + 1) });
          });
          const members: RiskMember[] = all.slice(1).map((_, i) => ({ symbol: `S${i + 1}`, kind: 'position', risk: 100 * (i + 1) }));
          const lim = { corrLimit: 0.1, maxClusterRiskPct: 1, equity: 10_000 };
          const a = new Correlator(full, { lookback: 60, asOf, minReturns: 5 });
          const b = new Correlator(past, { lookback: 60, asOf, minReturns: 5 });
          for (let i = 0; i < all.length; i++) for (let j = 0; j < all.length; j++) expect(a.pair(`S${i}`, `S${j}`)).toEqual(b.pair(`S${i}`, `S${j}`));
          expect(judgeCorrelation(a, { symbol: 'S0', risk: 50 }, members, lim)).toEqual(judgeCorrelation(b, { symbol: 'S0', risk: 50 }, members, lim));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('pure: the same inputs give the same verdict, and the inputs are left as they were', () => {
    fc.assert(
      fc.property(fc.array(returnsArb(61, 61), { minLength: 2, maxLength: 6 }), fc.array(fc.double({ min: 0, max: 5000, noNaN: true }), { minLength: 6, maxLength: 6 }), (all, risks) => {
        const series = new Map<string, CloseSeries>(all.map((r, i) => [`S${i}`, fromReturns(r, 10 + i)]));
        const members: RiskMember[] = all.slice(1).map((_, i) => ({ symbol: `S${i + 1}`, kind: 'position', risk: risks[i]! }));
        const before = JSON.stringify({ s: [...series.entries()], members });
        const lim = { corrLimit: 0.3, maxClusterRiskPct: 2, equity: 20_000 };
        const one = judgeCorrelation(new Correlator(series, { lookback: 60, asOf: '2099-01-01' }), { symbol: 'S0', risk: risks[5]! }, members, lim);
        const two = judgeCorrelation(new Correlator(series, { lookback: 60, asOf: '2099-01-01' }), { symbol: 'S0', risk: risks[5]! }, members, lim);
        expect(two).toEqual(one);
        expect(JSON.stringify({ s: [...series.entries()], members })).toBe(before);
        // The figures recompute: after = before + the candidate's, in cents.
        expect(Math.round(one.riskAfter * 100)).toBe(Math.round(one.riskBefore * 100) + Math.round(one.candidateRisk * 100));
      }),
      { numRuns: 100 },
    );
  });
});

describe('Correlator agrees with the aligned-returns kernel', () => {
  it('pair(a, b) is pearson of alignedReturns(a, b) over series with gaps, invalid closes and bars after asOf', () => {
    const seriesArb = fc.array(fc.record({ keep: fc.double({ min: 0, max: 1, noNaN: true }), close: fc.oneof(fc.double({ min: 1, max: 200, noNaN: true }), fc.constant(0), fc.constant(Number.NaN)) }), { minLength: 40, maxLength: 90 });
    fc.assert(
      fc.property(seriesArb, seriesArb, fc.integer({ min: 10, max: 60 }), fc.integer({ min: 20, max: 95 }), (sa, sb, lookback, cut) => {
        const d = days(95);
        const mk = (rows: { keep: number; close: number }[]): CloseSeries => {
          const kept = rows.map((r, i) => ({ ...r, date: d[i]! })).filter((r) => r.keep > 0.15);
          return { dates: kept.map((r) => r.date), closes: kept.map((r) => r.close) };
        };
        const series = new Map([
          ['A', mk(sa)],
          ['B', mk(sb)],
        ]);
        const asOf = d[cut]!;
        const ref = alignedReturns(series, ['A', 'B'], lookback, asOf);
        const sessions = ref.symbols.length === 2 ? ref.dates.length : 0;
        const got = new Correlator(series, { lookback, asOf, minReturns: 3 }).pair('A', 'B');
        expect(got.sessions).toBe(sessions);
        const want = sessions >= 3 ? pearson(ref.returns[0]!, ref.returns[1]!) : null;
        if (want === null) expect(got.rho).toBeNull();
        else expect(Math.abs(got.rho! - want)).toBeLessThan(1e-9);
      }),
      { numRuns: 300 },
    );
  });
});
