import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateKelly } from '../../../../src/engine/allocation/estimate.js';
import { simulateTrade } from '../../../../src/engine/backtest/simulate-trade.js';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { liveReview } from '../../../../src/engine/hypotheses/live-review.js';
import { runShadowBook, type ShadowBook } from '../../../../src/engine/hypotheses/shadow-book.js';
import { closedR, liveFigures, paperFigures } from '../../../../src/engine/hypotheses/shadow-figures.js';
import type { Signal } from '../../../../src/engine/signal.js';
import { day, series, signal, type Ohlc } from '../backtest/helpers.js';

// Four symbols over six sessions (day 0..5), no slippage so every figure is
// plain arithmetic. Worked by hand:
// AAA: signal d0 stop 95 → entry d1 @100, qty floor(1000/5) = 200; d2 low 94 → stop @95: pnl −1000, R −1.
//      A second AAA signal on d1 is still held at d2's open → already_in_position.
// BBB: signal d1 stop 48 target 54; equity(d1) = 100000 + 200·1 = 100200 → qty floor(1002/2) = 501;
//      entry d2 @50; d3 high 55 → target @max(51, 54) = 54: pnl 501·4 = 2004, R 2.
// CCC: signal d0 stop 19.5, d1 opens 19 → gap_below_stop. Signal d2 stop 18, time stop 2;
//      equity(d2) = 100000 − 1000 + 501·1 = 99501 → qty floor(995.01/2) = 497; entry d3 @20;
//      d4 is bar 2 → time stop at close 20.6: pnl 497·0.6 = 298.2, R 0.3.
// DDD: signal d3 stop 8; equity(d3) = 99000 + 2004 + 497·0.2 = 101103.4 → qty floor(1011.034/2) = 505;
//      entry d4 @10, still open at d5, marked at 10.5: unrealised 505·0.5 = 252.5.
// ZZZ has no series (unknown_symbol); BBB's d5 signal waits for d6 (pending).
const AAA = series('AAA', [
  [100, 101, 99, 100],
  [100, 102, 98, 101],
  [101, 101, 94, 96],
  [96, 97, 95, 96],
  [96, 97, 95, 96],
  [96, 97, 95, 96],
]);
const BBB = series('BBB', [
  [50, 51, 49, 50],
  [50, 51, 49, 50],
  [50, 52, 49.5, 51],
  [51, 55, 50.5, 54.5],
  [54, 55, 53, 54],
  [54, 55, 53, 54],
]);
const CCC = series('CCC', [
  [20, 21, 19, 20],
  [19, 20, 18.5, 19.5],
  [19.5, 20, 19, 19.8],
  [20, 20.5, 19.5, 20.2],
  [20.2, 20.8, 20, 20.6],
  [20.6, 21, 20.4, 20.8],
]);
const DDD = series('DDD', [
  [10, 10.5, 9.5, 10],
  [10, 10.5, 9.5, 10],
  [10, 10.5, 9.5, 10],
  [10, 10.5, 9.5, 10],
  [10, 10.4, 9.8, 10.2],
  [10.2, 10.6, 10, 10.5],
]);
const HAND_SIGNALS: Signal[] = [
  signal(AAA, 0, { stop: 95, timeStopBars: 10 }),
  signal(AAA, 1, { stop: 95, timeStopBars: 10 }),
  signal(BBB, 1, { stop: 48, target: 54, timeStopBars: 10 }),
  signal(CCC, 0, { stop: 19.5, timeStopBars: 10 }),
  signal(CCC, 2, { stop: 18, timeStopBars: 2 }),
  signal(DDD, 3, { stop: 8, timeStopBars: 10 }),
  signal(BBB, 5, { stop: 50, timeStopBars: 10 }),
  { ...signal(AAA, 2, { stop: 90 }), symbol: 'ZZZ' },
];

function handBook(to = day(5)): ShadowBook {
  return runShadowBook({ series: [DDD, BBB, AAA, CCC], signals: HAND_SIGNALS, from: day(0), to, slippageBps: 0 });
}

