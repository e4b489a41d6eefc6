import { describe, expect, it } from 'vitest';
import { runPortfolio } from '../../../../src/engine/backtest/portfolio.js';
import type { PortfolioOptions } from '../../../../src/engine/backtest/portfolio-types.js';
import { signalsFrom } from '../../../../src/engine/backtest/signal-source.js';
import { day, series, signal, type Ohlc } from './helpers.js';

const FLAT: Omit<PortfolioOptions, 'series' | 'signals'> = {
  initialCash: 100_000,
  slippageBps: 0,
  commission: { kind: 'none' },
  sizing: { kind: 'shares', n: 10 },
};

// Scenario A: one symbol, three signals.
//   s0 @d0 stop 95 target 105 → enters d1 @100, d2 high 106 ≥ 105 → target @ max(101,105) = 105
//   s1 @d1 while s0 is still held at d1's close → already_in_position
//   s2 @d2, the bar s0 exits on → taken: enters d3 @104, time stop N=2 → d4 close 103
const A = series('AAA', [
  [100, 101, 99, 100],
  [100, 102, 99, 101],
  [101, 106, 100, 104],
  [104, 105, 103, 104],
  [104, 105, 103, 103],
  [103, 104, 102, 103],
]);
const aSignals = [
  signal(A, 0, { stop: 95, target: 105, timeStopBars: 10 }),
  signal(A, 1, { stop: 96, target: 120, timeStopBars: 10 }),
  signal(A, 2, { stop: 100, target: null, timeStopBars: 2 }),
];

describe('runPortfolio: hand-computed single symbol', () => {
  const r = runPortfolio({ ...FLAT, series: [A], signals: [aSignals] });

  it('takes a signal on the exit bar and skips one while the position is held at the close', () => {
    expect(r.trades.map((t) => [t.signalDate, t.entryDate, t.entryPrice, t.exitDate, t.exitPrice, t.exitReason, t.barsHeld])).toEqual([
      [day(0), day(1), 100, day(2), 105, 'target', 2],
      [day(2), day(3), 104, day(4), 103, 'time_stop', 2],
    ]);
    expect(r.trades.map((t) => [t.qty, t.pnl])).toEqual([
      [10, 50],
      [10, -10],
    ]);
    expect(r.trades[0]!.pnlPct).toBeCloseTo(0.05, 12);
    expect(r.skipped).toEqual([
      { symbol: 'AAA', strategy: 'donchian', signalDate: day(1), date: day(2), reason: 'already_in_position', score: 1 },
    ]);
  });

  it('marks equity = cash + qty·close every day', () => {
    expect([...r.cash]).toEqual([100_000, 99_000, 100_050, 99_010, 100_040, 100_040]);
    expect([...r.equity]).toEqual([100_000, 100_010, 100_050, 100_050, 100_040, 100_040]);
    expect([...r.openPositions]).toEqual([0, 1, 0, 1, 0, 0]);
    expect(r.exposure[1]).toBeCloseTo(1010 / 100_010, 12);
    expect(r.exposure[3]).toBeCloseTo(1040 / 100_050, 12);
    expect(r.metrics.tradeCount).toBe(2);
    expect(r.metrics.finalEquity).toBe(100_040);
  });

  it('applies slippage to both fills', () => {
    const s = runPortfolio({ ...FLAT, slippageBps: 5, series: [A], signals: [aSignals] });
    const t = s.trades[0]!;
    expect(t.entryPrice).toBeCloseTo(100.05, 10);
    expect(t.exitPrice).toBeCloseTo(104.9475, 10);
    expect(t.pnl).toBeCloseTo(10 * (104.9475 - 100.05), 9);
  });

  it('charges per-share commission with a minimum on both sides', () => {
    const s = runPortfolio({ ...FLAT, commission: { kind: 'per_share', perShare: 0.01, minimum: 1 }, series: [A], signals: [aSignals] });
    const t = s.trades[0]!;
    expect(t.commission).toBe(2);
    expect(t.pnl).toBeCloseTo(48, 10);
    expect(s.cash[1]).toBe(100_000 - 1000 - 1);
    expect(s.equity[5]).toBeCloseTo(100_000 + 48 + (-10 - 2), 9);
  });

  it('charges bps-of-notional commission', () => {
    const s = runPortfolio({ ...FLAT, commission: { kind: 'bps', bps: 10 }, series: [A], signals: [aSignals] });
    const t = s.trades[0]!;
    // 10 bps of 1000 on entry, of 1050 on exit
    expect(t.entryCommission).toBeCloseTo(1, 12);
    expect(t.exitCommission).toBeCloseTo(1.05, 12);
    expect(t.pnl).toBeCloseTo(47.95, 10);
  });

  it('sizes from the previous close equity', () => {
    const s = runPortfolio({ ...FLAT, sizing: { kind: 'equity', pct: 0.5 }, series: [A], signals: [aSignals] });
    // entry 1 (d1): floor(0.5·100000/100) = 500; d1 close equity 50000 + 500·101 = 100500
    // exit d2 @105 → cash 50000 + 52500 = 102500 = d2 close equity
    // entry 2 (d3): floor(0.5·102500/104) = floor(492.8) = 492 (d1's equity would give 483, the initial cash 480)
    expect(s.trades.map((t) => t.qty)).toEqual([500, 492]);
    expect([...s.equity.subarray(0, 3)]).toEqual([100_000, 100_500, 102_500]);
  });

  it('accepts a SignalFn bound to params', () => {
    const fn = (s: typeof A, p: { stop: number }) => (s.symbol === 'AAA' ? [signal(s, 2, { stop: p.stop, timeStopBars: 2 })] : []);
    const s = runPortfolio({ ...FLAT, series: [A], signals: [signalsFrom(fn, { stop: 100 })] });
    expect(s.trades.map((t) => [t.entryDate, t.exitPrice])).toEqual([[day(3), 103]]);
  });
});

