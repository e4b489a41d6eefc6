/**
 * The session review of living hypotheses (issue 14 items 4 and 5, DESIGN
 * section 9): after each session every PAPER and LIVE hypothesis's shadow
 * book is recomputed from bars, stored as a snapshot, and reviewed. The rules
 * that reduce risk act on their own (PAPER → RETIRED, LIVE → PAPER);
 * promotion needs a person, so qualifying PAPER hypotheses are only reported.
 */
import type { BarSeries } from '../../engine/bars.js';
import { HYPOTHESIS_MAX_OPEN } from '../../engine/allocation/constants.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import type { Check } from '../../engine/hypotheses/checks.js';
import { liveReview, type LiveDemotion, type LiveFigures, type LiveReview } from '../../engine/hypotheses/live-review.js';
import {
  paperReview,
  type PaperFigures,
  type PaperQualificationRule,
  type PaperRetirement,
  type PaperReview,
} from '../../engine/hypotheses/paper-review.js';
import { runShadowBook, type ShadowBook } from '../../engine/hypotheses/shadow-book.js';
import { closedR, liveFigures, paperFigures } from '../../engine/hypotheses/shadow-figures.js';
import { hypothesisSignals } from '../../engine/hypotheses/signals.js';
import { hypothesisMarketRules } from '../../engine/hypotheses/market-rules.js';
import { DEFAULT_US_HYPOTHESIS_EQUITY, defaultMarketEquity } from './market-equity.js';
import { IndicatorCache } from '../../engine/indicators/cache.js';
import { familyById } from '../../engine/patterns/registry.js';
import type { Signal } from '../../engine/signal.js';
import { summariseTrades, type BookFromSource, type HypothesisBookStore } from './books.js';
import { lastAskedSessionCount } from './session-review-ask.js';
import { bookStart } from './session-review-from.js';
import type { HypothesisStore, StoreRefusal, StoredHypothesis } from './store.js';
import type { HypothesisUniverse } from './universe.js';

/** US book value and market equity when no equity source is wired (the shadow book's own default), in dollars. */
export const DEFAULT_REVIEW_EQUITY = DEFAULT_US_HYPOTHESIS_EQUITY;

/** The actor written on the transitions the rules make. */
export const SESSION_REVIEW_ACTOR = 'session-review';

/** What the review needs. */
export interface SessionReviewDeps {
  store: HypothesisStore;
  /** Where the snapshots go (table hypothesis_books). */
  books: HypothesisBookStore;
  universe: HypothesisUniverse;
  /**
   * The market's account equity in its currency. Every book starts at it and
   * a LIVE hypothesis's allocation cap is 40 % of it (DESIGN section 10), so
   * the LIVE drawdown rule compares like with like. Default: US 100,000 dollars, KR the KR
   * sizing equity in won (defaultMarketEquity); never one market's money for the other.
   */
  equity?(market: MarketId): Promise<number>;
}

/** One hypothesis as reviewed this session. */
export interface ReviewedHypothesis {
  id: string;
  state: 'PAPER' | 'LIVE';
  /** The version the review saw (before any transition it made). */
  version: number;
  bookFrom: string;
  bookFromSource: BookFromSource;
  /** Universe calendar sessions in the book, `bookFrom` and `session` included. */
  sessions: number;
  figures: { paper: PaperFigures; live: LiveFigures | null };
  verdict: PaperReview['verdict'] | LiveReview['verdict'];
}

/** A PAPER hypothesis the rules retired this session. */
export interface RetiredHypothesis {
  id: string;
  /** The version after the transition. */
  version: number;
  reason: PaperRetirement;
  check: Check<PaperRetirement>;
  sessions: number;
  figures: PaperFigures;
  transitionId: number;
}

/** A LIVE hypothesis the rules demoted to PAPER this session. */
export interface DemotedHypothesis {
  id: string;
  version: number;
  reasons: LiveDemotion[];
  checks: Check<LiveDemotion>[];
  sessions: number;
  figures: LiveFigures;
  transitionId: number;
}

/** A qualifying PAPER hypothesis whose Promote card is due this session (not sent, not marked asked). */
export interface PromotionCandidate {
  id: string;
  /** Bind the card's confirm token to this version. */
  version: number;
  sessions: number;
  figures: PaperFigures;
  checks: Check<PaperQualificationRule>[];
  /** The session count from which it may be asked again (after a Keep). */
  nextAskAtSession: number;
  /** The fixed parameters it trades. */
  params: Record<string, unknown> | null;
  /** The walk-forward evaluation (the card's out-of-sample figures). */
  evaluation: unknown;
}