describe('runShadowBook on a hand-worked book', () => {
  const book = handBook();

  it('takes the trades worked out by hand, with their exits, P&L and R', () => {
    const rows = book.trades.map((t) => [t.symbol, t.signalDate, t.entryDate, t.entryPrice, t.qty, t.exitDate, t.exitPrice, t.exitReason]);
    expect(rows).toEqual([
      ['AAA', day(0), day(1), 100, 200, day(2), 95, 'stop'],
      ['BBB', day(1), day(2), 50, 501, day(3), 54, 'target'],
      ['CCC', day(2), day(3), 20, 497, day(4), 20.6, 'time_stop'],
      ['DDD', day(3), day(4), 10, 505, null, null, null],
    ]);
    const [a, b, c, d] = book.trades;
    expect(a!.pnl).toBeCloseTo(-1000, 9);
    expect(a!.r).toBeCloseTo(-1, 12);
    expect(b!.pnl).toBeCloseTo(2004, 9);
    expect(b!.r).toBeCloseTo(2, 12);
    expect(c!.pnl).toBeCloseTo(298.2, 9);
    expect(c!.r).toBeCloseTo(0.3, 12);
    expect([a!.barsHeld, b!.barsHeld, c!.barsHeld, d!.barsHeld]).toEqual([2, 2, 2, null]);
    expect(d!.pnl).toBeNull();
    expect(d!.r).toBeNull();
  });

  it('lists the open trade with its mark at the last close', () => {
    expect(book.open).toHaveLength(1);
    const o = book.open[0]!;
    expect([o.symbol, o.markDate, o.markPrice, o.qty]).toEqual(['DDD', day(5), 10.5, 505]);
    expect(o.unrealisedPnl).toBeCloseTo(252.5, 9);
  });

  it('says why each untraded signal was not taken, and which are waiting for their entry bar', () => {
    expect(book.skipped).toEqual(
      expect.arrayContaining([
        { symbol: 'ZZZ', signalDate: day(2), reason: 'unknown_symbol' },
        { symbol: 'CCC', signalDate: day(0), reason: 'gap_below_stop' },
        { symbol: 'AAA', signalDate: day(1), reason: 'already_in_position' },
      ]),
    );
    expect(book.skipped).toHaveLength(3);
    expect(book.pending).toEqual([{ symbol: 'BBB', signalDate: day(5) }]);
  });

  it('marks the book at every close: start + realised + unrealised', () => {
    expect(book.dates).toEqual([0, 1, 2, 3, 4, 5].map(day));
    const byHand = [
      100_000,
      100_000 + 200 * (101 - 100),
      100_000 - 1000 + 501 * (51 - 50),
      100_000 - 1000 + 2004 + 497 * (20.2 - 20),
      100_000 - 1000 + 2004 + 298.2 + 505 * (10.2 - 10),
      100_000 - 1000 + 2004 + 298.2 + 505 * (10.5 - 10),
    ];
    expect(book.equity).toHaveLength(byHand.length);
    book.equity.forEach((e, i) => expect(e).toBeCloseTo(byHand[i]!, 6));
  });

  it('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(book))).toEqual(book);
  });

  it('gives closed R multiples in exit order and the PAPER figures by the backtest conventions', () => {
    const rs = closedR(book);
    expect(rs).toHaveLength(3);
    [-1, 2, 0.3].forEach((r, i) => expect(rs[i]).toBeCloseTo(r, 12));

    const f = paperFigures(book);
    expect(f.closedTrades).toBe(3);
    expect(f.profitFactor).toBeCloseTo((2004 + 298.2) / 1000, 9);
    // Peak 100200 on d1, trough 99501 on d2.
    expect(f.maxDrawdown).toBeCloseTo((100_200 - 99_501) / 100_200, 12);
    const eq = [100_000, 100_200, 99_501, 101_103.4, 101_403.2, 101_554.7];
    const ret = eq.slice(1).map((e, i) => e / eq[i]! - 1);
    const mean = ret.reduce((s, r) => s + r, 0) / ret.length;
    const sd = Math.sqrt(ret.reduce((s, r) => s + (r - mean) ** 2, 0) / (ret.length - 1));
    expect(f.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 6);
  });

  it('gives the LIVE figures over a rolling window', () => {
    const lf = liveFigures(book, 40_000, 3);
    // Window = sessions d3, d4, d5 (returns from the d2 close on): BBB (d3) and CCC (d4) closed in it.
    expect(lf.rollingTrades).toBe(2);
    const eq = [99_501, 101_103.4, 101_403.2, 101_554.7];
    const ret = eq.slice(1).map((e, i) => e / eq[i]! - 1);
    const mean = ret.reduce((s, r) => s + r, 0) / ret.length;
    const sd = Math.sqrt(ret.reduce((s, r) => s + (r - mean) ** 2, 0) / (ret.length - 1));
    expect(lf.rollingSharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 6);
    expect(lf.drawdown).toBe(0); // d5 is a new high
    expect(lf.lossStreak).toBe(0);
    expect(lf.allocationCap).toBe(40_000);

    // At d2 the book is 699 below its d1 peak, after one loss.
    const early = liveFigures(handBook(day(2)), 40_000);
    expect(early.drawdown).toBeCloseTo(699, 6);
    expect(early.lossStreak).toBe(1);
    expect(early.rollingTrades).toBe(1);
  });

  it('prices fills with slippage on both sides and sizes and measures R on the fills', () => {
    const s = series('SLP', [
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [100, 100, 89, 95],
    ]);
    const b = runShadowBook({ series: [s], signals: [signal(s, 0, { stop: 90 })], from: day(0), to: day(2), slippageBps: 10 });
    const t = b.trades[0]!;
    expect(t.entryPrice).toBeCloseTo(100.1, 12);
    expect(t.qty).toBe(Math.floor(1000 / 10.1));
    expect(t.exitPrice).toBeCloseTo(89.91, 12);
    expect(t.r).toBeCloseTo((89.91 - 100.1) / (100.1 - 90), 12);
    expect(t.pnl).toBeCloseTo(99 * (89.91 - 100.1), 9);
  });

  it('sizes from the equity at the signal’s close, even when the symbol’s next bar is sessions later', () => {
    // XXX: entry d1 @100 qty floor(1000/10) = 100; d2 close 120 → equity(d2) = 102000.
    // YYY has no bar on d2: its d1 signal enters on d3 and is sized from equity(d1) = 100000 + 100·(105 − 100).
    const x = series('XXX', [
      [100, 101, 99, 100],
      [100, 106, 99, 105],
      [105, 121, 104, 120],
      [120, 121, 119, 120],
    ]);
    const y = series('YYY', [[50, 51, 49, 50], [50, 51, 49, 50], [50, 51, 49, 50]], 0, [0, 1, 3]);
    const b = runShadowBook({
      series: [x, y],
      signals: [signal(x, 0, { stop: 90 }), signal(y, 1, { stop: 40 })],
      from: day(0),
      to: day(3),
      slippageBps: 0,
    });
    expect(b.equity[2]).toBeCloseTo(102_000, 9);
    const yTrade = b.trades.find((t) => t.symbol === 'YYY')!;
    expect([yTrade.signalDate, yTrade.entryDate, yTrade.qty]).toEqual([day(1), day(3), Math.floor(1005 / 10)]);
  });

  it('ignores signals before `from` and refuses a bad range', () => {
    const b = runShadowBook({ series: [AAA], signals: [signal(AAA, 0, { stop: 95 })], from: day(1), to: day(5) });
    expect(b.trades).toEqual([]);
    expect(b.equity).toEqual([100_000, 100_000, 100_000, 100_000, 100_000]);
    expect(() => runShadowBook({ series: [AAA], signals: [], from: day(3), to: day(1) })).toThrow(/inverted/);
    expect(() => runShadowBook({ series: [AAA], signals: [], from: '2024-1-1', to: day(1) })).toThrow(/ISO/);
    expect(() => runShadowBook({ series: [AAA], signals: [], from: day(0), to: day(1), riskPct: 2 })).toThrow(/riskPct/);
  });
});

