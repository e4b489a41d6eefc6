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
 * Our books (positions, orders, equity marks) hold one market today, US
 * equities, whatever broker trades them; when a second market's books arrive
 * (the Korean market), its source selects them by broker name here.
 */
export function pnlSessionBook(db: SqlSession): SessionBookSource {
  return async (_broker, now) => {
    const pnl = await loadPnl(db, 'day', now);
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
