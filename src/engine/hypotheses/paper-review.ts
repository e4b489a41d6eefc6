/**
 * The daily review of a PAPER hypothesis's shadow book (DESIGN section 9):
 * promotion candidate (ask the admins, or wait for the Keep interval),
 * retirement, or stay. Pure data with the checks behind it.
 */
import { check, type Check } from './checks.js';
import { PAPER_RULES as R } from './rules.js';

/** The shadow book's figures since the hypothesis entered PAPER. */
export interface PaperFigures {
  closedTrades: number;
  /** Annualised Sharpe of the shadow book's daily equity; null = not computable yet. */
  sharpe: number | null;
  /** Maximum drawdown as a positive fraction. */
  maxDrawdown: number | null;
  profitFactor: number | null;
}

/** The qualification rules; a hypothesis qualifies when all pass. */
export type PaperQualificationRule =
  | 'too_few_sessions'
  | 'too_few_trades'
  | 'sharpe_too_low'
  | 'drawdown_too_deep'
  | 'profit_factor_too_low';

/** Why a PAPER hypothesis is retired by the rules. */
export type PaperRetirement = 'paper_drawdown_over_limit' | 'not_qualified_within_sessions';

interface PaperReviewBase {
  figures: PaperFigures;
  sessions: number;
  lastAskedSession: number | null;
  /** The qualification checks, every time (the card and /hypothesis show them). */
  checks: Check<PaperQualificationRule>[];
  qualifies: boolean;
}

export type PaperReview =
  | (PaperReviewBase & {
      verdict: 'PROMOTION_CANDIDATE';
      /** Send admins the Promote / Keep card this session. */
      ask: boolean;
      /** The session count at which it may be asked again (after a Keep). */
      nextAskAtSession: number;
    })
  | (PaperReviewBase & { verdict: 'RETIRE'; reason: PaperRetirement; check: Check<PaperRetirement> })
  | (PaperReviewBase & { verdict: 'STAY' });

/**
 * Review after `sessions` sessions in PAPER.
 *
 * Order matters: a drawdown beyond 15 % retires at once; a qualifying
 * hypothesis is never retired by the 90-session rule (it waits for a person);
 * otherwise the 90-session rule applies from session 90 on.
 *
 * @param lastAskedSession the session count when admins were last sent the card (null = never)
 */
export function paperReview(
  figures: PaperFigures,
  sessions: number,
  lastAskedSession: number | null,
): PaperReview {
  const checks: Check<PaperQualificationRule>[] = [
    check('too_few_sessions', sessions, '>=', R.minSessions),
    check('too_few_trades', figures.closedTrades, '>=', R.minClosedTrades),
    check('sharpe_too_low', figures.sharpe, '>=', R.minSharpe),
    check('drawdown_too_deep', figures.maxDrawdown, '<=', R.maxDrawdown),
    check('profit_factor_too_low', figures.profitFactor, '>=', R.minProfitFactor),
  ];
  const qualifies = checks.every((c) => c.pass);
  const base: PaperReviewBase = { figures, sessions, lastAskedSession, checks, qualifies };

  // A missing drawdown is "no book yet", not a breach: only a measured one retires.
  const dd = figures.maxDrawdown;
  if (dd !== null && !Number.isNaN(dd) && dd > R.retireAtDrawdown) {
    const c = check<PaperRetirement>('paper_drawdown_over_limit', dd, '<=', R.retireAtDrawdown);
    return { ...base, verdict: 'RETIRE', reason: 'paper_drawdown_over_limit', check: c };
  }
  if (qualifies) {
    const nextAskAtSession = lastAskedSession === null ? sessions : lastAskedSession + R.askAgainAfterSessions;
    return { ...base, verdict: 'PROMOTION_CANDIDATE', ask: sessions >= nextAskAtSession, nextAskAtSession };
  }
  if (sessions >= R.retireAfterSessions) {
    const c = check<PaperRetirement>('not_qualified_within_sessions', sessions, '<', R.retireAfterSessions);
    return { ...base, verdict: 'RETIRE', reason: 'not_qualified_within_sessions', check: c };
  }
  return { ...base, verdict: 'STAY' };
}
