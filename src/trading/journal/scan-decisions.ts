import { proposesPick, type PickSource } from '../../engine/scan/pick-sources.js';
import type { MergedPick, SizedSignal } from '../../engine/scan/merge.js';
import type { ScanGap } from '../../engine/scan/scan.js';
import { hypothesisIdOf, isHypothesisSource, type Signal } from '../../engine/signal.js';
import type { StoredPick } from '../scan/pick.js';

/**
 * What a scan decided, one row per signal and one per symbol that signalled (never one per symbol
 * scanned): the rows the audit chain lacks (see migrations/1765300000011-DecisionJournal.ts).
 *
 * - `signal` rows: `sized` (its source sized it; inputs = the source's levels, Why-line values and
 *   sizing inputs) or `not_live` (a hypothesis no longer LIVE when the scan finished: dropped).
 * - `card` rows, one per (symbol, session): `posted` (a new card), `duplicate` (in the top but its
 *   chat was shown it already, or it was decided: no second card), `top_n_cut` (ranked below the
 *   top N), `no_size` (no source would size it: e.g. half-Kelly without an edge or a cap already full).
 * - `skip` rows, `missing_session`: a symbol a source did not evaluate because its bars miss
 *   calendar sessions inside that source's look-back (source = the strategy, `hyp:<id>`, or `all`
 *   when no strategy ran on it); inputs = the look-back, the missing count, first and last.
 *
 * Approval-time gates (PolicyGate, LiquidityGate, caps, budget, drift, market closed, kill switch)
 * are audit rows of the execution (`execution.refused` with the gate and its numbers): the journal
 * reads them there.
 */
export type SignalOutcome = 'sized' | 'not_live';
export type CardOutcome = 'posted' | 'duplicate' | 'top_n_cut' | 'no_size';
export type SkipOutcome = 'missing_session';

export interface DecisionRow {
  kind: 'signal' | 'card' | 'skip';
  sessionDate: string;
  symbol: string;
  /** The signal's source; for a card row, the source whose size the pick trades. */
  source: string;
  outcome: SignalOutcome | CardOutcome | SkipOutcome;
  pickId: string | null;
  inputs: Record<string, unknown>;
}

/** What a finished scan knows when it decides (see finishScanRun). */
export interface ScanDecisionInput {
  signals: readonly Signal[];
  sized: readonly SizedSignal[];
  merged: readonly MergedPick[];
  /** The stored picks, in `merged`'s (ranked) order. */
  stored: readonly StoredPick[];
  topN: number;
  /** Ids of the top picks that got a new card. */
  fresh: ReadonlySet<string>;
  /** Sources that did not evaluate a symbol for sessions missing in their look-back (absent: none). */
  gaps?: readonly ScanGap[];
}

const key = (date: string, symbol: string) => `${date}\u0000${symbol}`;

/** The signal's own figures: its levels and the values of its Why line. */
function signalInputs(s: Signal): Record<string, unknown> {
  return { entry: s.close, stop: s.stop, target: s.target, atr: s.atr, timeStopBars: s.timeStopBars, score: s.score, reasons: [...s.reasons] };
}

/** A source as sized: its levels, reasons and every sizing input. */
function sourceInputs(p: PickSource): Record<string, unknown> {
  return { ...p, reasons: [...p.reasons] };
}

/** The journal rows of one scan (pure). */
export function scanDecisions(input: ScanDecisionInput): DecisionRow[] {
  const rows: DecisionRow[] = [];
  const seen = new Set<string>();
  const sizedBy = new Map(input.sized.map((s) => [`${key(s.signal.date, s.signal.symbol)}\u0000${s.signal.strategy}`, s]));
  const storedByKey = new Map(input.stored.map((p) => [key(p.sessionDate, p.symbol), p]));
  for (const s of input.signals) {
    const k = `${key(s.date, s.symbol)}\u0000${s.strategy}`;
    // A source has one view of one bar: merge keeps its first signal, so does the journal.
    if (seen.has(k)) continue;
    seen.add(k);
    const sized = sizedBy.get(k);
    const pick = storedByKey.get(key(s.date, s.symbol));
    rows.push({
      kind: 'signal',
      sessionDate: s.date,
      symbol: s.symbol,
      source: s.strategy,
      outcome: sized ? 'sized' : 'not_live',
      pickId: pick?.id ?? null,
      inputs: sized ? sourceInputs(sized.source) : { ...signalInputs(s), ...(isHypothesisSource(s.strategy) ? { hypothesisId: hypothesisIdOf(s.strategy) } : {}) },
    });
  }
  // Groups none of whose sources would size a pick: merge made no pick of them.
  const groups = new Map<string, SizedSignal[]>();
  for (const s of input.sized) {
    const g = groups.get(key(s.signal.date, s.signal.symbol)) ?? [];
    g.push(s);
    groups.set(key(s.signal.date, s.signal.symbol), g);
  }
  const mergedKeys = new Set(input.merged.map((m) => key(m.signal.date, m.signal.symbol)));
  for (const [k, g] of groups) {
    if (mergedKeys.has(k) || g.some((s) => proposesPick(s.source))) continue;
    const first = g[0]!;
    rows.push({
      kind: 'card',
      sessionDate: first.signal.date,
      symbol: first.signal.symbol,
      source: first.signal.strategy,
      outcome: 'no_size',
      pickId: null,
      inputs: { sources: g.map((s) => ({ source: s.signal.strategy, qty: s.source.qty, sizing: s.source.sizing })) },
    });
  }
  const scoreOf = new Map(input.merged.map((m) => [key(m.signal.date, m.signal.symbol), m.signal.score]));
  const boundOf = new Map(input.merged.map((m) => [key(m.signal.date, m.signal.symbol), m.boundBy]));
  const cutoff = input.stored[input.topN - 1];
  const cutoffScore = cutoff ? (scoreOf.get(key(cutoff.sessionDate, cutoff.symbol)) ?? null) : null;
  input.stored.forEach((p, i) => {
    const rank = i + 1;
    const score = scoreOf.get(key(p.sessionDate, p.symbol)) ?? null;
    const outcome: CardOutcome = rank > input.topN ? 'top_n_cut' : input.fresh.has(p.id) ? 'posted' : 'duplicate';
    rows.push({
      kind: 'card',
      sessionDate: p.sessionDate,
      symbol: p.symbol,
      source: p.strategy,
      outcome,
      pickId: p.id,
      inputs: {
        rank,
        of: input.stored.length,
        topN: input.topN,
        score,
        ...(outcome === 'top_n_cut' ? { cutoffScore } : {}),
        ...(outcome === 'duplicate' ? { state: p.state } : {}),
        boundBy: boundOf.get(key(p.sessionDate, p.symbol)) ?? p.strategy,
        entry: p.entry,
        stop: p.stop,
        qty: p.qty,
        dollarRisk: p.dollarRisk,
      },
    });
  });
  for (const g of input.gaps ?? []) {
    rows.push({
      kind: 'skip',
      sessionDate: g.asOf,
      symbol: g.symbol,
      source: g.source,
      outcome: 'missing_session',
      pickId: null,
      inputs: { lookback: g.lookback, missing: g.count, firstMissing: g.first, lastMissing: g.last },
    });
  }
  return rows;
}