/** A transition the rules asked for that the store refused (e.g. a concurrent change made it stale). */
export interface RefusedTransition {
  id: string;
  event: 'paper_retired' | 'demote';
  reason: StoreRefusal;
}

/** A hypothesis the review could not review this session, and why (the others are reviewed regardless). */
export interface SkippedHypothesis {
  id: string;
  reason: 'session_before_book' | 'no_params' | 'error';
  message: string;
}

/** Data for the announcer and the digest. */
export interface SessionReview {
  market: MarketId;
  session: string;
  reviewed: ReviewedHypothesis[];
  retired: RetiredHypothesis[];
  demoted: DemotedHypothesis[];
  promotionCandidates: PromotionCandidate[];
  refused: RefusedTransition[];
  skipped: SkippedHypothesis[];
  /** The universe was demo (synthetic) data: say so wherever these figures are shown. */
  demo: boolean;
  /** The equity the books started at (and 40 % of which is each LIVE hypothesis's cap). */
  equity: number;
}

/**
 * Reviews every PAPER and LIVE hypothesis of `market` after `session`.
 *
 * For each: its signals with its FIXED parameters (`params`, chosen on the
 * latest training window) and its exits over the market's universe; the
 * shadow book from its first session (see {@link bookStart}) to `session`;
 * a snapshot (upserted per hypothesis and session); then
 * - PAPER: paperReview. RETIRE → `paper_retired` with the check that fired
 *   (and retiredReason); PROMOTION_CANDIDATE with `ask` → listed in
 *   `promotionCandidates`. Nothing is sent and nothing is marked asked here:
 *   the Promote card step does both. STAY → nothing.
 * - LIVE: liveReview on the book with an allocation cap of 40 % of the
 *   market's equity. DEMOTE → `demote` with the reasons. Open positions of a
 *   demoted hypothesis keep their exits: exits belong to the positions (the
 *   order lifecycle runs them), not to the hypothesis's state, so there is
 *   nothing to do here.
 *
 * Running it twice for the same session is harmless: transitions are bound
 * to the version the review saw (a second run finds the hypothesis moved, or
 * makes the same STAY decision), and snapshots upsert.
 *
 * @param session the session just closed (ISO date); a test drives it forward as its clock
 */
export async function reviewSession(deps: SessionReviewDeps, market: MarketId, session: string): Promise<SessionReview> {
  const equity = deps.equity ? await deps.equity(market) : defaultMarketEquity(market);
  if (!(Number.isFinite(equity) && equity > 0)) {
    throw new RangeError(`the ${market} equity for the session review must be a positive number, got ${equity}: check the account's equity source`);
  }
  const [paper, live] = await Promise.all([deps.store.list({ market, state: 'PAPER' }), deps.store.list({ market, state: 'LIVE' })]);
  const hypotheses = [...paper, ...live].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Nothing to review: do not load the universe (a market without bars yet, KR, then reviews fine).
  const { series, demo } = hypotheses.length > 0 ? await deps.universe.load(market) : { series: [], demo: false };

  const out: SessionReview = {
    market,
    session,
    reviewed: [],
    retired: [],
    demoted: [],
    promotionCandidates: [],
    refused: [],
    skipped: [],
    demo,
    equity,
  };
  // One indicator cache per symbol, shared by every hypothesis (ATR and SMA columns repeat across them).
  const caches = new Map<string, IndicatorCache>();
  const cacheOf = (s: BarSeries) => {
    let c = caches.get(s.symbol);
    if (!c) caches.set(s.symbol, (c = new IndicatorCache(s)));
    return c;
  };

  for (const h of hypotheses) {
    try {
      await reviewOne(deps, h, session, series, cacheOf, equity, demo, out);
    } catch (err) {
      // One broken row (an unknown family, invalid stored params) must not stop the others' reviews.
      out.skipped.push({ id: h.id, reason: 'error', message: (err as Error).message });
    }
  }
  return out;
}

