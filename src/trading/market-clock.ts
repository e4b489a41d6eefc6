import { nextSession, nyLocalParts, previousSession, sessionAt, sessionInfo } from '../engine/calendar/index.js';

/** The latest session whose close has passed at `nowMs`: the newest bar a daily scan can use. */
export function lastCompletedSession(nowMs: number): string {
  const at = sessionAt(nowMs);
  if (at && at.phase === 'closed') return at.session.date;
  return previousSession(nyLocalParts(nowMs).date);
}

/**
 * When a pick made at `nowMs` stops being approvable: `ttlMs` later, but never
 * past the close of the session it was made for (today's session while it is
 * open or about to open; otherwise the next one).
 */
export function pickExpiry(nowMs: number, ttlMs: number): Date {
  const at = sessionAt(nowMs);
  const session = at && at.phase !== 'closed' ? at.session : sessionInfo(nextSession(nyLocalParts(nowMs).date));
  const close = session?.close ?? Number.POSITIVE_INFINITY;
  return new Date(Math.min(nowMs + ttlMs, close));
}
