/**
 * Where an exchange stands at an instant, as /status tells it per market: in
 * session (and when it closes) or not (and the next session's open and close),
 * and the last session whose close has passed (the bar a store should hold by
 * now). Any {@link ExchangeCalendar} works, so a calendar with its run-time
 * overrides applied answers for a closed or late-opened day. The caller passes
 * the instant (the engine reads no clock).
 */
import type { ExchangeCalendar, ExchangeSession } from '../calendar/exchange.js';

/** The next session when the exchange is not trading now. */
export interface NextSession {
  date: string;
  opensAt: number;
  closesAt: number;
  /** Opens after the regular time (KRX CSAT days, a run-time late open). */
  lateOpen: boolean;
  /** Closes before the regular time (NYSE half days). */
  earlyClose: boolean;
}

/** Open now, or closed with the next session (null beyond the calendar's years). */
export type SessionNow = { open: true; date: string; closesAt: number; earlyClose: boolean } | { open: false; next: NextSession | null };

/** The session on `date`; null on a closed day and outside the calendar's years (where it throws RangeError). */
function sessionOn(calendar: ExchangeCalendar, date: string): ExchangeSession | null {
  try {
    return calendar.sessionInfo(date);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

/** `step(date)` (the calendar's next or previous session), null when it runs off the calendar's years. */
function walk(step: (date: string) => string, date: string): string | null {
  try {
    return step(date);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

function nextOf(s: ExchangeSession, opensAt = s.open): NextSession {
  return { date: s.date, opensAt, closesAt: s.close, lateOpen: s.lateOpen, earlyClose: s.earlyClose };
}

/**
 * The exchange at `nowMs`: open from the open to the close of its local day,
 * outside a midday break (KRX until 2000, when the break's end is the next open).
 */
export function sessionNow(calendar: ExchangeCalendar, nowMs: number): SessionNow {
  const today = calendar.dateOf(nowMs);
  const s = sessionOn(calendar, today);
  if (s !== null && nowMs >= s.open && nowMs < s.close) {
    if (s.break !== null && nowMs >= s.break.start && nowMs < s.break.end) return { open: false, next: nextOf(s, s.break.end) };
    return { open: true, date: s.date, closesAt: s.close, earlyClose: s.earlyClose };
  }
  if (s !== null && nowMs < s.open) return { open: false, next: nextOf(s) };
  const date = walk((d) => calendar.nextSession(d), today);
  const next = date === null ? null : sessionOn(calendar, date);
  return { open: false, next: next === null ? null : nextOf(next) };
}

/** The latest session whose close has passed at `nowMs`; null outside the calendar's years. */
export function lastClosedSession(calendar: ExchangeCalendar, nowMs: number): string | null {
  const today = calendar.dateOf(nowMs);
  const s = sessionOn(calendar, today);
  if (s !== null && nowMs >= s.close) return today;
  return walk((d) => calendar.previousSession(d), today);
}
