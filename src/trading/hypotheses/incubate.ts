/**
 * Incubation of one stored hypothesis (DESIGN section 9): its one
 * walk-forward evaluation over the market's universe, then INCUBATING →
 * PAPER or RETIRED with the figures that justified it, on the audit chain.
 */
import { buildCalendar } from '../../engine/backtest/calendar.js';
import type { Check } from '../../engine/hypotheses/checks.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import type { HypothesisEvaluation, DailyReturnFigures } from '../../engine/hypotheses/evaluation-types.js';
import type { IncubationFailure, IncubationFigures } from '../../engine/hypotheses/incubation-verdict.js';
import type { IncubationDeflation } from '../../engine/hypotheses/trials.js';
import { verdictOver } from '../../engine/hypotheses/incubation-run.js';
import { CancelledError, CourtsideError } from '../../lib/errors.js';
import { inProcessEvaluator, type EvaluationHooks, type HypothesisEvaluator } from './evaluate-stored.js';
import type { HypothesisStore, StoredHypothesis } from './store.js';
import type { HypothesisUniverse } from './universe.js';
import { codeVersion } from '../manifest/code-version.js';
import { incubationManifest, incubationResultOf } from '../manifest/incubation-manifest.js';

/** Bars of the first training window (the engine's default): a universe with no more days than this has no window. */
export const INCUBATION_TRAIN_BARS = 252;

/** The figures of an incubation transition (stored on its transition row and the audit chain). */
export interface IncubationRecord {
  verdict: 'PAPER' | 'RETIRED';
  /** The out-of-sample figures the verdict checked. */
  figures: IncubationFigures;
  /** Every rule with its number and limit. */
  checks: Check<IncubationFailure>[];
  /** Failed rules (empty for PAPER). */
  reasons: IncubationFailure[];
  dsr: number | null;
  /** The deflated Sharpe's inputs, all daily: SR₀, N, V, T, skewness, kurtosis (see IncubationDeflation). */
  deflated: IncubationDeflation;
  /** True when any bar evaluated was synthetic (DEMO): these figures are not evidence about a real market. */
  demo: boolean;
  /** The data evaluated: first and last date, symbols, walk-forward windows. */
  data: { firstDate: string; lastDate: string; symbols: number; windows: number };
  /** Parameters chosen on the latest training window (what PAPER trades). */
  params: Record<string, unknown>;
  /** Id of the run manifest (universe content hash, code version, definition, trials, key figures); cards show its first 12 hex digits. */
  manifest?: string;
}

/** What the hypothesis row's `evaluation` holds after incubation: the engine's evaluation plus its verdict and the DEMO flag. */
export type StoredEvaluation = HypothesisEvaluation & {
  outcome: { to: 'PAPER' | 'RETIRED'; dsr: number | null; checks: Check<IncubationFailure>[]; reasons: IncubationFailure[]; deflated: IncubationDeflation };
  demo: boolean;
  /** Id of the evaluation's run manifest (see {@link IncubationRecord.manifest}). */
  manifest?: string;
};

/** How one incubation ended. Only `transitioned` changed anything. */
export type IncubationResult =
  /** Evaluated and moved to PAPER or RETIRED. */
  | { kind: 'transitioned'; hypothesis: StoredHypothesis; from: 'INCUBATING'; to: 'PAPER' | 'RETIRED'; transitionId: number; record: IncubationRecord }
  /** No hypothesis has that id. */
  | { kind: 'not_found'; id: string }
  /** It is not INCUBATING (already evaluated, or retired by an admin): nothing was done. A retried job lands here. */
  | { kind: 'not_incubating'; hypothesis: StoredHypothesis }
  /** It moved while (or before) this run evaluated it (the caller's version is old): nothing was stored. */
  | { kind: 'stale'; hypothesis: StoredHypothesis }
  /**
   * It passed, but the market's PAPER cap is full: it stays INCUBATING and
   * nothing is stored; it is evaluated again after a later session's close
   * (the session job re-enqueues every INCUBATING hypothesis).
   */
  | { kind: 'paper_full'; hypothesis: StoredHypothesis; record: IncubationRecord }
  /** Cancelled between steps: it stays INCUBATING, nothing stored. */
  | { kind: 'cancelled'; hypothesis: StoredHypothesis };

/**
 * The market's universe is too short for one walk-forward window (or empty):
 * the hypothesis stays INCUBATING. Retrying cannot help until more bars are
 * stored; the job tells the admins.
 */
export class UniverseTooShortError extends CourtsideError {
  constructor(
    readonly market: MarketId,
    readonly days: number,
    readonly needed: number,
  ) {
    super(
      `the ${market} universe has ${days} trading days, but incubation needs more than ${needed} (one training window plus a test window): store more history (courtside data import / data seed); the hypotheses stay INCUBATING`,
      'discard',
    );
  }
}

export interface IncubateDeps {
  store: HypothesisStore;
  universe: HypothesisUniverse;
  /** Where the walk-forward runs: worker threads in the app (default: this thread). */
  evaluator?: HypothesisEvaluator;
}

