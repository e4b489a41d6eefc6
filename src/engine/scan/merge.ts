import { isStrategyId, STRATEGY_IDS, type Signal, type SignalSourceId } from '../signal.js';
import { proposesPick, type PickSource } from './pick-sources.js';
import { rankSignals } from './scan.js';

/** One source's signal with its size, before merging. */
export interface SizedSignal {
  signal: Signal;
  source: PickSource;
}

/**
 * One pick per (symbol, session): every source that signalled it, and the
 * size it trades — the smallest any source proposed.
 */
export interface MergedPick {
  /**
   * The binding source's signal: the pick trades its levels (entry, stop,
   * target), so qty = the size that source computed from them. `score` is
   * the best of the sources' scores (it only ranks picks).
   */
  signal: Signal;
  qty: number;
  /** qty × (entry − stop) in whole cents. */
  dollarRisk: number;
  notional: number;
  /** The source whose size (the smallest) the pick trades. */
  boundBy: SignalSourceId;
  /** Every source that signalled it: Kobe strategies first (in their order), then hypotheses by id. */
  sources: PickSource[];
}

/** Kobe strategies first in STRATEGY_IDS order, then hypothesis sources by id: a stable order for cards and ties. */
export function compareSources(a: SignalSourceId, b: SignalSourceId): number {
  const ka = isStrategyId(a) ? STRATEGY_IDS.indexOf(a) : STRATEGY_IDS.length;
  const kb = isStrategyId(b) ? STRATEGY_IDS.indexOf(b) : STRATEGY_IDS.length;
  return ka - kb || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Merges sized signals into one pick per (symbol, session), best first.
 *
 * - Every source of the group is listed with its own levels and size.
 * - The pick trades the SMALLEST size among them (ties: the first source in
 *   {@link compareSources} order), at that source's levels: a second source
 *   can confirm a pick but never make it larger.
 * - A group none of whose sources proposes a pick ({@link proposesPick}:
 *   e.g. one hypothesis with no edge) makes no pick: no new risk.
 *
 * A source signalling the same symbol and session twice keeps its first
 * signal (a source has one view of one bar).
 */
export function mergePickSources(sized: readonly SizedSignal[]): MergedPick[] {
  const groups = new Map<string, SizedSignal[]>();
  for (const s of sized) {
    const key = `${s.signal.date}\u0000${s.signal.symbol}`;
    const g = groups.get(key);
    if (!g) groups.set(key, [s]);
    else if (!g.some((x) => x.signal.strategy === s.signal.strategy)) g.push(s);
  }
  const merged: MergedPick[] = [];
  for (const group of groups.values()) {
    if (!group.some((s) => proposesPick(s.source))) continue;
    const ordered = [...group].sort((a, b) => compareSources(a.signal.strategy, b.signal.strategy));
    // The first strictly smallest in source order binds.
    let bind = ordered[0]!;
    for (const s of ordered) if (s.source.qty < bind.source.qty) bind = s;
    const score = Math.max(...ordered.map((s) => s.signal.score));
    merged.push({
      signal: { ...bind.signal, score },
      qty: bind.source.qty,
      dollarRisk: bind.source.dollarRisk,
      notional: bind.source.notional,
      boundBy: bind.signal.strategy,
      sources: ordered.map((s) => s.source),
    });
  }
  const byKey = new Map(merged.map((m) => [`${m.signal.date}\u0000${m.signal.symbol}\u0000${m.signal.strategy}`, m]));
  return rankSignals(merged.map((m) => m.signal)).map((s) => byKey.get(`${s.date}\u0000${s.symbol}\u0000${s.strategy}`)!);
}
