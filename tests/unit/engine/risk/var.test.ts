import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../src/engine/backtest/prng.js';
import { alignedReturns, type CloseSeries } from '../../../../src/engine/risk/returns.js';
import { bookVar, bootstrapVar, drawDays, tailCount } from '../../../../src/engine/risk/var.js';

/** A deterministic close series of `n` weekday-like sessions (dates only need to sort). */
function series(n: number, seed: number, start = 100): CloseSeries {
  const rng = mulberry32(seed);
  const dates: string[] = [];
  const closes: number[] = [];
  let c = start;
  for (let i = 0; i < n; i++) {
    dates.push(new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    c *= 1 + (rng() - 0.5) * 0.06;
    closes.push(Math.round(c * 100) / 100);
  }
  return { dates, closes };
}

/**
 * The method written out the slow, obvious way: draw each path's day with mulberry32(seed), sum the
 * positions' P&L of that day, sort the N losses, take the k-th largest and the mean of the k largest.
 */
function reference(values: readonly number[], returns: readonly Float64Array[], paths: number, seed: number, level: number): { var: number; es: number } {
  const rng = mulberry32(seed);
  const days = returns[0]!.length;
  const losses: number[] = [];
  for (let p = 0; p < paths; p++) {
    const t = Math.floor(rng() * days);
    let pnl = 0;
    for (let i = 0; i < values.length; i++) pnl += values[i]! * returns[i]![t]!;
    losses.push(-pnl);
  }
  losses.sort((a, b) => b - a);
  const k = Math.max(1, Math.ceil(paths * (1 - level) - 1e-9));
  const tail = losses.slice(0, k);
  return { var: tail.at(-1)!, es: tail.reduce((s, x) => s + x, 0) / tail.length };
}

describe('bootstrap VaR kernel', () => {
  const map = new Map<string, CloseSeries>([
    ['AAA', series(300, 1)],
    ['BBB', series(300, 2, 40)],
    ['CCC', series(300, 3, 250)],
  ]);
  const exposures = [
    { symbol: 'AAA', value: 12_000 },
    { symbol: 'BBB', value: 5_500 },
    { symbol: 'CCC', value: 20_000 },
  ];

  it('gives the k-th largest of the N path losses (k = ⌈N(1−q)⌉) and the mean of the k largest, as a brute-force sort does', () => {
    const r = bookVar(map, exposures, { lookback: 250, paths: 10_000, seed: 42 });
    const a = alignedReturns(map, ['AAA', 'BBB', 'CCC'], 250);
    const values = [12_000, 5_500, 20_000];
    for (const [fig, level] of [[r.p95, 0.95], [r.p99, 0.99]] as const) {
      const ref = reference(values, a.returns, 10_000, 42, level);
      expect(fig.var).toBeCloseTo(ref.var, 6);
      expect(fig.es).toBeCloseTo(ref.es, 6);
      expect(fig.es).toBeGreaterThanOrEqual(fig.var);
    }
    expect(r.p99.tail).toBe(100);
    expect(r.p95.tail).toBe(500);
    expect(r.days).toBe(250);
    expect(r.window).toEqual({ first: a.dates[0], last: a.dates.at(-1) });
    expect(r.p99.var).toBeGreaterThan(r.p95.var);
  });

  it('k is ⌈N(1−q)⌉ without float noise, and at least one path', () => {
    expect(tailCount(10_000, 0.99)).toBe(100);
    expect(tailCount(10_000, 0.95)).toBe(500);
    expect(tailCount(150, 0.99)).toBe(2);
    expect(tailCount(50, 0.99)).toBe(1);
  });

  it('draws one day per path with mulberry32(seed): the same seed gives the same paths, another seed other paths', () => {
    const a = drawDays(1000, 250, 7);
    expect([...drawDays(1000, 250, 7)]).toEqual([...a]);
    expect([...drawDays(1000, 250, 8)]).not.toEqual([...a]);
    expect(Math.max(...a)).toBeLessThan(250);
    const rng = mulberry32(7);
    expect(a[0]).toBe(Math.floor(rng() * 250));
  });

  it('leaves out a symbol without bars and says so, with its exposure', () => {
    const r = bookVar(map, [...exposures, { symbol: 'zzz', value: 999 }], { lookback: 250, paths: 2000, seed: 1 });
    expect(r.missing).toEqual([{ symbol: 'ZZZ', value: 999 }]);
    expect(r.included.map((e) => e.symbol)).toEqual(['AAA', 'BBB', 'CCC']);
    expect(r.exposure).toBe(37_500);
  });

  it('sums two positions in one symbol (two strategies) into one exposure', () => {
    const one = bookVar(map, [{ symbol: 'AAA', value: 3000 }], { lookback: 100, paths: 2000, seed: 3 });
    const two = bookVar(map, [{ symbol: 'AAA', value: 1000 }, { symbol: 'aaa', value: 2000 }], { lookback: 100, paths: 2000, seed: 3 });
    expect(two.p99).toEqual(one.p99);
    expect(two.included).toEqual([{ symbol: 'AAA', value: 3000 }]);
  });

  it('an empty book, or one whose bars are all missing, has no window and zero VaR', () => {
    const r = bookVar(map, [{ symbol: 'NOPE', value: 100 }], { lookback: 250, paths: 500, seed: 1 });
    expect(r.days).toBe(0);
    expect(r.window).toBeNull();
    expect(r.p99.var).toBe(0);
    expect(bookVar(map, [], { lookback: 250, paths: 500, seed: 1 }).p99.es).toBe(0);
  });

  it('is pure: frozen inputs, the same answer twice, nothing mutated', () => {
    const frozen = new Map([...map].map(([k, v]) => [k, Object.freeze({ dates: Object.freeze([...v.dates]), closes: Object.freeze([...v.closes]) })]));
    const ex = Object.freeze(exposures.map((e) => Object.freeze({ ...e })));
    const before = JSON.stringify([...frozen]);
    const a = bookVar(frozen, ex, { lookback: 200, paths: 5000, seed: 9 });
    const b = bookVar(frozen, ex, { lookback: 200, paths: 5000, seed: 9 });
    expect(b).toEqual(a);
    expect(JSON.stringify([...frozen])).toBe(before);
    const values = [1, 2];
    const returns = [new Float64Array([0.01, -0.02]), new Float64Array([0.03, -0.01])];
    bootstrapVar(values, returns, 100, 1);
    expect([...returns[0]!]).toEqual([0.01, -0.02]);
  });

  it('has no lookahead: closes after asOf (however wild) change nothing', () => {
    const asOf = map.get('AAA')!.dates[259]!;
    const base = bookVar(map, exposures, { lookback: 250, paths: 5000, seed: 11, asOf });
    const future = new Map(
      [...map].map(([k, v]) => [k, { dates: v.dates, closes: v.closes.map((c, i) => (v.dates[i]! > asOf ? c * (i % 2 ? 0.2 : 5) : c)) }] as const),
    );
    const withFuture = bookVar(future, exposures, { lookback: 250, paths: 5000, seed: 11, asOf });
    expect(withFuture).toEqual(base);
    expect(base.window!.last).toBe(asOf);
    // Without asOf the future is read: the check above can fail.
    expect(bookVar(future, exposures, { lookback: 250, paths: 5000, seed: 11 }).p99.var).not.toBe(base.p99.var);
  });
});
