/**
 * The data of the Promote card (issue 14 item 5, DESIGN section 9): a PAPER
 * hypothesis's shadow-book figures and qualification checks as of its latest
 * snapshot, its out-of-sample figures, how half-Kelly would size it, and —
 * when the market already has 3 LIVE — the weakest LIVE one a promotion
 * would demote. Typed data only: src/bot words it.
 */
import { chooseRisk, estimateKelly, type KellyEstimate, type RiskRule } from '../../engine/allocation/index.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import type { Check } from '../../engine/hypotheses/checks.js';
import { paperReview, type PaperFigures, type PaperQualificationRule } from '../../engine/hypotheses/paper-review.js';
import { PAPER_RULES } from '../../engine/hypotheses/rules.js';
import { STATE_CAPS_PER_MARKET } from '../../engine/hypotheses/states.js';
import type { BookSnapshot, HypothesisBookStore } from './books.js';
import type { HypothesisStore, StoredHypothesis } from './store.js';
import { readStoredEvaluation, type EvaluationView } from './views-evaluation.js';

/** Where a hypothesis's qualification is read from right now. */
export type Qualification =
  | {
      kind: 'reviewed';
      /** The latest snapshot of its current PAPER period. */
      snapshot: BookSnapshot;
      checks: Check<PaperQualificationRule>[];
      qualifies: boolean;
    }
  /** No snapshot of its current PAPER period yet (never reviewed since it entered PAPER): it cannot qualify. */
  | { kind: 'not_reviewed' };

/**
 * Does `h` (PAPER) qualify NOW: paperReview on the figures of its latest
 * snapshot taken at its current version (the current PAPER period; a
 * snapshot from an earlier period or state does not count), with that
 * snapshot's session count. Not the figures an older card showed.
 */
export async function qualificationNow(books: Pick<HypothesisBookStore, 'latest'>, h: StoredHypothesis): Promise<Qualification> {
  const snap = await books.latest(h.id);
  if (!snap || snap.state !== 'PAPER' || snap.version !== h.version) return { kind: 'not_reviewed' };
  const review = paperReview(snap.figures.paper, snap.sessions, null);
  return { kind: 'reviewed', snapshot: snap, checks: review.checks, qualifies: review.qualifies };
}

/** How half-Kelly would size the hypothesis's picks today (DESIGN section 10), from its closed shadow trades in R. */
export interface PromoteSizing {
  estimate: KellyEstimate;
  /** `no_estimate` (< 5 wins or < 5 losses: 0.25 %), `no_edge` (0), `kelly` or `cap_1pct`. */
  rule: RiskRule;
  /** Fraction of equity risked per trade at the stop. */
  riskFraction: number;
  /** The equity the shadow book started at (the market's equity at the review). */
  equity: number;
  /** riskFraction × equity. */
  riskDollars: number;
}

/** The sizing from closed R multiples and the equity. */
export function promoteSizing(closedR: readonly number[], equity: number): PromoteSizing {
  const estimate = estimateKelly(closedR);
  const { rule, riskFraction } = chooseRisk(estimate);
  return { estimate, rule, riskFraction, equity, riskDollars: riskFraction * equity };
}

/** One LIVE hypothesis as the demotion choice compares it. */
export interface LiveSharpe {
  id: string;
  family: string;
  version: number;
  /** The Sharpe compared (per `basis`); null = not computable (counts as the weakest). */
  sharpe: number | null;
}

/** Which LIVE hypothesis a promotion at a full LIVE cap would demote, and why that one. */
export interface DemoteChoice {
  /** The weakest LIVE one. */
  weakest: LiveSharpe;
  /**
   * `shadow`: by the Sharpe of each one's latest shadow-book snapshot;
   * `oos`: by the out-of-sample Sharpe of its stored evaluation, because at
   * least one LIVE hypothesis had no shadow Sharpe yet (one measure for all,
   * never a shadow Sharpe against an OOS one).
   */
  basis: 'shadow' | 'oos';
  /** Every LIVE hypothesis compared, weakest first. */
  compared: LiveSharpe[];
}

