import type { SqlSession } from '../../adapters/db/port.js';
import { loadPnl } from '../portfolio/pnl.js';

/** A market's session as the loss check reads it: the figures /pnl shows for the day. */
export interface SessionBook {
  /** The market's current session (`YYYY-MM-DD`). */
  sessionDate: string;
  currency: string;
  /** P&L booked in the session. */
  realized: number;
  /** P&L now over the open positions (priced ones). */
  unrealized: number;
  /** Open positions without any price (left out of `unrealized`). */
  unpriced: number;
  /** The equity the session is measured from, and the session of that point; null when nothing was ever marked. */
  equity: { value: number; asOf: string } | null;
}

/** Reads one market's session book at `now` (the market is keyed by its broker's name). */
export type SessionBookSource = (broker: string, now: Date) => Promise<SessionBook>;

/**
 * The session book of /pnl's "day": the same realized, unrealized and equity
 * figures the trader reads there (src/trading/portfolio/pnl.ts), never a
 * second computation of them. Equity is the day's first equity point — the
 * previous session's mark (the equity the session started from), or, when
 * that session was never marked, the session's own point.
 *
 * The figures are the US book's, in dollars. A Korean broker's session (KIS,
 * or the KR paper book) is not judged yet: its book has no session P&L of its
 * own here, and judging it with the dollar figures (or adding won to them)
 * would trip or blind the breaker for the wrong reason. Its equity is null,
 * which the breaker reads as "nothing to measure against".
 */
export function pnlSessionBook(db: SqlSession): SessionBookSource {
  return async (broker, now) => {
    const pnl = await loadPnl(db, 'day', now);
    if (isKrBroker(broker)) return { sessionDate: pnl.range.to, currency: 'KRW', realized: 0, unrealized: 0, unpriced: 0, equity: null };
    const first = pnl.equity.points[0];
    return {
      sessionDate: pnl.range.to,
      currency: 'USD',
      realized: pnl.realized.total,
      unrealized: pnl.unrealized.total,
      unpriced: pnl.unrealized.unpriced,
      equity: first ? { value: first.equity, asOf: first.date } : null,
    };
  };
}

/** The brokers that serve KRX: KIS (virtual or live) and the KR paper book. */
function isKrBroker(name: string): boolean {
  return name.startsWith('kis-') || name === 'paper-kr';
}
