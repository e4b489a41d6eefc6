import { PAPER_RULES } from '../../engine/hypotheses/rules.js';

/**
 * The `lastAskedSession` argument of paperReview (a count of sessions in
 * PAPER) from the stored columns:
 *
 * - `last_asked_session` (a date: the session the Promote card was sent) →
 *   the number of book sessions up to and including that date; paperReview
 *   then asks again `askAgainAfterSessions` (10) sessions later, so a card
 *   left unanswered is re-sent at most every 10 sessions;
 * - `ask_again_after` (written on Keep: the session count from which to ask
 *   again) → that count − askAgainAfterSessions, so paperReview's
 *   `nextAskAtSession` lands exactly on it.
 *
 * The later of the two wins; null when neither is set (never asked: ask now).
 * Both columns are reset when a hypothesis (re-)enters PAPER.
 *
 * @param bookDates the book's sessions, ascending
 */
export function lastAskedSessionCount(
  bookDates: readonly string[],
  lastAskedSession: string | null,
  askAgainAfter: number | null,
): number | null {
  let out: number | null = null;
  if (lastAskedSession !== null) out = countUpTo(bookDates, lastAskedSession);
  if (askAgainAfter !== null) {
    const implied = askAgainAfter - PAPER_RULES.askAgainAfterSessions;
    out = out === null ? implied : Math.max(out, implied);
  }
  return out;
}

/** How many of the ascending `dates` are ≤ `date` (binary search). */
function countUpTo(dates: readonly string[], date: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid]! <= date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
