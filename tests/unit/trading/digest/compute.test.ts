import { describe, expect, it } from 'vitest';
import { positionLine, rebaseBenchmark, severityRank, slippage, sortFailures, sortFills, sortPositions, type PositionInput } from '../../../../src/trading/digest/compute.js';
import type { FailureLine, FillLine } from '../../../../src/trading/digest/types.js';
import { failureTitle } from '../../../../src/bot/views/digest-view.js';

const pos = (over: Partial<PositionInput> = {}): PositionInput => ({
  symbol: 'ABC',
  strategy: 'donchian',
  qty: 10,
  avgCost: 100,
  stop: 95,
  timeStopDate: null,
  lastPrice: null,
  lastPriceDate: null,
  ...over,
});

describe('positionLine: latest price and the close it moved from', () => {
  const marks = [
    { date: '2026-11-17', price: 101 },
    { date: '2026-11-18', price: 102 },
    { date: '2026-11-19', price: 104 },
  ];
  const bars = [
    { date: '2026-11-18', price: 90 },
    { date: '2026-11-19', price: 91 },
    { date: '2026-11-20', price: 92 },
  ];

  it('a pre-market price today moves from yesterday’s close mark', () => {
    const l = positionLine(pos({ lastPrice: 106, lastPriceDate: '2026-11-20' }), marks, bars, '2026-11-20');
    expect(l).toMatchObject({ price: 106, priceDate: '2026-11-20', refPrice: 104, refDate: '2026-11-19', change: 2, changeValue: 20, unrealized: 60 });
    expect(l.changePct).toBeCloseTo(2 / 104, 12);
  });

  it('yesterday’s close as last price moves from the close before it', () => {
    const l = positionLine(pos({ lastPrice: 104, lastPriceDate: '2026-11-19' }), marks, bars, '2026-11-20');
    expect(l).toMatchObject({ refPrice: 102, refDate: '2026-11-18', change: 2 });
  });

  it('without a last price uses the newest mark, and marks win over bars', () => {
    const l = positionLine(pos(), marks, bars, '2026-11-20');
    expect(l).toMatchObject({ price: 104, priceDate: '2026-11-19', refPrice: 102, refDate: '2026-11-18' });
  });

  it('without marks falls back to bars for both', () => {
    const l = positionLine(pos(), [], bars, '2026-11-20');
    expect(l).toMatchObject({ price: 92, priceDate: '2026-11-20', refPrice: 91, refDate: '2026-11-19', change: 1 });
  });

  it('a digest for an earlier day ignores a newer last price and newer marks', () => {
    const l = positionLine(pos({ lastPrice: 200, lastPriceDate: '2026-11-20' }), marks, bars, '2026-11-18');
    expect(l).toMatchObject({ price: 102, priceDate: '2026-11-18', refPrice: 101, refDate: '2026-11-17' });
  });

  it('nothing known: no price, no move, no P&L', () => {
    const l = positionLine(pos(), [], [], '2026-11-20');
    expect(l).toMatchObject({ price: null, refPrice: null, change: null, changePct: null, changeValue: null, unrealized: null });
  });

  it('carries where the price and the close it moved from came from (issue 19 item 7)', () => {
    const at = new Date('2026-11-20T20:42:00Z');
    const yesterday = { kind: 'broker', broker: 'alpaca-paper', at: new Date('2026-11-19T21:10:00Z') } as const;
    const sourced = [{ date: '2026-11-19', price: 104, origin: yesterday }];
    const live = positionLine(pos({ lastPrice: 106, lastPriceDate: '2026-11-20', lastPriceOrigin: { kind: 'broker', broker: 'alpaca-paper', at } }), sourced, bars, '2026-11-20');
    expect(live).toMatchObject({ price: 106, priceOrigin: { kind: 'broker', broker: 'alpaca-paper', at }, refPrice: 104, refOrigin: yesterday });
    // Bars only: each is a close of its date.
    expect(positionLine(pos(), [], bars, '2026-11-20')).toMatchObject({ priceOrigin: { kind: 'close', date: '2026-11-20' }, refOrigin: { kind: 'close', date: '2026-11-19' } });
    // A last price or mark recorded before sources were kept stays a mark of its date.
    expect(positionLine(pos({ lastPrice: 104, lastPriceDate: '2026-11-19' }), marks, bars, '2026-11-20')).toMatchObject({
      priceOrigin: { kind: 'mark', date: '2026-11-19' },
      refOrigin: { kind: 'mark', date: '2026-11-18' },
    });
    expect(positionLine(pos(), [], [], '2026-11-20')).toMatchObject({ priceOrigin: null, refOrigin: null });
  });

  it('sorts by the size of the dollar move, unknown moves last', () => {
    const a = positionLine(pos({ symbol: 'A', lastPrice: 105, lastPriceDate: '2026-11-20' }), marks, [], '2026-11-20'); // +10
    const b = positionLine(pos({ symbol: 'B', lastPrice: 100, lastPriceDate: '2026-11-20' }), marks, [], '2026-11-20'); // −40
    const c = positionLine(pos({ symbol: 'C' }), [], [], '2026-11-20');
    expect(sortPositions([c, a, b]).map((l) => l.symbol)).toEqual(['B', 'A', 'C']);
  });
});

