/**
 * `courtside hypotheses evaluate ID`: a dry run of one stored hypothesis's
 * walk-forward evaluation, now, on the market's universe in the bars store.
 * It reads the hypothesis and the bars and writes nothing: no state change,
 * no stored evaluation, no transition, no audit row.
 */
import type { BarSeries } from '../../engine/bars.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import type { HypothesisEvaluation } from '../../engine/hypotheses/evaluation-types.js';
import { gridPoints } from '../../engine/hypotheses/grid.js';
import type { IncubationOutcome, TrialStats } from '../../engine/hypotheses/trials.js';
import { evaluateDefinition, type EvaluationHooks } from '../../trading/hypotheses/evaluate-stored.js';
import type { HypothesisStore, StoredHypothesis } from '../../trading/hypotheses/store.js';

/** Markets whose universe the bars store holds today; KR arrives with the Korean market issue. */
export const EVALUABLE_MARKETS: readonly MarketId[] = Object.freeze(['US']);

/** What the dry run reads from the bars store (structurally the adapter's BarsStore). */
export interface DryRunBars {
  listSymbols(filter?: { market?: MarketId }): Promise<{ symbol: string; demo: boolean }[]>;
  loadUniverse(symbols?: readonly string[]): Promise<Map<string, BarSeries>>;
}

/** The hypothesis as the report names it. */
export interface DryRunSubject {
  id: string;
  market: MarketId;
  family: string;
  state: StoredHypothesis['state'];
  version: number;
  stateSinceSession: string;
  definition: StoredHypothesis['definition'];
}

/** A finished dry run: the evaluation, its verdict and deflation inputs, and what data it ran on. */
export interface DryRunReport {
  /** Always true: nothing was stored or changed. */
  dryRun: true;
  hypothesis: DryRunSubject;
  /** True when any symbol evaluated is synthetic (DEMO) data. */
  demo: boolean;
  data: { symbols: number; demoSymbols: number; firstDate: string; lastDate: string };
  /** Points of the hypothesis's grid (chosenIndex indexes them). */
  gridPoints: number;
  /** Daily Sharpes of the market's other finished evaluations that went into N and V (this one is added to them). */
  priorDailySharpes: number[];
  evaluation: HypothesisEvaluation;
  outcome: IncubationOutcome;
  trials: TrialStats;
}

export type DryRunResult =
  | { kind: 'not_found'; id: string }
  | { kind: 'market_not_available'; hypothesis: DryRunSubject }
  | { kind: 'no_bars'; hypothesis: DryRunSubject }
  /** The engine refused (universe too short for one window, an invalid grid): its message says what. */
  | { kind: 'cannot_evaluate'; hypothesis: DryRunSubject; message: string }
  | { kind: 'done'; report: DryRunReport };

function subject(h: StoredHypothesis): DryRunSubject {
  return { id: h.id, market: h.market, family: h.family, state: h.state, version: h.version, stateSinceSession: h.stateSinceSession, definition: h.definition };
}

/**
 * The market's other finished daily Sharpes: this hypothesis's own stored
 * one (if it was evaluated before) is taken out once, since evaluateDefinition
 * adds the fresh one, and counting both would count one trial twice.
 */
export function priorSharpes(all: readonly number[], own: number | null): number[] {
  const out = [...all];
  if (own === null) return out;
  const i = out.indexOf(own);
  if (i >= 0) out.splice(i, 1);
  return out;
}

/**
 * Evaluates stored hypothesis `id` now (read-only). The universe is every
 * symbol in the bars store (the US universe; other markets are refused
 * until their data exists).
 */
export async function dryRunEvaluation(
  store: Pick<HypothesisStore, 'get' | 'finishedDailySharpes'>,
  bars: DryRunBars,
  id: string,
  hooks: EvaluationHooks = {},
): Promise<DryRunResult> {
  const h = await store.get(id);
  if (h === null) return { kind: 'not_found', id };
  const who = subject(h);
  if (!EVALUABLE_MARKETS.includes(h.market)) return { kind: 'market_not_available', hypothesis: who };
  const symbols = await bars.listSymbols({ market: h.market });
  if (symbols.length === 0) return { kind: 'no_bars', hypothesis: who };
  const loaded = await bars.loadUniverse(symbols.map((s) => s.symbol));
  const series = [...loaded.values()];
  if (series.length === 0) return { kind: 'no_bars', hypothesis: who };
  const demoSet = new Set(symbols.filter((s) => s.demo).map((s) => s.symbol));
  const demoSymbols = series.filter((s) => demoSet.has(s.symbol)).length;
  const prior = priorSharpes(await store.finishedDailySharpes(h.market), h.dailySharpe);
  let points: number;
  let run;
  try {
    points = gridPoints(h.definition).length;
    run = await evaluateDefinition(h.definition, series, prior, hooks);
  } catch (err) {
    if (err instanceof RangeError) return { kind: 'cannot_evaluate', hypothesis: who, message: err.message };
    throw err;
  }
  return {
    kind: 'done',
    report: {
      dryRun: true,
      hypothesis: who,
      demo: demoSymbols > 0,
      data: { symbols: series.length, demoSymbols, firstDate: run.evaluation.firstDate, lastDate: run.evaluation.lastDate },
      gridPoints: points,
      priorDailySharpes: prior,
      evaluation: run.evaluation,
      outcome: run.outcome,
      trials: run.trials,
    },
  };
}
