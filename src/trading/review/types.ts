import type { DriftStatus } from '../risk/drift-status.js';
import type { ReviewMarket } from './market.js';

/**
 * The weekly review's data (issue 21, part 4): what one market's week signalled, posted, approved,
 * skipped, expired and filled; what closed and how it did per strategy and hypothesis; slippage;
 * gate refusals and kill-switch events; and what the drift tests say. Every total is the sum of its
 * listed parts (counts as integers, money in whole cents), so the message recomputes.
 */

/** One count under a name (a source, a reason, a gate). */
export interface CountBy {
  key: string;
  count: number;
}

/** Scan decisions of the week's sessions (the `decisions` journal). */
export interface SignalCounts {
  /** = Σ bySource. */
  total: number;
  bySource: CountBy[];
}

/** Card decisions: posted, or not posted and why (`duplicate`, `top_n_cut`, `no_size`). */
export interface CardCounts {
  /** = posted + Σ notPostedBy. */
  total: number;
  posted: number;
  notPostedBy: CountBy[];
}

/** What became of the cards posted this week. */
export interface PostedOutcomes {
  /** = approved + rejected + expired + undecided (= cards posted). */
  total: number;
  approved: number;
  rejected: number;
  /** Audit `pick.expired`: nobody decided before the card ran out. */
  expired: number;
  /** Still waiting when the review was built. */
  undecided: number;
}

/** The approved cards' orders, by approval state. */
export interface ApprovalOutcomes {
  /** = filled + partiallyFilled + notFilled + refused + failed + open (= approved). */
  total: number;
  filled: number;
  partiallyFilled: number;
  notFilled: number;
  /** Refused by a gate before the broker; = Σ refusedBy. */
  refused: number;
  refusedBy: CountBy[];
  failed: number;
  /** Approved or executing still. */
  open: number;
}

/** Closed trades of one strategy or hypothesis in the week. */
export interface OutcomeGroup {
  kind: 'strategy' | 'hypothesis';
  /** `donchian`, `turtle_soup`, or `hyp:<id>`. */
  source: string;
  /** Closing orders with a realized P&L. */
  trades: number;
  wins: number;
  /** Realized P&L in dollars, whole cents (= Σ of its trades' cents). */
  realizedPnl: number;
  /** Trades whose R is known (their card's entry and stop were found). */
  withR: number;
  /** Σ R of those trades, two decimals each. */
  sumR: number;
  /** sumR / withR, or null without any. */
  meanR: number | null;
  /** The expected R per trade and where it comes from; null: no expectation stored. */
  expectation: { meanR: number; from: string } | null;
}

/** One session of the week: realized P&L filed under it (the chart's bars) and the signals its scans found. */
export interface DailyRealized {
  date: string;
  trades: number;
  realizedPnl: number;
  /** Signal rows of the session (Σ over the week = signals.total). */
  signals: number;
}

/** Entry fills against their card's entry, in basis points (positive = paid more than the card). */
export interface SlippageFigures {
  /** One per filled entry order, ascending, one decimal each. */
  bps: number[];
  /** Median of `bps` (as listed), or null without fills. */
  medianBps: number | null;
}

/** One kill-switch event (audit `killswitch.engaged` / `killswitch.resumed`). */
export interface KillEvent {
  action: 'engaged' | 'resumed';
  /** ISO instant. */
  at: string;
  by: string | null;
  reason: string | null;
}

/** The drift tests, or why they could not be read (the review goes out either way). */
export type DriftPart = { ok: true; status: DriftStatus } | { ok: false; error: string };

export interface WeeklyReview {
  market: ReviewMarket;
  /** Monday of the week (New York). */
  weekStart: string;
  /** The week's last session: the review's date. */
  sessionDate: string;
  /** The week's sessions, Monday first. */
  sessions: string[];
  signals: SignalCounts;
  cards: CardCounts;
  posted: PostedOutcomes;
  approvals: ApprovalOutcomes;
  outcomes: {
    groups: OutcomeGroup[];
    /** = Σ groups.trades = Σ daily.trades. */
    trades: number;
    /** = Σ groups.realizedPnl = Σ daily.realizedPnl. */
    realizedPnl: number;
  };
  daily: DailyRealized[];
  slippage: SlippageFigures;
  kills: KillEvent[];
  drift: DriftPart;
  /** The bars store holds synthetic data (a DEMO install). */
  demo: boolean;
  /** When it was built (ISO). */
  builtAt: string;
}