describe('Kelly and the loss streak from the shadow book', () => {
  // Ten 3-bar cycles: signal (close 100, stop 98, target 104), a quiet entry bar, then an outcome bar.
  // The first five reach the target (R = 4/2 = 2), the last five trade through the stop (R = −1).
  const bars: Ohlc[] = [];
  for (let k = 0; k < 10; k++) {
    bars.push([100, 101, 99, 100], [100, 101, 99, 100], k < 5 ? [100, 110, 99.5, 105] : [100, 100.5, 97, 97.5]);
  }
  const s = series('STK', bars);
  const signals = Array.from({ length: 10 }, (_, k) => signal(s, 3 * k, { stop: 98, target: 104, timeStopBars: 10 }));
  const book = runShadowBook({ series: [s], signals, from: day(0), to: day(29), slippageBps: 0 });

  it('feeds the R multiples in exit order to the Kelly estimate', () => {
    const rs = closedR(book);
    expect(rs).toEqual([2, 2, 2, 2, 2, -1, -1, -1, -1, -1]);
    const k = estimateKelly(rs);
    expect(k.p).toBe(0.5);
    expect(k.b).toBe(2);
    expect(k.f).toBeCloseTo(0.5 - 0.5 / 2, 12);
  });

  it('counts the planted losing streak, which demotes a LIVE hypothesis', () => {
    const lf = liveFigures(book, 1e9);
    expect(lf.lossStreak).toBe(5);
    const review = liveReview(lf);
    expect(review.verdict).toBe('DEMOTE');
    expect(review.verdict === 'DEMOTE' && review.reasons).toContain('loss_streak');
  });
});

