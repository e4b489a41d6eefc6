import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { runPortfolio } from '../../../../src/engine/backtest/portfolio.js';
import type { PortfolioOptions, PortfolioResult } from '../../../../src/engine/backtest/portfolio-types.js';
import type { Signal } from '../../../../src/engine/signal.js';
import { series, type Ohlc } from './helpers.js';

const barArb = fc
  .tuple(fc.integer({ min: 80, max: 120 }), fc.integer({ min: 80, max: 120 }), fc.nat(8), fc.nat(8))
  .map(([o, c, up, down]): Ohlc => [o, Math.max(o, c) + up, Math.min(o, c) - down, c]);

const symbolArb = fc.record({
  offset: fc.nat(4),
  scale: fc.constantFrom(0.05, 1, 3),
  bars: fc.array(barArb, { minLength: 2, maxLength: 30 }),
  holes: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
});

const signalArb = fc.record({
  sym: fc.nat(3),
  bar: fc.nat(29),
  turtle: fc.boolean(),
  stopFrac: fc.double({ min: 0.8, max: 1.02, noNaN: true }),
  targetFrac: fc.option(fc.double({ min: 1, max: 1.25, noNaN: true }), { nil: null }),
  n: fc.integer({ min: 1, max: 8 }),
  score: fc.integer({ min: 0, max: 4 }),
});

const settingsArb = fc.record({
  initialCash: fc.integer({ min: 500, max: 100_000 }),
  slippageBps: fc.integer({ min: 0, max: 25 }),
  commission: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.constant({ kind: 'per_share' as const, perShare: 0.005, minimum: 1 }),
    fc.constant({ kind: 'bps' as const, bps: 3 }),
  ),
  sizing: fc.oneof(
    fc.integer({ min: 1, max: 60 }).map((n) => ({ kind: 'shares' as const, n })),
    fc.integer({ min: 50, max: 20_000 }).map((n) => ({ kind: 'dollars' as const, n })),
    fc.double({ min: 0.05, max: 1, noNaN: true }).map((pct) => ({ kind: 'equity' as const, pct })),
    fc.double({ min: 0.005, max: 0.2, noNaN: true }).map((pct) => ({ kind: 'risk' as const, pct })),
  ),
  maxPositions: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  maxPositionPct: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
});

type SymbolSpec = { offset: number; scale: number; bars: Ohlc[]; holes: boolean[] };
type SignalSpec = { sym: number; bar: number; turtle: boolean; stopFrac: number; targetFrac: number | null; n: number; score: number };

const SYMBOLS = ['DDD', 'AAA', 'CCC', 'BBB'];

function buildSeries(specs: readonly SymbolSpec[]): BarSeries[] {
  return specs.map((sp, k) => {
    let skipped = 0;
    const dayIdx = sp.bars.map((_, i) => {
      if (sp.holes[i]) skipped++;
      return sp.offset + i + skipped;
    });
    const bars = sp.bars.map(([o, h, l, c]): Ohlc => [o * sp.scale, h * sp.scale, l * sp.scale, c * sp.scale]);
    return series(SYMBOLS[k]!, bars, 0, dayIdx);
  });
}

function buildSignals(ser: readonly BarSeries[], specs: readonly SignalSpec[]): Signal[] {
  return specs.map((sp) => {
    const s = ser[sp.sym % ser.length]!;
    const t = sp.bar % s.dates.length;
    const c = s.close[t]!;
    return {
      symbol: s.symbol,
      strategy: sp.turtle ? 'turtle_soup' : 'donchian',
      index: t,
      date: s.dates[t]!,
      close: c,
      stop: c * sp.stopFrac,
      target: sp.targetFrac === null ? null : c * sp.targetFrac,
      atr: 1,
      timeStopBars: sp.n,
      score: sp.score,
      reasons: [],
    };
  });
}

/** Last close of `s` on or before `date`, or undefined before its first bar. */
function closeAsOf(s: BarSeries, date: string): number | undefined {
  let v: number | undefined;
  for (let i = 0; i < s.dates.length && s.dates[i]! <= date; i++) v = s.close[i]!;
  return v;
}

