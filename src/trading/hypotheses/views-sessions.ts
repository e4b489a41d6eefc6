/**
 * Which session a chat action belongs to, and when the generator next runs,
 * per market. Only the NYSE calendar exists today: KR uses it too until the
 * Korean market issue brings the KRX calendar (then this file maps KR to it).
 */
import type { MarketId } from '../../engine/hypotheses/definition.js';
import { isSession, nextSession, nyLocalParts, previousSession, sessionAt, sessionInfo } from '../../engine/calendar/index.js';

/** The session a state change at `nowMs` is filed under: today's when today is a session, else the last one before it. */
export function sessionOnOrBefore(_market: MarketId, nowMs: number): string {
  const today = nyLocalParts(nowMs).date;
  return isSession(today) ? today : previousSession(today);
}

/**
 * When the generator of `market` next runs: it runs once per session after
 * that session's close, so the close of today's session when it has not
 * closed yet, else the next session's close. Null beyond the calendar.
 */
export function nextGeneratorRunAfter(_market: MarketId, nowMs: number): Date | null {
  const at = sessionAt(nowMs);
  if (at && at.phase !== 'closed') return new Date(at.session.close);
  try {
    const next = sessionInfo(nextSession(nyLocalParts(nowMs).date));
    return next ? new Date(next.close) : null;
  } catch {
    return null;
  }
}