export interface IncubateOptions {
  /** The session (ISO date) the transition is recorded under. */
  session: string;
  /** Who did it, on the transition row and the audit chain (default 'incubator'). */
  actor?: string;
  /** The version the caller saw (a job's payload): a different current version means 'stale'. */
  version?: number;
  hooks?: EvaluationHooks;
}

/**
 * Incubates one hypothesis: loads it; only an INCUBATING one is evaluated
 * (anything else is `not_incubating` and nothing changes, so a retried job
 * is harmless); evaluates it over its market's universe, deflated over the
 * market's finished evaluations; then moves it to PAPER or RETIRED with the
 * figures, the evaluation, its daily Sharpe and the chosen parameters.
 *
 * @throws MarketNotAvailableError (KR) or UniverseTooShortError: it stays INCUBATING
 */
export async function incubateOne(deps: IncubateDeps, id: string, opts: IncubateOptions): Promise<IncubationResult> {
  const h = await deps.store.get(id);
  if (!h) return { kind: 'not_found', id };
  if (opts.version !== undefined && h.version !== opts.version) return { kind: 'stale', hypothesis: h };
  if (h.state !== 'INCUBATING') return { kind: 'not_incubating', hypothesis: h };

  const { series, demo } = await deps.universe.load(h.market);
  // The longest series bounds the union calendar from below, so the full calendar (a pass over every
  // date of the universe, on the event loop) is only built when that bound does not settle it.
  const longest = series.reduce((m, s) => Math.max(m, s.dates.length), 0);
  const days = longest > INCUBATION_TRAIN_BARS ? longest : series.length === 0 ? 0 : buildCalendar(series).dates.length;
  if (days <= INCUBATION_TRAIN_BARS) throw new UniverseTooShortError(h.market, days, INCUBATION_TRAIN_BARS);

  const prior = await deps.store.finishedDailySharpes(h.market);
  let run;
  try {
    run = await (deps.evaluator ?? inProcessEvaluator).evaluate(h.definition, series, prior, opts.hooks ?? {});
  } catch (err) {
    if (err instanceof CancelledError) return { kind: 'cancelled', hypothesis: h };
    throw err;
  }
  // N counts the evaluations finished by now: others (another pool thread, another worker) may have
  // finished while this one ran, and the verdict is decided now, so deflate over them too.
  const trials = await deps.store.finishedDailySharpes(h.market);
  const verdict = verdictOver(run.evaluation, trials);
  const { evaluation, outcome } = verdict;
  const reasons = outcome.to === 'RETIRED' ? outcome.reasons : [];
  const record: IncubationRecord = {
    verdict: outcome.to,
    figures: outcome.figures,
    checks: outcome.checks,
    reasons,
    dsr: outcome.dsr,
    deflated: outcome.deflated,
    demo,
    data: { firstDate: evaluation.firstDate, lastDate: evaluation.lastDate, symbols: evaluation.symbols, windows: evaluation.windows.length },
    params: evaluation.chosenParams,
  };
  // The manifest pins what this verdict was computed from; the store keeps it (when it can) and the cards show its short hash.
  const manifest = incubationManifest(
    series,
    {
      market: h.market,
      definition: h.definition,
      priorDailySharpes: prior,
      deflationTrials: trials,
      result: incubationResultOf(verdict),
    },
    codeVersion(),
  );
  if (deps.store.saveManifest) {
    await deps.store.saveManifest(manifest);
    record.manifest = manifest.id;
  }
  const stored: StoredEvaluation = {
    ...evaluation,
    outcome: { to: outcome.to, dsr: outcome.dsr, checks: outcome.checks, reasons, deflated: outcome.deflated },
    demo,
    ...(record.manifest ? { manifest: record.manifest } : {}),
  };
  const daily: DailyReturnFigures = evaluation.daily;
  const moved = await deps.store.transition(h.id, h.version, { kind: outcome.to === 'PAPER' ? 'incubation_passed' : 'incubation_failed' }, {
    actor: opts.actor ?? 'incubator',
    session: opts.session,
    figures: record,
    extras: {
      evaluation: stored,
      dailySharpe: daily.sharpe,
      params: evaluation.chosenParams,
      retiredReason: reasons.length > 0 ? reasons.join(', ') : null,
    },
  });
  if (moved.ok) {
    return { kind: 'transitioned', hypothesis: moved.hypothesis, from: 'INCUBATING', to: outcome.to, transitionId: moved.transitionId, record };
  }
  const now = moved.hypothesis ?? h;
  if (moved.reason === 'cap_full') return { kind: 'paper_full', hypothesis: now, record };
  if (moved.reason === 'not_found') return { kind: 'not_found', id };
  // 'stale', or no edge any more (retired_is_final, no_such_edge): it moved meanwhile, e.g. an admin retired it.
  return { kind: 'stale', hypothesis: now };
}
