import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { runPortfolio } from '../../../../src/engine/backtest/portfolio.js';
import { resolveSettings } from '../../../../src/engine/backtest/portfolio-options.js';
import { prepareSignals, prepareUniverse, runPrepared } from '../../../../src/engine/backtest/prepared-run.js';
import { walkForwardSteps, windowOf, type WalkForwardResult, type WalkForwardSettings } from '../../../../src/engine/backtest/walk-forward.js';
import { walkForwardPrecomputedSteps } from '../../../../src/engine/backtest/walk-forward-precomputed.js';
import type { Signal } from '../../../../src/engine/signal.js';
import { series, type Ohlc } from './helpers.js';

// Random universes: staggered starts, holes, prices on three scales; signals per grid point and
// series with ties in score, NaN scores, duplicates and two strategies, so every tie-break matters.
const barArb = fc
  .tuple(fc.integer({ min: 80, max: 120 }), fc.integer({ min: 80, max: 120 }), fc.nat(8), fc.nat(8))
  .map(([o, c, up, down]): Ohlc => [o, Math.max(o, c) + up, Math.min(o, c) - down, c]);

const symbolArb = fc.record({
  offset: fc.nat(10),
  scale: fc.constantFrom(0.05, 1, 3),
  bars: fc.array(barArb, { minLength: 2, maxLength: 60 }),
  holes: fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
});

const signalArb = fc.record({
  bar: fc.nat(59),
  turtle: fc.boolean(),
  stopFrac: fc.double({ min: 0.8, max: 1.02, noNaN: true }),
  targetFrac: fc.option(fc.double({ min: 1, max: 1.25, noNaN: true }), { nil: null }),
  n: fc.integer({ min: 1, max: 8 }),
  score: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(Number.NaN)),
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
    fc.double({ min: 0.05, max: 1, noNaN: true }).map((pct) => ({ kind: 'equity' as const, pct })),
    fc.double({ min: 0.005, max: 0.2, noNaN: true }).map((pct) => ({ kind: 'risk' as const, pct })),
  ),
  maxPositions: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  maxPositionPct: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
});

type SymbolSpec = { offset: number; scale: number; bars: Ohlc[]; holes: boolean[] };
type SignalSpec = { bar: number; turtle: boolean; stopFrac: number; targetFrac: number | null; n: number; score: number };

const SYMBOLS = ['DDD', 'AAA', 'CCC', 'BBB', 'EEE'];

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

