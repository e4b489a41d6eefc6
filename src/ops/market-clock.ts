import { nyLocalParts, previousSession, sessionAt } from '../engine/calendar/index.js';

/** The latest session whose close has passed at `nowMs`: the newest bar a daily scan can use. */
export function lastCompletedSession(nowMs: number): string {
  const at = sessionAt(nowMs);
  if (at && at.phase === 'closed') return at.session.date;
  return previousSession(nyLocalParts(nowMs).date);
}