/** Ascending by Sharpe with a missing Sharpe first, ties by id: the first is the weakest. */
function weakestFirst(a: LiveSharpe, b: LiveSharpe): number {
  const sa = a.sharpe ?? -Infinity;
  const sb = b.sharpe ?? -Infinity;
  if (sa !== sb) return sa < sb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The weakest LIVE hypothesis of `market` when its LIVE cap (3) is full, or
 * null while there is room. Shadow Sharpe = the Sharpe of the latest
 * snapshot's whole shadow book; when any LIVE one has none, all are compared
 * by out-of-sample Sharpe instead (and `basis` says so).
 */
export async function demoteChoice(
  store: Pick<HypothesisStore, 'list'>,
  books: Pick<HypothesisBookStore, 'latest'>,
  market: MarketId,
): Promise<DemoteChoice | null> {
  const live = await store.list({ market, state: 'LIVE' });
  if (live.length < STATE_CAPS_PER_MARKET.LIVE) return null;
  const shadow = await Promise.all(
    live.map(async (h) => {
      const snap = await books.latest(h.id);
      const s = snap?.figures.paper.sharpe;
      return { id: h.id, family: h.family, version: h.version, sharpe: typeof s === 'number' && !Number.isNaN(s) ? s : null };
    }),
  );
  const basis: DemoteChoice['basis'] = shadow.every((x) => x.sharpe !== null) ? 'shadow' : 'oos';
  const compared =
    basis === 'shadow'
      ? shadow
      : live.map((h) => ({ id: h.id, family: h.family, version: h.version, sharpe: readStoredEvaluation(h.evaluation)?.figures.sharpe ?? null }));
  compared.sort(weakestFirst);
  return { weakest: compared[0]!, basis, compared };
}

/** Everything the Promote card shows. */
export interface PromoteCardData {
  hypothesis: Pick<StoredHypothesis, 'id' | 'family' | 'market' | 'version' | 'stateSinceSession' | 'params'>;
  /** The session of the snapshot the figures come from. */
  session: string;
  bookFrom: string;
  /** Sessions in its PAPER book. */
  sessions: number;
  paper: PaperFigures;
  checks: Check<PaperQualificationRule>[];
  trades: { closed: number; open: number };
  /** The shadow book's daily equity (for the chart). */
  equity: { dates: string[]; values: number[] };
  startEquity: number;
  /** The stored walk-forward evaluation; null when none can be read. */
  oos: EvaluationView | null;
  /** Id of the walk-forward's run manifest (incubation); null when the evaluation predates manifests. */
  manifest: string | null;
  sizing: PromoteSizing;
  /** LIVE hypotheses of the market now, and the cap. */
  live: { count: number; cap: number };
  /** Set when the LIVE cap is full: Promote also demotes this one, in one transaction. */
  demote: DemoteChoice | null;
  /** A Keep now asks again once the book has this many sessions (sessions + 10). */
  askAgainAt: number;
  /** The shadow book ran on synthetic (DEMO) bars. */
  demo: boolean;
}

/** Builds the card's data from a qualifying hypothesis's current snapshot. */
export async function promoteCardData(
  deps: { store: Pick<HypothesisStore, 'list'>; books: Pick<HypothesisBookStore, 'latest'> },
  h: StoredHypothesis,
  q: Extract<Qualification, { kind: 'reviewed' }>,
): Promise<PromoteCardData> {
  const snap = q.snapshot;
  const [demote, live] = await Promise.all([demoteChoice(deps.store, deps.books, h.market), deps.store.list({ market: h.market, state: 'LIVE' })]);
  return {
    hypothesis: { id: h.id, family: h.family, market: h.market, version: h.version, stateSinceSession: h.stateSinceSession, params: h.params },
    session: snap.session,
    bookFrom: snap.bookFrom,
    sessions: snap.sessions,
    paper: snap.figures.paper,
    checks: q.checks,
    trades: { closed: snap.trades.closed, open: snap.trades.open },
    equity: snap.equity,
    startEquity: snap.startEquity,
    oos: readStoredEvaluation(h.evaluation),
    manifest: manifestOf(h.evaluation),
    sizing: promoteSizing(snap.closedR, snap.startEquity),
    live: { count: live.length, cap: STATE_CAPS_PER_MARKET.LIVE },
    demote,
    askAgainAt: snap.sessions + PAPER_RULES.askAgainAfterSessions,
    demo: snap.demo,
  };
}

/** The manifest id a stored evaluation names (incubate.ts stores it), or null. */
export function manifestOf(evaluation: unknown): string | null {
  if (evaluation === null || typeof evaluation !== 'object') return null;
  const m = (evaluation as { manifest?: unknown }).manifest;
  return typeof m === 'string' && /^[0-9a-f]{64}$/.test(m) ? m : null;
}
