import type { SqlSession } from '../../adapters/db/port.js';
import { DRIFT_FALSE_ALARM_BOUND, DRIFT_HORIZON, DRIFT_K, DRIFT_MIN_LIVE, DRIFT_MIN_REFERENCE, runDriftTest } from '../../engine/risk/drift-cusum.js';
import { executionDrift, SLIPPAGE_MIN_FILLS, SLIPPAGE_WINDOW } from '../../engine/risk/drift-slippage.js';
import { driftSubjects, entryFills, hypothesisReference, liveTradesR, strategyReference, type DriftReferenceSource } from './drift-sources.js';
import type { RiskSettings } from './settings.js';

/**
 * One sequential drift test: a strategy's or LIVE hypothesis's live closed trades (in R) against the
 * distribution its backtest or walk-forward out-of-sample produced.
 */
export interface DriftTestLine {
  kind: 'strategy' | 'hypothesis';
  /** The strategy id (`donchian`, `turtle_soup`) or the hypothesis source (`hyp:<id>`). */
  subject: string;
  /** Live closed trades the test has seen. */
  liveTrades: number;
  /** The test's statistic now, and the threshold that raises the alert. */
  statistic: number;
  threshold: number;
  /** `too_few`: not enough live trades or no reference distribution to judge. */
  state: 'in_band' | 'out_of_band' | 'too_few';
  /** Mean R of the live trades (null: none). */
  liveMeanR?: number | null;
  /** Mean and sample standard deviation of the reference R (null: no usable reference). */
  referenceMeanR?: number | null;
  referenceSdR?: number | null;
  /** Trades in the reference (0: none found). */
  referenceTrades?: number;
  /** Where the reference came from (null: none found). */
  reference?: DriftReferenceSource | null;
  /** The live trade (1-based) at which the statistic first reached the threshold, null if never. */
  firstBreachTrade?: number | null;
}

/** Execution drift of one market: fills against the card's limit, rolling median in basis points. */
export interface ExecutionDriftLine {
  market: string;
  fills: number;
  medianBps: number | null;
  alertBps: number;
  state: 'ok' | 'wide' | 'too_few';
  /** Rolling median of the same fills against the signal bar's close, bps (null: no close known). */
  medianVsCloseBps?: number | null;
}

/**
 * What the drift tests say now (read by the weekly review and /status-like faces). The fields
 * added to the scaffold's are optional so readers' fixtures that predate them still type-check;
 * {@link driftStatus} always fills them.
 */
export interface DriftStatus {
  tests: DriftTestLine[];
  execution: ExecutionDriftLine[];
  /** The stated false-alarm bound of the sequential test (probability per subject over its stated horizon). */
  falseAlarmBound: number;
  /** The horizon the bound is stated over, in live trades per subject. */
  horizon?: number;
  /** The CUSUM's reference value k (standard deviations of the reference R). */
  k?: number;
  /** Below these the test says `too_few`. */
  minLiveTrades?: number;
  minReferenceTrades?: number;
  /** Fills the execution median covers (the last ones), and the fewest it judges. */
  slippageWindow?: number;
  slippageMinFills?: number;
  /** The session the answers are as of. */
  asOf?: string;
}

/**
 * The drift tests' current answers, as of the New York session `asOf` (trades closed and entries
 * filed on or before it; references finished on or before it):
 *
 * - each Kobe strategy against the R of its most recent finished risk-sized backtest run, and each
 *   LIVE hypothesis against its PAPER shadow book's closed R (its forward out-of-sample record
 *   before promotion: the walk-forward's own out-of-sample trades are not stored, only their
 *   figures), by the lower CUSUM of src/engine/risk/drift-cusum.ts;
 * - each market's entry fills against the card's entry and the signal bar's close, as a rolling
 *   median of the last {@link SLIPPAGE_WINDOW} fills, wide past `settings.slippageAlertBps`.
 *
 * Read-only; recomputed from Postgres at every call (no stored state to drift out of date).
 */
export async function driftStatus(deps: { db: SqlSession; settings: RiskSettings }, asOf: string): Promise<DriftStatus> {
  const [subjects, live, fills] = await Promise.all([driftSubjects(deps.db), liveTradesR(deps.db, asOf), entryFills(deps.db, asOf)]);
  const tests: DriftTestLine[] = [];
  for (const s of subjects) {
    const ref = s.kind === 'strategy' ? await strategyReference(deps.db, s.subject, asOf) : await hypothesisReference(deps.db, s.subject, asOf);
    const rs = (live.get(s.subject) ?? []).map((t) => t.r);
    const r = runDriftTest(ref?.rs ?? [], rs);
    tests.push({
      kind: s.kind,
      subject: s.subject,
      liveTrades: r.liveTrades,
      statistic: r.statistic,
      threshold: r.threshold,
      state: r.state,
      liveMeanR: r.liveMeanR,
      referenceMeanR: r.referenceMeanR,
      referenceSdR: r.referenceSdR,
      referenceTrades: r.referenceTrades,
      reference: ref?.source ?? null,
      firstBreachTrade: r.firstBreachTrade,
    });
  }
  const execution: ExecutionDriftLine[] = [...fills].map(([market, list]) => {
    const d = executionDrift(list, deps.settings.slippageAlertBps);
    return { market, fills: d.fills, medianBps: d.medianBps, medianVsCloseBps: d.medianVsCloseBps, alertBps: deps.settings.slippageAlertBps, state: d.state };
  });
  return {
    tests,
    execution,
    falseAlarmBound: DRIFT_FALSE_ALARM_BOUND,
    horizon: DRIFT_HORIZON,
    k: DRIFT_K,
    minLiveTrades: DRIFT_MIN_LIVE,
    minReferenceTrades: DRIFT_MIN_REFERENCE,
    slippageWindow: SLIPPAGE_WINDOW,
    slippageMinFills: SLIPPAGE_MIN_FILLS,
    asOf,
  };
}
