import { describe, expect, it } from 'vitest';
import { mergePickSources, sizeFixedSource, sizeKellySource, type SizedSignal } from '../../../../src/engine/scan/index.js';
import type { Signal } from '../../../../src/engine/signal.js';
import { decisionsDigest } from '../../../../src/trading/journal/record.js';
import { scanDecisions } from '../../../../src/trading/journal/scan-decisions.js';
import { explainSizing } from '../../../../src/trading/journal/sizing.js';
import type { StoredPick } from '../../../../src/trading/scan/pick.js';

const policy = { equity: 100_000, riskFraction: 0.005, maxPositionFraction: 0.1 };
const sig = (symbol: string, score: number, strategy: Signal['strategy'] = 'donchian', close = 50, stop = 46): Signal => ({
  symbol,
  strategy,
  index: 300,
  date: '2026-12-03',
  close,
  stop,
  target: null,
  atr: 2,
  timeStopBars: 5,
  score,
  reasons: [`close ${close} > upper55`],
});
const stored = (s: Signal, qty: number, state = 'PENDING'): StoredPick => ({
  id: `p${s.symbol.toLowerCase().padEnd(7, '0').slice(0, 7)}`,
  symbol: s.symbol,
  strategy: s.strategy,
  sessionDate: s.date,
  entry: s.close,
  stop: s.stop,
  target: null,
  qty,
  dollarRisk: qty * (s.close - s.stop),
  reasons: s.reasons,
  demo: true,
  expiresAt: new Date(),
  state,
});

describe('scanDecisions', () => {
  const signals = [sig('AAA', 3), sig('BBB', 2), sig('CCC', 1), sig('DDD', 5, 'hyp:h1'), sig('EEE', 4, 'hyp:h2')];
  // hyp:h1 is no longer LIVE (not sized); hyp:h2's session-risk cap is full (Kelly qty 0: no pick on its own).
  const sized: SizedSignal[] = [
    ...signals.slice(0, 3).map((s) => ({ signal: s, source: sizeFixedSource(s, policy) })),
    { signal: signals[4]!, source: sizeKellySource(signals[4]!, { equity: 100_000, closedR: [], openNotional: 0, cashAvailable: 100_000, sessionRiskUsed: 5_000 }) },
  ];
  const merged = mergePickSources(sized);
  const picks = merged.map((m) => stored(m.signal, m.qty, m.signal.symbol === 'BBB' ? 'APPROVED' : 'PENDING'));
  const rows = scanDecisions({ signals, sized, merged, stored: picks, topN: 2, fresh: new Set([picks[0]!.id]) });

  it('writes one row per signal and one per symbol that signalled, never one for a symbol without a signal', () => {
    expect(rows.filter((r) => r.kind === 'signal').map((r) => [r.symbol, r.outcome])).toEqual([
      ['AAA', 'sized'],
      ['BBB', 'sized'],
      ['CCC', 'sized'],
      ['DDD', 'not_live'],
      ['EEE', 'sized'],
    ]);
    expect(new Set(rows.map((r) => r.symbol))).toEqual(new Set(['AAA', 'BBB', 'CCC', 'DDD', 'EEE']));
  });

  it('says why a card was or was not posted: posted, duplicate, top-N cut, no size', () => {
    const cards = Object.fromEntries(rows.filter((r) => r.kind === 'card').map((r) => [r.symbol, r]));
    expect(cards.AAA!.outcome).toBe('posted');
    expect(cards.BBB!.outcome).toBe('duplicate');
    expect(cards.BBB!.inputs.state).toBe('APPROVED');
    expect(cards.CCC!.outcome).toBe('top_n_cut');
    expect(cards.CCC!.inputs).toMatchObject({ rank: 3, of: 3, topN: 2, score: 1, cutoffScore: 2 });
    expect(cards.EEE!.outcome).toBe('no_size');
    expect(cards.DDD).toBeUndefined();
  });

  it('keeps the sizing inputs, and the explanation recomputes the stored quantity', () => {
    const aaa = rows.find((r) => r.kind === 'signal' && r.symbol === 'AAA')!;
    const ex = explainSizing(aaa.inputs as never);
    expect(ex).toMatchObject({ method: 'fixed', riskDollars: 500, perShareRisk: 4, byRisk: 125, capDollars: 10_000, byCap: 200, qty: 125, recomputes: true });
  });

  it('digests the rows canonically: the same rows give the same digest, a changed input another', () => {
    const again = scanDecisions({ signals, sized, merged, stored: picks, topN: 2, fresh: new Set([picks[0]!.id]) });
    expect(decisionsDigest(again)).toBe(decisionsDigest(rows));
    const changed = again.map((r, i) => (i === 0 ? { ...r, inputs: { ...r.inputs, qty: 1 } } : r));
    expect(decisionsDigest(changed)).not.toBe(decisionsDigest(rows));
  });
});
