/**
 * When a market's rule exits may be sent, which day they belong to, and when a
 * time stop is due — per market, so a KR position is judged on KRX's clock and
 * never on New York's. Pure: the instant is handed in.
 */
import { XKRX_CALENDAR } from '../calendar/exchange.js';
import type { ExchangeSession } from '../calendar/exchange-session.js';
import { nyLocalParts } from '../calendar/index.js';
import type { Market } from '../market/markets.js';
import { inTimeStopWindow, isMarketOpen } from './decide.js';

/**
 * KRX's closing single-price auction (동시호가): the last 10 minutes of a
 * session (15:20–15:30 on a regular day, 16:20–16:30 on a CSAT day). KRX takes
 * no IOC order then (KIS answers APBK3013; the KIS adapter refuses locally), so
 * an exit is not sent then: it is "not now", not a failure.
 */
export const KRX_CLOSING_AUCTION_MINUTES = 10;

/** Why no exit may be sent now: the market is closed, or KRX is in its closing auction. */
export type ExitPause = 'closed' | 'closing_auction';

export interface ExitSession {
  /** The market's trading day of the instant (`YYYY-MM-DD`, its own zone): the exit orders' budget date. */
  today: string;
  /** Null when an IOC exit may be sent now; else why not. */
  paused: ExitPause | null;
  /**
   * True inside the time-stop window: `leadMinutes` before the last instant an
   * IOC sell can trade — the NYSE close, or on KRX the start of the closing
   * auction (a time stop must sell while KRX still takes IOC orders).
   */
  inTimeStopWindow: boolean;
}

/** The exit view of `instantMs` on `market`'s sessions. */
export function exitSessionAt(market: Market, instantMs: number, leadMinutes: number): ExitSession {
  if (market === 'US') {
    // NYSE exactly as before markets existed (the rule calendar's sessions, New York's date).
    return { today: nyLocalParts(instantMs).date, paused: isMarketOpen(instantMs) ? null : 'closed', inTimeStopWindow: inTimeStopWindow(instantMs, leadMinutes) };
  }
  const today = XKRX_CALENDAR.dateOf(instantMs);
  const s = krxSession(today);
  if (s === null || !inContinuousHours(s, instantMs)) return { today, paused: 'closed', inTimeStopWindow: false };
  const auction = s.close - KRX_CLOSING_AUCTION_MINUTES * 60_000;
  if (instantMs >= auction) return { today, paused: 'closing_auction', inTimeStopWindow: false };
  return { today, paused: null, inTimeStopWindow: instantMs >= auction - leadMinutes * 60_000 };
}

/** The market's trading day of an instant: New York's date for US (as exits always dated it), Seoul's for KR. */
export function exitDayOf(market: Market, instantMs: number): string {
  return market === 'US' ? nyLocalParts(instantMs).date : XKRX_CALENDAR.dateOf(instantMs);
}

function inContinuousHours(s: ExchangeSession, ms: number): boolean {
  if (ms < s.open || ms >= s.close) return false;
  return s.break === null || ms < s.break.start || ms >= s.break.end;
}

/** The KRX session on `date`; null on a non-session day and outside the calendar's years (it throws RangeError there). */
function krxSession(date: string): ExchangeSession | null {
  try {
    return XKRX_CALENDAR.sessionInfo(date);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}