const QUIET: Ohlc = [100, 101, 99, 100];
const quiet = (sym: string, n = 4) => series(sym, Array.from({ length: n }, () => QUIET));

describe('runPortfolio: sizing and skip reasons', () => {
  const AAA = quiet('AAA');
  const one = (opts: Partial<PortfolioOptions>, lv: Parameters<typeof signal>[2] = { stop: 95, timeStopBars: 2 }) =>
    runPortfolio({ ...FLAT, series: [AAA], signals: [[signal(AAA, 0, lv)]], ...opts });

  it('risk sizing: floor(pct·equity / (entry − stop)) with the slipped entry', () => {
    expect(one({ sizing: { kind: 'risk', pct: 0.01 } }).trades[0]!.qty).toBe(200); // 1000 / 5
    expect(one({ sizing: { kind: 'risk', pct: 0.01 }, slippageBps: 5 }).trades[0]!.qty).toBe(198); // 1000 / 5.05
  });

  it('dollar and equity sizing', () => {
    expect(one({ sizing: { kind: 'dollars', n: 5000 } }).trades[0]!.qty).toBe(50);
    expect(one({ sizing: { kind: 'equity', pct: 0.1 } }).trades[0]!.qty).toBe(100);
  });

  it('skips with a reason when an entry does not fit', () => {
    const reason = (r: ReturnType<typeof one>) => (r.trades.length > 0 ? 'taken' : r.skipped[0]!.reason);
    expect(reason(one({ initialCash: 1000, sizing: { kind: 'shares', n: 20 } }))).toBe('insufficient_cash');
    expect(reason(one({ initialCash: 1000, sizing: { kind: 'shares', n: 10 } }))).toBe('taken'); // exactly all the cash
    expect(
      reason(one({ initialCash: 1000, sizing: { kind: 'shares', n: 10 }, commission: { kind: 'per_share', perShare: 0.01, minimum: 1 } })),
    ).toBe('insufficient_cash');
    expect(reason(one({ maxPositionPct: 0.005 }))).toBe('max_position_pct'); // 1000 > 500
    expect(reason(one({ maxPositionPct: 0.01 }))).toBe('taken'); // 1000 ≤ 1000
    expect(reason(one({ sizing: { kind: 'dollars', n: 50 } }))).toBe('qty_below_one');
    expect(reason(one({}, { stop: 100 }))).toBe('gap_below_stop');
  });

  it('logs signals that can never enter before the loop', () => {
    const r = runPortfolio({
      ...FLAT,
      series: [AAA],
      signals: [
        [
          signal(AAA, 3, { stop: 95 }),
          { ...signal(AAA, 0, { stop: 95 }), symbol: 'ZZZ' },
          { ...signal(AAA, 0, { stop: 95 }), date: '2023-06-01', index: 99 },
        ],
      ],
    });
    expect(r.trades).toEqual([]);
    expect(r.skipped.map((s) => s.reason).sort()).toEqual(['no_next_bar', 'unknown_symbol']);
    const inRange = runPortfolio({ ...FLAT, series: [AAA], signals: [[{ ...signal(AAA, 1, { stop: 95 }), date: '2024-01-02T' }]] });
    expect(inRange.skipped.map((s) => s.reason)).toEqual(['signal_bar_not_found']);
  });

  it('rejects duplicate symbols and invalid settings', () => {
    expect(() => runPortfolio({ ...FLAT, series: [AAA, AAA], signals: [] })).toThrow(RangeError);
    expect(() => runPortfolio({ ...FLAT, initialCash: -1, series: [AAA], signals: [] })).toThrow();
    expect(() => runPortfolio({ ...FLAT, sizing: { kind: 'risk', pct: 2 }, series: [AAA], signals: [] })).toThrow();
  });
});

