import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulateTrade, type SimulatedTrade, type TradeSimulation } from '../../../../src/engine/backtest/simulate-trade.js';
import { day, series, signal, type Ohlc } from './helpers.js';

const SIGNAL_BAR: Ohlc = [99, 101, 98, 100];

function taken(r: TradeSimulation): SimulatedTrade {
  if (!r.taken) throw new Error(`expected a trade, got skip ${r.reason}`);
  return r;
}

describe('simulateTrade exit paths', () => {
  it('skips the entry when the next open is at or below the stop (gap_below_stop)', () => {
    for (const open of [95, 94]) {
      const s = series('AAA', [SIGNAL_BAR, [open, 97, 93, 96], [96, 97, 95, 96]]);
      expect(simulateTrade(s, signal(s, 0, { stop: 95 }))).toEqual({ taken: false, signalIndex: 0, reason: 'gap_below_stop' });
    }
  });

  it('exits at the open when bar 2+ opens at or below the stop (gap_stop)', () => {
    const s = series('AAA', [SIGNAL_BAR, [100, 102, 96, 101], [94, 97, 93, 96], [96, 97, 95, 96]]);
    const r = taken(simulateTrade(s, signal(s, 0, { stop: 95, target: 110 })));
    expect(r).toMatchObject({ entryIndex: 1, entryPrice: 100, exitIndex: 2, exitPrice: 94, exitReason: 'gap_stop', barsHeld: 2 });
    expect(r.exitDate).toBe(day(2));
    // open exactly at the stop is also a gap: filled at the open, which equals the stop here
    const s2 = series('AAA', [SIGNAL_BAR, [100, 102, 96, 101], [95, 99, 94, 98]]);
    expect(taken(simulateTrade(s2, signal(s2, 0, { stop: 95 })))).toMatchObject({ exitReason: 'gap_stop', exitPrice: 95 });
  });

  it('does not treat bar 1 as a gap: a low through the stop on the entry bar is a plain stop', () => {
    const s = series('AAA', [SIGNAL_BAR, [100, 101, 95, 98], [98, 99, 97, 98]]);
    const r = taken(simulateTrade(s, signal(s, 0, { stop: 95 })));
    expect(r).toMatchObject({ entryPrice: 100, exitIndex: 1, exitPrice: 95, exitReason: 'stop', barsHeld: 1 });
  });

  it('exits at the stop when a later bar trades through it intrabar', () => {
    const s = series('AAA', [SIGNAL_BAR, [100, 102, 97, 101], [101, 103, 99, 102], [102, 102, 94, 96]]);
    expect(taken(simulateTrade(s, signal(s, 0, { stop: 95, target: 110 })))).toMatchObject({
      exitIndex: 3,
      exitPrice: 95,
      exitReason: 'stop',
      barsHeld: 3,
    });
  });

  it('exits at the target, or at the open when the bar gaps above it', () => {
    const hit = series('AAA', [SIGNAL_BAR, [100, 102, 97, 101], [105, 111, 104, 109]]);
    expect(taken(simulateTrade(hit, signal(hit, 0, { stop: 95, target: 110 })))).toMatchObject({
      exitIndex: 2,
      exitPrice: 110,
      exitReason: 'target',
    });
    const gap = series('AAA', [SIGNAL_BAR, [100, 102, 97, 101], [112, 113, 111, 112]]);
    expect(taken(simulateTrade(gap, signal(gap, 0, { stop: 95, target: 110 })))).toMatchObject({
      exitIndex: 2,
      exitPrice: 112,
      exitReason: 'target',
    });
  });

  it('exits on the entry bar at the entry price when bar 1 opens above the target', () => {
    const s = series('AAA', [SIGNAL_BAR, [111, 112, 110.5, 111], [111, 112, 110, 111]]);
    expect(taken(simulateTrade(s, signal(s, 0, { stop: 95, target: 110 })))).toMatchObject({
      entryPrice: 111,
      exitIndex: 1,
      exitPrice: 111,
      exitReason: 'target',
      barsHeld: 1,
    });
  });

  it('lets the stop win when one bar reaches both stop and target', () => {
    const s = series('AAA', [SIGNAL_BAR, [100, 102, 97, 101], [101, 111, 94, 105]]);
    expect(taken(simulateTrade(s, signal(s, 0, { stop: 95, target: 110 })))).toMatchObject({
      exitIndex: 2,
      exitPrice: 95,
      exitReason: 'stop',
    });
  });

  it('exits at the close of bar N (time_stop), counting the entry bar as bar 1', () => {
    const quiet: Ohlc = [100, 101, 99, 100.5];
    const s = series('AAA', [SIGNAL_BAR, quiet, quiet, [100, 101, 99, 100.25], quiet, quiet]);
    expect(taken(simulateTrade(s, signal(s, 0, { stop: 95, target: 110, timeStopBars: 3 })))).toMatchObject({
      exitIndex: 3,
      exitPrice: 100.25,
      exitReason: 'time_stop',
      barsHeld: 3,
    });
    const one = taken(simulateTrade(s, signal(s, 0, { stop: 95, timeStopBars: 1 })));
    expect(one).toMatchObject({ exitIndex: 1, exitPrice: 100.5, exitReason: 'time_stop', barsHeld: 1 });
  });

  it('prefers time_stop over end_of_data when bar N is the last bar', () => {
    const s = series('AAA', [SIGNAL_BAR, [100, 101, 99, 100], [100, 101, 99, 100.75]]);
    expect(taken(simulateTrade(s, signal(s, 0, { stop: 95, timeStopBars: 2 }))).exitReason).toBe('time_stop');
  });

  it('exits at the last close when the data ends first (end_of_data)', () => {
    const s = series('AAA', [SIGNAL_BAR, [100, 101, 99, 100], [100, 101, 99, 102.5]]);
    expect(taken(simulateTrade(s, signal(s, 0, { stop: 95, target: 110, timeStopBars: 5 })))).toMatchObject({
      exitIndex: 2,
      exitPrice: 102.5,
      exitReason: 'end_of_data',
      barsHeld: 2,
    });
  });

  it('never exits on a target when the signal has none', () => {
    const s = series('AAA', [SIGNAL_BAR, [100, 150, 99, 140], [140, 200, 139, 190], [190, 191, 189, 190]]);
    expect(taken(simulateTrade(s, signal(s, 0, { stop: 95, target: null, timeStopBars: 2 })))).toMatchObject({
      exitIndex: 2,
      exitPrice: 190,
      exitReason: 'time_stop',
    });
  });

  it('makes no trade from a signal on the last bar', () => {
    const s = series('AAA', [SIGNAL_BAR, [100, 101, 99, 100]]);
    expect(simulateTrade(s, signal(s, 1, { stop: 95 }))).toEqual({ taken: false, signalIndex: 1, reason: 'no_next_bar' });
  });

  it('applies slippage to both fills but decides exits on raw prices', () => {
    const s = series('AAA', [SIGNAL_BAR, [100, 102, 97, 101], [105, 111, 104, 109]]);
    const r = taken(simulateTrade(s, signal(s, 0, { stop: 95, target: 110 }), { slippageBps: 10 }));
    // buy 100 * 1.001 = 100.1, sell 110 * 0.999 = 109.89
    expect(r.entryPrice).toBeCloseTo(100.1, 12);
    expect(r.exitPrice).toBeCloseTo(109.89, 12);
    expect(r.rawEntryPrice).toBe(100);
    expect(r.rawExitPrice).toBe(110);
    expect(r.returnPct).toBeCloseTo(109.89 / 100.1 - 1, 12);
  });

  it('finds the signal bar by date when the index does not match', () => {
    const s = series('AAA', [SIGNAL_BAR, SIGNAL_BAR, [100, 101, 99, 100], [100, 101, 99, 100]]);
    const sig = { ...signal(s, 1, { stop: 95, timeStopBars: 1 }), index: 0 };
    expect(taken(simulateTrade(s, sig)).entryIndex).toBe(2);
    expect(() => simulateTrade(s, { ...sig, date: '1999-01-01' })).toThrow(RangeError);
    expect(() => simulateTrade(s, { ...sig, symbol: 'BBB' })).toThrow(RangeError);
  });
});

