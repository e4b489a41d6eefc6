/**
 * The daily review of a LIVE hypothesis's shadow book (DESIGN section 9):
 * demote to PAPER on its own (it reduces risk) or keep. Measured on the
 * shadow book, not on approved trades alone (a biased sample).
 */
import { check, type Check } from './checks.js';
import { LIVE_RULES as R } from './rules.js';

/** The shadow book's figures for the live review. */
export interface LiveFigures {
  /** Annualised Sharpe over the last 60 sessions; null = not computable. */
  rollingSharpe: number | null;
  /** Trades closed in those 60 sessions. */
  rollingTrades: number;
  /** Current peak-to-trough drawdown of the shadow book, in the market's currency (positive). */
  drawdown: number;
  /** The hypothesis's allocation cap (40 % of equity, DESIGN section 10), same currency. */
  allocationCap: number;
  /** Losing closed trades in a row, most recent last. */
  lossStreak: number;
}

export type LiveDemotion = 'rolling_sharpe_too_low' | 'drawdown_over_cap_share' | 'loss_streak';

interface LiveReviewBase {
  figures: LiveFigures;
  checks: Check<LiveDemotion>[];
  /** False when the rolling window has fewer than 10 trades or no Sharpe: the Sharpe rule then passes by default. */
  sharpeRuleApplies: boolean;
}

export type LiveReview =
  | (LiveReviewBase & { verdict: 'DEMOTE'; reasons: LiveDemotion[] })
  | (LiveReviewBase & { verdict: 'KEEP' });

/**
 * The verdict with every rule checked. The Sharpe rule only counts with at
 * least 10 rolling trades (fewer is noise), and a missing Sharpe demotes
 * nothing; `sharpeRuleApplies` says which.
 */
export function liveReview(figures: LiveFigures): LiveReview {
  const enoughTrades = figures.rollingTrades >= R.minRollingTrades;
  const sharpeCheck = check<LiveDemotion>('rolling_sharpe_too_low', figures.rollingSharpe, '>=', R.minRollingSharpe);
  const sharpeRuleApplies = enoughTrades && sharpeCheck.actual !== null;
  const sharpe: Check<LiveDemotion> = sharpeRuleApplies ? sharpeCheck : { ...sharpeCheck, pass: true };
  // A cap of 0 (or less) makes any drawdown an unbounded share of it: that is a breach, the safe side.
  const share =
    figures.allocationCap > 0 ? figures.drawdown / figures.allocationCap : figures.drawdown > 0 ? Infinity : 0;
  const checks: Check<LiveDemotion>[] = [
    sharpe,
    check('drawdown_over_cap_share', share, '<=', R.maxDrawdownOfCap),
    check('loss_streak', figures.lossStreak, '<', R.maxLossStreak),
  ];
  const reasons = checks.filter((c) => !c.pass).map((c) => c.rule);
  const base: LiveReviewBase = { figures, checks, sharpeRuleApplies };
  return reasons.length === 0 ? { ...base, verdict: 'KEEP' } : { ...base, verdict: 'DEMOTE', reasons };
}