describe('slippage vs the decision price (positive = worse for us)', () => {
  it('buys: fill − decision', () => {
    const s = slippage('buy', 10.05, 10, 100);
    expect(s.slippage).toBeCloseTo(0.05, 12);
    expect(s.slippageBps).toBeCloseTo(50, 9);
    expect(s.slippageCost).toBeCloseTo(5, 9);
  });
  it('sells: decision − fill', () => {
    const s = slippage('sell', 9.95, 10, 100);
    expect(s.slippage).toBeCloseTo(0.05, 12);
    expect(slippage('sell', 10.1, 10, 1).slippage).toBeCloseTo(-0.1, 12);
  });
  it('an off-tick decision price (a stored-bar bid) is taken on the tick, so qty × slip/sh is the dollars', () => {
    const s = slippage('sell', 27.32, 27.3456, 110);
    expect(s.decisionPrice).toBe(27.35);
    expect(s.slippage).toBe(0.03);
    expect(s.slippageCost).toBe(3.3);
  });
  it('unknown without a usable decision price', () => {
    expect(slippage('buy', 10, null, 1)).toEqual({ decisionPrice: null, slippage: null, slippageBps: null, slippageCost: null });
    expect(slippage('buy', 10, 0, 1).slippage).toBeNull();
  });

  it('fills sort worst cost first, fills without a decision price last in time order', () => {
    const f = (symbol: string, cost: number | null, t: number): FillLine => ({
      orderId: symbol,
      symbol,
      strategy: 's',
      side: 'buy',
      kind: 'entry',
      qty: 1,
      avgPrice: 1,
      decisionPrice: cost === null ? null : 1,
      slippage: cost,
      slippageBps: cost,
      slippageCost: cost,
      lastFillAt: new Date(t),
    });
    expect(sortFills([f('N2', null, 2), f('LOW', -1, 1), f('N1', null, 1), f('HIGH', 3, 5), f('MID', 1, 1)]).map((x) => x.symbol)).toEqual(['HIGH', 'MID', 'LOW', 'N1', 'N2']);
  });
});

describe('failures', () => {
  const f = (title: string, severity: string, open: boolean, t: number): FailureLine => ({ source: 'alert', severity, kind: title, detail: { code: 'recorded', recorded: '' }, at: new Date(t), open, count: 1 });
  it('open first, then most severe, then newest', () => {
    expect(sortFailures([f('a', 'info', false, 5), f('b', 'critical', false, 1), f('c', 'warning', true, 1), f('d', 'critical', false, 9), f('e', 'error', false, 1)]).map(failureTitle)).toEqual([
      'c',
      'd',
      'b',
      'e',
      'a',
    ]);
  });
  it('ranks severities; unknown ones with warnings', () => {
    expect([severityRank('CRITICAL'), severityRank('error'), severityRank('warning'), severityRank('bogus'), severityRank('info')]).toEqual([0, 1, 2, 2, 3]);
  });
});

describe('rebaseBenchmark', () => {
  it('starts at equity where the benchmark is first known and follows its moves', () => {
    expect(rebaseBenchmark([1000, 1100, 1050], [null, 200, 210])).toEqual([null, 1100, 1155]);
    expect(rebaseBenchmark([1000, 1000], [null, null])).toEqual([null, null]);
  });
});