// ---- properties -------------------------------------------------------------

const barArb = fc
  .tuple(fc.integer({ min: 80, max: 120 }), fc.integer({ min: 80, max: 120 }), fc.nat(8), fc.nat(8))
  .map(([o, c, up, down]): Ohlc => [o, Math.max(o, c) + up, Math.min(o, c) - down, c]);

const symbolArb = fc.record({
  offset: fc.nat(4),
  bars: fc.array(barArb, { minLength: 2, maxLength: 25 }),
  holes: fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
});

const signalArb = fc.record({
  sym: fc.nat(2),
  bar: fc.nat(24),
  stopFrac: fc.double({ min: 0.8, max: 1.02, noNaN: true }),
  targetFrac: fc.option(fc.double({ min: 1, max: 1.2, noNaN: true }), { nil: null }),
  n: fc.integer({ min: 1, max: 6 }),
});

const SYMBOLS = ['CCC', 'AAA', 'BBB'];

function buildSeries(specs: readonly { offset: number; bars: Ohlc[]; holes: boolean[] }[]): BarSeries[] {
  return specs.map((sp, k) => {
    let gap = 0;
    const dayIdx = sp.bars.map((_, i) => {
      if (sp.holes[i]) gap++;
      return sp.offset + i + gap;
    });
    return series(SYMBOLS[k]!, sp.bars, 0, dayIdx);
  });
}

function buildSignals(ser: readonly BarSeries[], specs: readonly (typeof signalArb extends fc.Arbitrary<infer T> ? T : never)[]): Signal[] {
  return specs.map((sp) => {
    const s = ser[sp.sym % ser.length]!;
    const t = sp.bar % s.dates.length;
    const c = s.close[t]!;
    return signal(s, t, { stop: c * sp.stopFrac, target: sp.targetFrac === null ? null : c * sp.targetFrac, timeStopBars: sp.n });
  });
}

const bookArb = fc
  .record({
    syms: fc.array(symbolArb, { minLength: 1, maxLength: 3 }),
    sigs: fc.array(signalArb, { maxLength: 25 }),
    startEquity: fc.integer({ min: 1_000, max: 1_000_000 }),
    riskPct: fc.double({ min: 0.001, max: 0.2, noNaN: true }),
    slippageBps: fc.integer({ min: 0, max: 20 }),
    fromDay: fc.nat(3),
    cut: fc.nat(40),
  })
  .map((x) => {
    const ser = buildSeries(x.syms);
    return { ...x, ser, signals: buildSignals(ser, x.sigs) };
  });