async function reviewOne(
  deps: SessionReviewDeps,
  h: StoredHypothesis,
  session: string,
  series: readonly BarSeries[],
  cacheOf: (s: BarSeries) => IndicatorCache,
  equity: number,
  demo: boolean,
  out: SessionReview,
): Promise<void> {
  const state = h.state as 'PAPER' | 'LIVE';
  if (h.params === null) {
    out.skipped.push({ id: h.id, reason: 'no_params', message: `${h.id} is ${state} without fixed params: its evaluation must store the chosen params` });
    return;
  }
  const start = await bookStart(h, () => deps.store.transitions(h.id));
  if (session < start.from) {
    out.skipped.push({ id: h.id, reason: 'session_before_book', message: `session ${session} is before ${h.id}'s book starts (${start.from})` });
    return;
  }

  const family = familyById(h.definition.family);
  const params = family.validateParams(h.params);
  // The market's measure, as incubation used it: a KR book's levels and fills on the KRX ETF tick, the KIS commission.
  const rules = hypothesisMarketRules(h.market);
  const kr = rules.market !== 'US';
  const signals: Signal[] = [];
  for (const s of series) {
    for (const sig of hypothesisSignals(s, family, params, h.definition.exits, { label: h.id, cache: cacheOf(s), ...(kr ? { levels: rules.levels } : {}) })) signals.push(sig);
  }
  const book = runShadowBook({
    series,
    signals,
    from: start.from,
    to: session,
    startEquity: equity,
    ...(kr ? { commission: rules.commission, ...(rules.fill ? { fill: rules.fill } : {}) } : {}),
  });
  const sessions = book.dates.length;
  const paperFig = paperFigures(book);

  if (state === 'PAPER') {
    const review = paperReview(paperFig, sessions, lastAskedSessionCount(book.dates, h.lastAskedSession, h.askAgainAfter));
    await snapshot(deps, h, session, start, book, { paper: paperFig, live: null }, review, demo);
    out.reviewed.push(reviewed(h, start, sessions, { paper: paperFig, live: null }, review.verdict));
    if (review.verdict === 'RETIRE') {
      const moved = await deps.store.transition(h.id, h.version, { kind: 'paper_retired' }, {
        actor: SESSION_REVIEW_ACTOR,
        session,
        figures: { session, bookFrom: start.from, sessions, reason: review.reason, check: review.check, figures: paperFig, checks: review.checks },
        extras: { retiredReason: review.reason },
      });
      if (moved.ok) {
        out.retired.push({
          id: h.id,
          version: moved.hypothesis.version,
          reason: review.reason,
          check: review.check,
          sessions,
          figures: paperFig,
          transitionId: moved.transitionId,
        });
      } else out.refused.push({ id: h.id, event: 'paper_retired', reason: moved.reason });
    } else if (review.verdict === 'PROMOTION_CANDIDATE' && review.ask) {
      out.promotionCandidates.push({
        id: h.id,
        version: h.version,
        sessions,
        figures: paperFig,
        checks: review.checks,
        nextAskAtSession: review.nextAskAtSession,
        params: h.params,
        evaluation: h.evaluation,
      });
    }
    return;
  }

  const liveFig = liveFigures(book, HYPOTHESIS_MAX_OPEN * equity);
  const review = liveReview(liveFig);
  await snapshot(deps, h, session, start, book, { paper: paperFig, live: liveFig }, review, demo);
  out.reviewed.push(reviewed(h, start, sessions, { paper: paperFig, live: liveFig }, review.verdict));
  if (review.verdict === 'DEMOTE') {
    const moved = await deps.store.transition(h.id, h.version, { kind: 'demote' }, {
      actor: SESSION_REVIEW_ACTOR,
      session,
      // `session` here also dates the new PAPER period for a later promotion's book (session-review-from.ts).
      figures: { session, bookFrom: start.from, sessions, reasons: review.reasons, checks: review.checks, figures: liveFig },
    });
    if (moved.ok) {
      out.demoted.push({
        id: h.id,
        version: moved.hypothesis.version,
        reasons: review.reasons,
        checks: review.checks,
        sessions,
        figures: liveFig,
        transitionId: moved.transitionId,
      });
    } else out.refused.push({ id: h.id, event: 'demote', reason: moved.reason });
  }
}

function reviewed(
  h: StoredHypothesis,
  start: { from: string; source: BookFromSource },
  sessions: number,
  figures: ReviewedHypothesis['figures'],
  verdict: ReviewedHypothesis['verdict'],
): ReviewedHypothesis {
  return { id: h.id, state: h.state as 'PAPER' | 'LIVE', version: h.version, bookFrom: start.from, bookFromSource: start.source, sessions, figures, verdict };
}

async function snapshot(
  deps: SessionReviewDeps,
  h: StoredHypothesis,
  session: string,
  start: { from: string; source: BookFromSource },
  book: ShadowBook,
  figures: ReviewedHypothesis['figures'],
  review: PaperReview | LiveReview,
  demo: boolean,
): Promise<void> {
  await deps.books.upsert({
    hypothesisId: h.id,
    session,
    state: h.state as 'PAPER' | 'LIVE',
    version: h.version,
    bookFrom: start.from,
    bookFromSource: start.source,
    sessions: book.dates.length,
    startEquity: book.startEquity,
    figures,
    review,
    equity: { dates: book.dates, values: book.equity },
    trades: summariseTrades(book),
    closedR: closedR(book),
    demo,
  });
}