/** Rebuilds cash and positions from the trade list alone and checks the daily series against them. */
function checkAccounting(r: PortfolioResult, ser: readonly BarSeries[], opts: PortfolioOptions): void {
  const bySym = new Map(ser.map((s) => [s.symbol, s]));
  const tol = (x: number) => 1e-9 * Math.max(1, Math.abs(x));
  for (let d = 0; d < r.dates.length; d++) {
    const date = r.dates[d]!;
    let cash = r.initialCash;
    let mv = 0;
    let open = 0;
    for (const t of r.trades) {
      if (t.entryDate <= date) cash -= t.qty * t.entryPrice + t.entryCommission;
      if (t.exitDate <= date) cash += t.qty * t.exitPrice - t.exitCommission;
      if (t.entryDate <= date && date < t.exitDate) {
        mv += t.qty * closeAsOf(bySym.get(t.symbol)!, date)!;
        open++;
      }
    }
    expect(r.cash[d]).toBeGreaterThanOrEqual(0);
    expect(Math.abs(r.cash[d]! - cash)).toBeLessThanOrEqual(tol(cash) * 100);
    expect(Math.abs(r.equity[d]! - (r.cash[d]! + mv))).toBeLessThanOrEqual(tol(r.equity[d]!) * 100);
    expect(r.openPositions[d]).toBe(open);
    expect(open).toBeLessThanOrEqual(opts.maxPositions ?? Infinity);
  }
  // everything is closed by the end, so the total pnl is the equity change
  const pnl = r.trades.reduce((a, t) => a + t.pnl, 0);
  expect(r.openPositions[r.dates.length - 1]).toBe(0);
  expect(Math.abs(r.equity[r.dates.length - 1]! - r.initialCash - pnl)).toBeLessThanOrEqual(1e-6 * r.initialCash);
  // sizing uses the previous calendar day's closing equity and the slipped entry fill
  for (const t of r.trades) {
    const day = r.dates.indexOf(t.entryDate);
    const prevEq = day > 0 ? r.equity[day - 1]! : r.initialCash;
    const sz = opts.sizing!;
    const want =
      sz.kind === 'shares'
        ? Math.floor(sz.n)
        : sz.kind === 'dollars'
          ? Math.floor(sz.n / t.entryPrice)
          : sz.kind === 'equity'
            ? Math.floor((sz.pct * prevEq) / t.entryPrice)
            : Math.floor((sz.pct * prevEq) / (t.entryPrice - t.stop));
    expect(t.qty).toBe(want);
  }
  // one position per symbol+strategy: the next trade enters strictly after the previous one exits
  const last = new Map<string, string>();
  for (const t of [...r.trades].sort((a, b) => (a.entryDate < b.entryDate ? -1 : a.entryDate > b.entryDate ? 1 : 0))) {
    const key = `${t.symbol}/${t.strategy}`;
    const prevExit = last.get(key);
    if (prevExit !== undefined) expect(t.entryDate > prevExit).toBe(true);
    last.set(key, t.exitDate);
    expect(t.entryDate > t.signalDate).toBe(true);
    expect(t.exitDate >= t.entryDate).toBe(true);
    expect(Number.isInteger(t.qty) && t.qty >= 1).toBe(true);
  }
}