/** One series' signals, date-ascending (sorted by bar, stable, so duplicates stay in draw order). */
function buildSignals(s: BarSeries, specs: readonly SignalSpec[]): Signal[] {
  const withBar = specs.map((sp) => ({ sp, t: sp.bar % s.dates.length }));
  withBar.sort((a, b) => a.t - b.t);
  return withBar.map(({ sp, t }) => {
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

/** The reference selection: each window's series, their signals dated inside it (what walkForwardPrecomputed in src/trading does). */
function reference(opts: WalkForwardSettings, signals: Signal[][][]): WalkForwardResult<undefined> {
  const steps = walkForwardSteps(opts, signals.length, (g, window, from, to) => {
    const out: Signal[] = [];
    for (const k of window.index) for (const sig of signals[g]![k]!) if (sig.date >= from && sig.date <= to) out.push(sig);
    return out;
  });
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

function drain<T>(steps: Generator<unknown, T>): { value: T; yields: unknown[] } {
  const yields: unknown[] = [];
  let r = steps.next();
  while (!r.done) {
    yields.push(r.value);
    r = steps.next();
  }
  return { value: r.value, yields };
}

const universeArb = fc.array(symbolArb, { minLength: 1, maxLength: 5 });

describe('runPrepared', () => {
  it('equals runPortfolio on the window’s bars and signals, float for float', () => {
    fc.assert(
      fc.property(
        universeArb,
        fc.array(fc.array(signalArb, { maxLength: 25 }), { minLength: 5, maxLength: 5 }),
        settingsArb,
        fc.nat(200),
        fc.nat(200),
        (specs, sigSpecs, settings, a, b) => {
          const ser = buildSeries(specs);
          const lists = ser.map((s, k) => buildSignals(s, sigSpecs[k]!));
          const u = prepareUniverse(ser);
          const prepared = prepareSignals(u, lists);
          expect(prepared).not.toBeNull();
          const n = u.dates.length;
          const d0 = a % n;
          const d1 = d0 + (b % (n - d0));
          const from = u.dates[d0]!;
          const to = u.dates[d1]!;
          const window = windowOf(ser, from, to);
          const inWindow = window.index.flatMap((k) => lists[k]!.filter((sig) => sig.date >= from && sig.date <= to));
          const want = runPortfolio({ ...settings, series: window.series, signals: [inWindow], startDate: from, endDate: to });
          const got = runPrepared(u, prepared!, resolveSettings({ ...settings, series: [], signals: [] }), d0, d1);
          expect(got.dates).toStrictEqual([...want.dates]);
          expect(got.equity).toStrictEqual(want.equity);
          expect(got.trades).toStrictEqual(want.trades);
          expect(got.metrics).toStrictEqual(want.metrics);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('walkForwardPrecomputedSteps', () => {
  it('yields and returns exactly what walkForwardSteps does with the per-window selection', () => {
    fc.assert(
      fc.property(
        universeArb,
        fc.array(fc.array(fc.array(signalArb, { maxLength: 20 }), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 3 }),
        settingsArb,
        fc.record({ train: fc.integer({ min: 1, max: 20 }), test: fc.integer({ min: 1, max: 10 }), extra: fc.nat(5) }),
        fc.constantFrom('sharpe' as const, 'cagr' as const, 'profit_factor' as const),
        (specs, gridSpecs, settings, w, objective) => {
          const ser = buildSeries(specs);
          const signals = gridSpecs.map((perSym) => ser.map((s, k) => buildSignals(s, perSym[k]!)));
          const opts: WalkForwardSettings = { series: ser, objective, trainBars: w.train, testBars: w.test, stepBars: w.test + w.extra, backtest: settings };
          const days = prepareUniverse(ser).dates.length;
          if (days <= w.train) {
            expect(() => drain(walkForwardPrecomputedSteps(opts, signals))).toThrow(RangeError);
            return;
          }
          const want = reference(opts, signals);
          const got = drain(walkForwardPrecomputedSteps(opts, signals));
          expect(got.value).toStrictEqual(want);
          expect(got.yields).toStrictEqual(want.windows.map((_, i) => ({ done: i + 1, total: want.windows.length })));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('takes the general path for a custom objective and for lists that break the rules', () => {
    const ser = buildSeries([
      { offset: 0, scale: 1, bars: Array.from({ length: 40 }, (_, i): Ohlc => [100 + (i % 5), 106 + (i % 5), 97, 101 + (i % 7)]), holes: [] },
      { offset: 3, scale: 3, bars: Array.from({ length: 35 }, (_, i): Ohlc => [100 - (i % 4), 104, 95 - (i % 3), 100 + (i % 6)]), holes: [] },
    ]);
    const spec = (bar: number, score: number): SignalSpec => ({ bar, turtle: false, stopFrac: 0.95, targetFrac: null, n: 3, score });
    const ordered = [ser.map((s) => buildSignals(s, [spec(2, 1), spec(9, 2), spec(15, 0), spec(21, 1), spec(30, 3)]))];
    // Date-descending lists: the reference's binary search and the kernel's bar resolution disagree on them.
    const reversed = [ordered[0]!.map((l) => [...l].reverse())];
    const opts: WalkForwardSettings = { series: ser, trainBars: 10, testBars: 5, stepBars: 5 };
    const custom: WalkForwardSettings = { ...opts, objective: (r) => r.skipped.length - r.trades.length };
    const run = (o: WalkForwardSettings, sigs: Signal[][][]) => {
      const steps = walkForwardSteps(o, sigs.length, (g, window, from, to) => {
        const out: Signal[] = [];
        for (const k of window.index) {
          const list = sigs[g]![k]!;
          let lo = 0;
          let hi = list.length;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (list[mid]!.date < from) lo = mid + 1;
            else hi = mid;
          }
          for (let i = lo; i < list.length && list[i]!.date <= to; i++) out.push(list[i]!);
        }
        return out;
      });
      return drain(steps).value;
    };
    expect(drain(walkForwardPrecomputedSteps(custom, ordered)).value).toStrictEqual(run(custom, ordered));
    expect(drain(walkForwardPrecomputedSteps(opts, reversed)).value).toStrictEqual(run(opts, reversed));
  });

  it('rejects what walkForwardSteps rejects, with its messages', () => {
    const ser = buildSeries([{ offset: 0, scale: 1, bars: Array.from({ length: 12 }, (): Ohlc => [100, 101, 99, 100]), holes: [] }]);
    const sig = [[[] as Signal[]]];
    expect(() => drain(walkForwardPrecomputedSteps({ series: ser }, []))).toThrow('non-empty grid');
    expect(() => drain(walkForwardPrecomputedSteps({ series: ser, trainBars: 0 }, sig))).toThrow('trainBars must be a positive integer');
    expect(() => drain(walkForwardPrecomputedSteps({ series: ser, testBars: 5, stepBars: 3 }, sig))).toThrow('stepBars (3) must be >= testBars (5)');
    expect(() => drain(walkForwardPrecomputedSteps({ series: ser, trainBars: 12 }, sig))).toThrow('need more than 12 bars for one window, have 12');
  });
});

describe('prepareUniverse', () => {
  it('rejects duplicate symbols as runPortfolio does', () => {
    const s = series('AAA', [[100, 101, 99, 100]]);
    expect(() => prepareUniverse([s, s])).toThrow('duplicate series for AAA');
  });
});

describe('prepareSignals on busy days', () => {
  // 40 symbols on one calendar and signals on most bars: each entry day holds dozens of
  // candidates with tied and NaN scores, so the per-day sort runs its merge passes.
  const busyArb = fc.record({
    seed: fc.array(fc.tuple(barArb, fc.nat(3), fc.boolean(), fc.double({ min: 0.8, max: 1.02, noNaN: true })), { minLength: 40 * 12, maxLength: 40 * 12 }),
    settings: settingsArb,
  });

  it('orders each day as runPortfolio does, and runs equal runPortfolio', () => {
    fc.assert(
      fc.property(busyArb, ({ seed, settings }) => {
        const ser: BarSeries[] = [];
        const lists: Signal[][] = [];
        for (let k = 0; k < 40; k++) {
          const rows = seed.slice(k * 12, k * 12 + 12);
          const s = series(`S${String((k * 17) % 40).padStart(2, '0')}`, rows.map(([bar]) => bar));
          ser.push(s);
          lists.push(
            rows.flatMap(([, score, nan, stopFrac], t) =>
              t % 5 === 4 ? [] : [{ symbol: s.symbol, strategy: nan && score === 0 ? 'turtle_soup' : 'donchian', index: t, date: s.dates[t]!, close: s.close[t]!, stop: s.close[t]! * stopFrac, target: score === 2 ? s.close[t]! * 1.1 : null, atr: 1, timeStopBars: 1 + score, score: nan ? Number.NaN : score, reasons: [] }],
            ),
          );
        }
        const u = prepareUniverse(ser);
        const p = prepareSignals(u, lists)!;
        const rank = (j: number) => (Number.isNaN(p.score[j]!) ? -Infinity : p.score[j]!);
        for (let j = 1; j < p.sym.length; j++) {
          if (p.entryDay[j] !== p.entryDay[j - 1]) {
            expect(p.entryDay[j]).toBeGreaterThan(p.entryDay[j - 1]!);
            continue;
          }
          // score desc (NaN last), then symbol asc: what runPortfolio documents.
          const a = rank(j - 1);
          const b = rank(j);
          expect(a >= b).toBe(true);
          if (a === b) expect(p.sym[j - 1]! <= p.sym[j]!).toBe(true);
        }
        const n = u.dates.length;
        const want = runPortfolio({ ...settings, series: ser, signals: lists });
        const got = runPrepared(u, p, resolveSettings({ ...settings, series: [], signals: [] }), 0, n - 1);
        expect(got.trades).toStrictEqual(want.trades);
        expect(got.equity).toStrictEqual(want.equity);
        expect(got.metrics).toStrictEqual(want.metrics);
      }),
      { numRuns: 60 },
    );
  });
});
