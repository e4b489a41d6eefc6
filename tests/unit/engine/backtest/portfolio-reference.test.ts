import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { runPortfolio } from '../../../../src/engine/backtest/portfolio.js';
import type { Signal } from '../../../../src/engine/signal.js';
import { breakoutSignals, loadCsv } from './helpers.js';

interface RefTrade {
  symbol: string;
  strategy: string;
  signalDate: string;
  entryDate: string;
  entryPrice: number;
  exitDate: string;
  exitPrice: number;
  exitReason: string;
  pnl: number;
}

/**
 * Naive per-symbol, per-strategy reference: walk the signals in bar order,
 * ignore any signal whose bar is before the current trade's exit bar, and
 * simulate each trade bar by bar straight from the rules text.
 */
function reference(s: BarSeries, signals: readonly Signal[], shares: number): { trades: RefTrade[]; skipped: Record<string, number> } {
  const trades: RefTrade[] = [];
  const skipped: Record<string, number> = {};
  const bump = (k: string) => (skipped[k] = (skipped[k] ?? 0) + 1);
  let freeFrom = 0; // first signal bar allowed: the exit bar of the last trade
  for (const sig of [...signals].sort((a, b) => a.index - b.index)) {
    const t = sig.index;
    if (t < freeFrom) {
      bump('already_in_position');
      continue;
    }
    if (t + 1 >= s.dates.length) {
      bump('no_next_bar');
      continue;
    }
    const entry = s.open[t + 1]!;
    if (entry <= sig.stop) {
      bump('gap_below_stop');
      continue;
    }
    let exitBar = -1;
    let exit = 0;
    let reason = '';
    for (let i = t + 1; i < s.dates.length && exitBar < 0; i++) {
      const b = i - t;
      const o = s.open[i]!;
      if (b > 1 && o <= sig.stop) [exitBar, exit, reason] = [i, o, 'gap_stop'];
      else if (s.low[i]! <= sig.stop) [exitBar, exit, reason] = [i, sig.stop, 'stop'];
      else if (sig.target !== null && s.high[i]! >= sig.target) [exitBar, exit, reason] = [i, Math.max(o, sig.target), 'target'];
      else if (b === sig.timeStopBars) [exitBar, exit, reason] = [i, s.close[i]!, 'time_stop'];
    }
    if (exitBar < 0) [exitBar, exit, reason] = [s.dates.length - 1, s.close[s.dates.length - 1]!, 'end_of_data'];
    trades.push({
      symbol: s.symbol,
      strategy: sig.strategy,
      signalDate: sig.date,
      entryDate: s.dates[t + 1]!,
      entryPrice: entry,
      exitDate: s.dates[exitBar]!,
      exitPrice: exit,
      exitReason: reason,
      pnl: shares * (exit - entry),
    });
    freeFrom = exitBar;
  }
  return { trades, skipped };
}

const key = (t: RefTrade) => `${t.symbol}|${t.strategy}|${t.entryDate}`;

describe('runPortfolio vs a naive reference on the CSV fixtures (fixed shares, zero slippage)', () => {
  const universe = ['SPY', 'GL', 'RVLV'].map(loadCsv);
  const signals = universe.flatMap((s) => [
    ...breakoutSignals(s, { lookback: 20, timeStopBars: 10, strategy: 'donchian' }),
    ...breakoutSignals(s, { lookback: 55, timeStopBars: 30, strategy: 'turtle_soup' }),
  ]);
  const r = runPortfolio({
    series: universe,
    signals: [signals],
    initialCash: 1e9,
    slippageBps: 0,
    commission: { kind: 'none' },
    sizing: { kind: 'shares', n: 10 },
  });
  const want: RefTrade[] = [];
  const wantSkips: Record<string, number> = {};
  for (const s of universe) {
    for (const strat of ['donchian', 'turtle_soup'] as const) {
      const ref = reference(s, signals.filter((x) => x.symbol === s.symbol && x.strategy === strat), 10);
      want.push(...ref.trades);
      for (const [k, v] of Object.entries(ref.skipped)) wantSkips[k] = (wantSkips[k] ?? 0) + v;
    }
  }

  it('produces the same trades', () => {
    expect(want.length).toBeGreaterThan(100);
    const got = r.trades.map((t) => ({
      symbol: t.symbol,
      strategy: t.strategy,
      signalDate: t.signalDate,
      entryDate: t.entryDate,
      entryPrice: t.entryPrice,
      exitDate: t.exitDate,
      exitPrice: t.exitPrice,
      exitReason: t.exitReason,
      pnl: t.pnl,
    }));
    const sort = (xs: RefTrade[]) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const g = sort(got);
    const w = sort(want);
    expect(g.map(key)).toEqual(w.map(key));
    for (let i = 0; i < w.length; i++) {
      expect(g[i]).toMatchObject({ ...w[i]!, pnl: expect.closeTo(w[i]!.pnl, 9) });
    }
    // every exit family shows up on real data, so the comparison is not vacuous
    expect(new Set(w.map((t) => t.exitReason))).toEqual(new Set(['gap_stop', 'stop', 'target', 'time_stop', 'end_of_data']));
  });

  it('skips the same signals for the same reasons', () => {
    const got: Record<string, number> = {};
    for (const s of r.skipped) got[s.reason] = (got[s.reason] ?? 0) + 1;
    expect(got).toEqual(wantSkips);
  });

  it('ends flat with equity = initial cash + Σ pnl', () => {
    const pnl = want.reduce((a, t) => a + t.pnl, 0);
    expect(r.equity[r.equity.length - 1]).toBeCloseTo(1e9 + pnl, 4);
    expect(r.dates[0]).toBe('2015-01-02');
  });
});
