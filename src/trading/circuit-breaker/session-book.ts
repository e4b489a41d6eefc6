import type { SqlSession } from '../../adapters/db/port.js';
import { periodRange } from '../portfolio/period.js';
import { loadPnl } from '../portfolio/pnl.js';
import type { MarketPnl } from '../portfolio/types.js';
import { isKrBroker } from './kr-broker.js';

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
 * Per market, in its own currency, never mixed: a US broker's book is the US
 * one in dollars on the New York session day; a Korean broker's (KIS, or the
 * KR paper book) is /pnl's KR book in won on the Seoul session day, its equity
 * from the KR `equity_marks` (market, date). A KR book with nothing to report
 * (no trade, position or mark) has no equity: "nothing to measure against".
 */
export function pnlSessionBook(db: SqlSession): SessionBookSource {
  return async (broker, now) => {
    const pnl = await loadPnl(db, 'day', now);
    if (isKrBroker(broker)) {
      const kr = pnl.markets?.find((m) => m.market === 'KR');
      if (kr === undefined) return { sessionDate: periodRange('day', now, 'KR').to, currency: 'KRW', realized: 0, unrealized: 0, unpriced: 0, equity: null };
      return bookOf(kr, 'KRW');
    }
    return bookOf(pnl, 'USD');
  };
}

/** The session figures of one market's /pnl day. */
function bookOf(p: Pick<MarketPnl, 'range' | 'realized' | 'unrealized' | 'equity'>, currency: 'USD' | 'KRW'): SessionBook {
  const first = p.equity.points[0];
  return {
    sessionDate: p.range.to,
    currency,
    realized: p.realized.total,
    unrealized: p.unrealized.total,
    unpriced: p.unrealized.unpriced,
    equity: first ? { value: first.equity, asOf: first.date } : null,
  };
}