/**
 * Independent reading of the rules: walk forward bar by bar and only notice
 * the data has ended when there is no next bar.
 */
function referenceTrade(
  bars: readonly Ohlc[],
  t: number,
  stop: number,
  target: number | null,
  n: number,
): { skip: string } | { exitBar: number; exit: number; reason: string } {
  const next = bars[t + 1];
  if (next === undefined) return { skip: 'no_next_bar' };
  if (next[0] <= stop) return { skip: 'gap_below_stop' };
  let b = 1;
  for (;;) {
    const bar = bars[t + b];
    if (bar === undefined) return { exitBar: t + b - 1, exit: bars[t + b - 1]![3], reason: 'end_of_data' };
    const [o, h, l, c] = bar;
    if (b !== 1 && o <= stop) return { exitBar: t + b, exit: o, reason: 'gap_stop' };
    if (l <= stop) return { exitBar: t + b, exit: stop, reason: 'stop' };
    if (target !== null && h >= target) return { exitBar: t + b, exit: o > target ? o : target, reason: 'target' };
    if (b === n) return { exitBar: t + b, exit: c, reason: 'time_stop' };
    b++;
  }
}

const barArb = fc
  .tuple(fc.integer({ min: 80, max: 120 }), fc.integer({ min: 80, max: 120 }), fc.nat(6), fc.nat(6))
  .map(([o, c, up, down]): Ohlc => [o, Math.max(o, c) + up, Math.min(o, c) - down, c]);

describe('simulateTrade vs an independent reference', () => {
  it('agrees on random bars, levels and time stops', () => {
    fc.assert(
      fc.property(
        fc.array(barArb, { minLength: 1, maxLength: 25 }),
        fc.nat(24),
        fc.integer({ min: 75, max: 110 }),
        fc.option(fc.integer({ min: 95, max: 130 }), { nil: null }),
        fc.integer({ min: 1, max: 12 }),
        (bars, tRaw, stop, target, n) => {
          const t = tRaw % bars.length;
          const s = series('AAA', bars);
          const got = simulateTrade(s, signal(s, t, { stop, target, timeStopBars: n }));
          const want = referenceTrade(bars, t, stop, target, n);
          if ('skip' in want) {
            expect(got).toMatchObject({ taken: false, reason: want.skip });
          } else {
            expect(got).toMatchObject({
              taken: true,
              entryIndex: t + 1,
              entryPrice: bars[t + 1]![0],
              exitIndex: want.exitBar,
              exitPrice: want.exit,
              exitReason: want.reason,
              barsHeld: want.exitBar - t,
            });
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