describe('runPortfolio: ranking', () => {
  const AAA = quiet('AAA');
  const BBB = quiet('BBB');
  const lv = { stop: 90, timeStopBars: 2 } as const;
  const sigs = [
    signal(AAA, 0, { ...lv, score: 1, strategy: 'turtle_soup' }),
    signal(AAA, 0, { ...lv, score: 1, strategy: 'donchian' }),
    signal(BBB, 0, { ...lv, score: 2, strategy: 'donchian' }),
  ];
  const taken = (maxPositions: number, signals = sigs, order: 'fwd' | 'rev' = 'fwd') => {
    const ser = order === 'fwd' ? [AAA, BBB] : [BBB, AAA];
    const r = runPortfolio({ ...FLAT, maxPositions, series: ser, signals: [order === 'fwd' ? signals : [...signals].reverse()] });
    return { r, ids: r.trades.map((t) => `${t.symbol}/${t.strategy}`), skips: r.skipped.map((s) => `${s.symbol}/${s.strategy}:${s.reason}`) };
  };

  it('fills by score desc, then symbol asc, then strategy asc', () => {
    expect(taken(1).ids).toEqual(['BBB/donchian']);
    expect(taken(1).skips).toEqual(['AAA/donchian:max_positions', 'AAA/turtle_soup:max_positions']);
    expect(taken(2).ids).toEqual(['BBB/donchian', 'AAA/donchian']);
    const tie = [signal(BBB, 0, { ...lv, score: 1 }), signal(AAA, 0, { ...lv, score: 1 })];
    expect(taken(1, tie).ids).toEqual(['AAA/donchian']);
  });

  it('does not depend on the order of series or signals', () => {
    expect(JSON.stringify(taken(2, sigs, 'rev').r)).toBe(JSON.stringify(taken(2, sigs, 'fwd').r));
  });
});

describe('runPortfolio: symbols with different calendars', () => {
  // AAA trades days 0..5; BBB only has days 0, 1 and 3 (its last bar).
  const AAA = quiet('AAA', 6);
  const BBB = series('BBB', [
    [50, 51, 49, 50],
    [50, 52, 49, 51],
    [51, 53, 50, 52],
  ], 0, [0, 1, 3]);
  const r = runPortfolio({
    ...FLAT,
    series: [AAA, BBB],
    signals: [
      [
        signal(BBB, 0, { stop: 40, timeStopBars: 10 }),
        // BBB's bar after day 1 is day 3, so this enters on day 3 and hits the end of BBB's data at once
        signal(BBB, 1, { stop: 40, timeStopBars: 10, strategy: 'turtle_soup' }),
      ],
    ],
  });

  it('enters on the symbol’s next bar and exits at its last bar (end_of_data)', () => {
    expect(r.dates).toEqual([0, 1, 2, 3, 4, 5].map(day));
    expect(r.trades.map((t) => [t.strategy, t.entryDate, t.entryPrice, t.exitDate, t.exitPrice, t.exitReason, t.barsHeld])).toEqual([
      ['donchian', day(1), 50, day(3), 52, 'end_of_data', 2],
      ['turtle_soup', day(3), 51, day(3), 52, 'end_of_data', 1],
    ]);
  });

  it('carries the last close through missing days and attributes pnl per strategy', () => {
    expect([...r.equity]).toEqual([100_000, 100_010, 100_010, 100_030, 100_030, 100_030]);
    expect(r.strategies.map((s) => s.strategy)).toEqual(['donchian', 'turtle_soup']);
    expect([...r.strategies[0]!.equity]).toEqual([100_000, 100_010, 100_010, 100_020, 100_020, 100_020]);
    expect([...r.strategies[1]!.equity]).toEqual([100_000, 100_000, 100_000, 100_010, 100_010, 100_010]);
    expect(r.strategies[0]!.metrics.tradeCount).toBe(1);
  });

  it('adds a buy-and-hold benchmark on the same dates', () => {
    const withB = runPortfolio({ ...FLAT, series: [AAA], signals: [], benchmark: BBB });
    expect([...withB.benchmark!.equity]).toEqual([100_000, 102_000, 102_000, 104_000, 104_000, 104_000]);
    expect(withB.benchmark!.metrics.totalReturn).toBeCloseTo(0.04, 12);
  });

  it('restricts trading to [startDate, endDate] and ignores signals dated before the start', () => {
    const w = runPortfolio({
      ...FLAT,
      series: [AAA, BBB],
      startDate: day(1),
      endDate: day(2),
      signals: [[signal(BBB, 0, { stop: 40 }), signal(AAA, 1, { stop: 90 })]],
    });
    expect(w.dates).toEqual([day(1), day(2)]);
    // AAA signal on day 1 enters day 2 and is closed at the window's last bar
    expect(w.trades.map((t) => [t.symbol, t.entryDate, t.exitDate, t.exitReason])).toEqual([['AAA', day(2), day(2), 'end_of_data']]);
    expect(w.skipped).toEqual([]);
  });
});
