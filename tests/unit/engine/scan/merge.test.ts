/**
 * One pick per (symbol, session) from every source that signalled it (issue 14, items 6 and 7):
 * the pick trades the smallest size among its sources, at that source's levels; every source is
 * listed; a source with no edge never makes a pick on its own.
 */
import { describe, expect, it } from 'vitest';
import { mergePickSources, sizeFixedSource, sizeKellySource, type SizedSignal } from '../../../../src/engine/scan/index.js';
import type { Signal, SignalSourceId } from '../../../../src/engine/signal.js';

const POLICY = { equity: 100_000, riskFraction: 0.005, maxPositionFraction: 0.1 };
const ACCOUNT = { equity: 100_000, maxPositionPct: 10, cashAvailable: 100_000, sessionRiskUsed: 0 };
/** 20 wins of +2R and 20 losses of −1R: p 0.5, b 2, f 0.25, shrink 40/70: f/2 · shrink ≈ 0.0714 → the 1 % cap. */
const GOOD_EDGE = [...Array(20).fill(2), ...Array(20).fill(-1)];
/** 6 wins of +1R and 14 losses of −1R: f = 0.3 − 0.7 = −0.4, no edge. */
const NO_EDGE = [...Array(6).fill(1), ...Array(14).fill(-1)];

function sig(strategy: SignalSourceId, over: Partial<Signal> = {}): Signal {
  return { symbol: 'AAA', strategy, index: 300, date: '2026-12-03', close: 50, stop: 48, target: null, atr: 1, timeStopBars: 5, score: 1, reasons: [`${strategy} fired`], ...over };
}

function kelly(s: Signal, closedR: readonly number[], openNotional = 0): SizedSignal {
  return { signal: s, source: sizeKellySource(s, { ...ACCOUNT, closedR, openNotional }, 'turn_of_month') };
}

function fixed(s: Signal): SizedSignal {
  return { signal: s, source: sizeFixedSource(s, POLICY) };
}

describe('mergePickSources', () => {
  it('a Kobe strategy and a hypothesis on the same symbol and session make ONE pick naming both, at the smaller size and its levels', () => {
    // Kobe fixed: 0.5 % of 100k = 500 / (50 − 48) = 250 sh, position cap 10k / 50 = 200 sh → 200.
    const kobe = fixed(sig('donchian'));
    // Hypothesis: risk 1 % = 1,000 / (50 − 45) = 200 sh... its stop is lower; the 40 % cap with 38k open leaves 2k / 50 = 40 sh.
    const hyp = kelly(sig('hyp:h1', { stop: 45, reasons: ['Hypothesis h1', 'day 1'] }), GOOD_EDGE, 38_000);
    const merged = mergePickSources([hyp, kobe]);
    expect(merged).toHaveLength(1);
    const m = merged[0]!;
    expect(m.sources.map((s) => s.source)).toEqual(['donchian', 'hyp:h1']);
    expect(kobe.source.qty).toBe(200);
    expect(hyp.source.qty).toBe(40);
    expect(m.qty).toBe(40);
    expect(m.boundBy).toBe('hyp:h1');
    expect(m.signal.strategy).toBe('hyp:h1');
    expect(m.signal.stop).toBe(45);
    expect(m.dollarRisk).toBe(40 * 5);
    expect(hyp.source.sizing.method === 'kelly' && hyp.source.sizing.boundBy).toBe('hypothesis_40pct');
  });

  it('ties go to the Kobe strategy (first in source order), so a Kobe pick keeps its id and levels', () => {
    const a = fixed(sig('donchian'));
    const b: SizedSignal = { signal: sig('hyp:h2'), source: { ...fixed(sig('hyp:h2')).source } };
    const [m] = mergePickSources([b, a]);
    expect(m!.boundBy).toBe('donchian');
    expect(m!.sources.map((s) => s.source)).toEqual(['donchian', 'hyp:h2']);
  });

  it('a hypothesis with no edge makes no pick on its own', () => {
    const h = kelly(sig('hyp:h3'), NO_EDGE);
    expect(h.source.qty).toBe(0);
    expect(h.source.sizing.method === 'kelly' && h.source.sizing.rule).toBe('no_edge');
    expect(mergePickSources([h])).toEqual([]);
  });

  it('a no-edge hypothesis beside a Kobe signal is listed and its 0 binds: no new risk from a pick it has no edge on', () => {
    const [m] = mergePickSources([fixed(sig('donchian')), kelly(sig('hyp:h3'), NO_EDGE)]);
    expect(m!.sources.map((s) => [s.source, s.qty])).toEqual([
      ['donchian', 200],
      ['hyp:h3', 0],
    ]);
    expect(m!.qty).toBe(0);
    expect(m!.dollarRisk).toBe(0);
  });

  it('different symbols or sessions stay apart, ranked by their best score', () => {
    const out = mergePickSources([
      fixed(sig('donchian', { symbol: 'BBB', score: 1 })),
      kelly(sig('hyp:h1', { symbol: 'CCC', score: 3 }), GOOD_EDGE),
      fixed(sig('donchian', { symbol: 'CCC', score: 2 })),
      fixed(sig('donchian', { symbol: 'BBB', date: '2026-12-02', score: 5 })),
    ]);
    expect(out.map((m) => [m.signal.symbol, m.signal.date, m.signal.score, m.sources.length])).toEqual([
      ['BBB', '2026-12-02', 5, 1],
      ['CCC', '2026-12-03', 3, 2],
      ['BBB', '2026-12-03', 1, 1],
    ]);
  });

  it('a hypothesis without an estimate (fewer than 5 wins or losses) risks 0.25 %', () => {
    const h = kelly(sig('hyp:h4'), [1, -1, 2]);
    expect(h.source.sizing.method === 'kelly' && h.source.sizing.rule).toBe('no_estimate');
    // 0.25 % of 100k = 250 / 2 = 125 sh (position cap 200 does not bind).
    expect(h.source.qty).toBe(125);
    expect(mergePickSources([h])[0]!.qty).toBe(125);
  });

  it('inputs Kelly refuses (a stop on the tick at the entry) size 0 and make no pick', () => {
    const h = kelly(sig('hyp:h5', { stop: 50 }), GOOD_EDGE);
    expect(h.source.sizing).toMatchObject({ method: 'refused', reason: 'entry_not_above_stop' });
    expect(mergePickSources([h])).toEqual([]);
  });
});