describe('shadow book properties', () => {
  it('recomputing with a later `to` never changes earlier equity or trades closed by then', () => {
    fc.assert(
      fc.property(bookArb, (x) => {
        const base = { series: x.ser, signals: x.signals, startEquity: x.startEquity, riskPct: x.riskPct, slippageBps: x.slippageBps };
        const from = day(x.fromDay);
        const long = runShadowBook({ ...base, from, to: day(60) });
        const shortTo = day(x.fromDay + x.cut);
        const short = runShadowBook({ ...base, from, to: shortTo });
        const n = short.dates.length;
        expect(long.dates.slice(0, n)).toEqual(short.dates);
        // Exact equality: the same float operations in the same order.
        expect(long.equity.slice(0, n)).toEqual(short.equity);
        expect(short.trades.length).toBeLessThanOrEqual(long.trades.length);
        short.trades.forEach((t, i) => {
          const l = long.trades[i]!;
          if (t.exitDate !== null) expect(l).toEqual(t);
          else {
            expect({ ...l, exitDate: null, exitPrice: null, exitReason: null, pnl: null, r: null, barsHeld: null }).toEqual(t);
            // Still open at the short book's end: it cannot have closed on or before that date.
            if (l.exitDate !== null) expect(l.exitDate > shortTo).toBe(true);
          }
        });
        for (const t of long.trades.slice(short.trades.length)) expect(t.entryDate > shortTo).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('equity ends at start + realised + unrealised, and every exit is the backtest simulator’s', () => {
    fc.assert(
      fc.property(bookArb, (x) => {
        const to = day(x.fromDay + x.cut);
        const book = runShadowBook({ series: x.ser, signals: x.signals, from: day(x.fromDay), to, startEquity: x.startEquity, riskPct: x.riskPct, slippageBps: x.slippageBps });
        if (book.dates.length > 0) {
          const realised = book.trades.reduce((s, t) => s + (t.pnl ?? 0), 0);
          const unrealised = book.open.reduce((s, t) => s + t.unrealisedPnl, 0);
          expect(book.equity.at(-1)).toBeCloseTo(x.startEquity + realised + unrealised, 4);
          expect(book.equity[0]).toBe(x.startEquity);
        }
        for (const t of book.trades) {
          const s = x.ser.find((q) => q.symbol === t.symbol)!;
          const sig = x.signals.find((g) => g.symbol === t.symbol && g.date === t.signalDate && g.stop === t.stop && g.target === t.target)!;
          let lastIndex = s.dates.length - 1;
          while (s.dates[lastIndex]! > to) lastIndex--;
          const sim = simulateTrade(s, sig, { slippageBps: x.slippageBps, lastIndex });
          expect(sim.taken).toBe(true);
          if (!sim.taken) continue;
          expect(sim.entryPrice).toBe(t.entryPrice);
          if (t.exitDate === null) {
            // The book has no end-of-data exit: the simulator ends it where the book marks it.
            const o = book.open.find((q) => q.symbol === t.symbol && q.signalDate === t.signalDate)!;
            expect([sim.exitReason, sim.exitDate, sim.rawExitPrice]).toEqual(['end_of_data', o.markDate, o.markPrice]);
          } else {
            expect([sim.exitDate, sim.exitPrice, sim.exitReason]).toEqual([t.exitDate, t.exitPrice, t.exitReason]);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on the order of series or signals', () => {
    fc.assert(
      fc.property(bookArb, (x) => {
        const opts = { from: day(x.fromDay), to: day(60), startEquity: x.startEquity, riskPct: x.riskPct, slippageBps: x.slippageBps };
        const a = runShadowBook({ ...opts, series: x.ser, signals: x.signals });
        const b = runShadowBook({ ...opts, series: [...x.ser].reverse(), signals: [...x.signals].reverse() });
        expect(b).toEqual(a);
      }),
      { numRuns: 100 },
    );
  });
});