describe('runPortfolio properties', () => {
  it('equity = cash + Σ qty·close every day, and cash never goes negative', () => {
    let withTrades = 0;
    fc.assert(
      fc.property(
        fc.array(symbolArb, { minLength: 1, maxLength: 4 }),
        fc.array(signalArb, { maxLength: 40 }),
        settingsArb,
        (symSpecs, sigSpecs, settings) => {
          const ser = buildSeries(symSpecs);
          const opts: PortfolioOptions = { ...settings, series: ser, signals: [buildSignals(ser, sigSpecs)] };
          const r = runPortfolio(opts);
          if (r.trades.length > 0) withTrades++;
          checkAccounting(r, ser, opts);
        },
      ),
      { numRuns: 300 },
    );
    // guard against a generator that silently stops producing trades
    expect(withTrades).toBeGreaterThan(100);
  });

  it('has no lookahead: changing bars and signals after day d leaves days ≤ d and trades closed by d unchanged', () => {
    let closedBeforeCut = 0;
    fc.assert(
      fc.property(
        fc.array(symbolArb, { minLength: 1, maxLength: 4 }),
        fc.array(signalArb, { maxLength: 40 }),
        fc.array(signalArb, { maxLength: 20 }),
        fc.array(barArb, { minLength: 30, maxLength: 30 }),
        settingsArb,
        fc.nat(40),
        (symSpecs, sigSpecs, otherSigs, otherBars, settings, cutRaw) => {
          const ser = buildSeries(symSpecs);
          const base = runPortfolio({ ...settings, series: ser, signals: [buildSignals(ser, sigSpecs)] });
          const cut = cutRaw % base.dates.length;
          const cutDate = base.dates[cut]!;

          // same dates, different prices after the cut; signals after the cut replaced
          const perturbed = symSpecs.map((sp, k) => {
            const s = ser[k]!;
            const bars = sp.bars.map((b, i): Ohlc => (s.dates[i]! <= cutDate ? b : otherBars[i % otherBars.length]!));
            return { ...sp, bars };
          });
          const ser2 = buildSeries(perturbed);
          const keep = buildSignals(ser, sigSpecs).filter((s) => s.date <= cutDate);
          const later = buildSignals(ser2, otherSigs).filter((s) => s.date > cutDate);
          const alt = runPortfolio({ ...settings, series: ser2, signals: [keep, later] });

          expect(alt.dates).toEqual(base.dates);
          expect([...alt.equity.subarray(0, cut + 1)]).toEqual([...base.equity.subarray(0, cut + 1)]);
          expect([...alt.cash.subarray(0, cut + 1)]).toEqual([...base.cash.subarray(0, cut + 1)]);
          expect([...alt.exposure.subarray(0, cut + 1)]).toEqual([...base.exposure.subarray(0, cut + 1)]);
          const closedBy = (r: PortfolioResult) => r.trades.filter((t) => t.exitDate <= cutDate);
          expect(closedBy(alt)).toEqual(closedBy(base));
          if (closedBy(base).length > 0) closedBeforeCut++;
          const openedBy = (r: PortfolioResult) => r.trades.filter((t) => t.entryDate <= cutDate).map((t) => [t.symbol, t.strategy, t.entryDate, t.qty, t.entryPrice]);
          expect(openedBy(alt)).toEqual(openedBy(base));
          const skippedBy = (r: PortfolioResult) => r.skipped.filter((s) => s.date <= cutDate);
          expect(skippedBy(alt)).toEqual(skippedBy(base));
        },
      ),
      { numRuns: 300 },
    );
    expect(closedBeforeCut).toBeGreaterThan(50);
  });

  it('is byte-identical across runs and independent of input order', () => {
    fc.assert(
      fc.property(
        fc.array(symbolArb, { minLength: 1, maxLength: 4 }),
        fc.array(signalArb, { maxLength: 40 }),
        settingsArb,
        fc.nat(100),
        (symSpecs, sigSpecs, settings, rot) => {
          const ser = buildSeries(symSpecs);
          const sigs = buildSignals(ser, sigSpecs);
          const a = JSON.stringify(runPortfolio({ ...settings, series: ser, signals: [sigs] }));
          const b = JSON.stringify(runPortfolio({ ...settings, series: ser, signals: [sigs] }));
          const k = sigs.length === 0 ? 0 : rot % sigs.length;
          const rotated = [...sigs.slice(k), ...sigs.slice(0, k)].reverse();
          const c = JSON.stringify(
            runPortfolio({
              ...settings,
              series: [...ser].reverse(),
              signals: [rotated.slice(0, rot % (rotated.length + 1)), rotated.slice(rot % (rotated.length + 1))],
            }),
          );
          expect(b).toBe(a);
          expect(c).toBe(a);
        },
      ),
      { numRuns: 200 },
    );
  });
});
