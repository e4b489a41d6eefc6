/**
 * Trading weeks on the NYSE calendar (pure): a week runs Monday to Sunday, New York dates, and
 * its sessions are the exchange's sessions in it. The weekly review runs after the week's last
 * session: Friday, or Thursday before a Good Friday, or earlier when more days are closed; a week
 * without any session has no review.
 */
import { sessionsBetween } from '../calendar/index.js';

const MS_PER_DAY = 86_400_000;

function shift(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The Monday (`YYYY-MM-DD`) of the Monday-to-Sunday week holding `date`. */
export function weekMonday(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // getUTCDay: 0 = Sunday … 6 = Saturday; Monday is 0 days back, Sunday 6.
  const back = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return shift(date, -back);
}

/** The sessions of the week holding `date`, Monday first; empty for a week without a session. */
export function weekSessions(date: string): string[] {
  const monday = weekMonday(date);
  return sessionsBetween(monday, shift(monday, 6));
}

/** The last session of the week holding `date`, or null when that week has none. */
export function lastSessionOfWeek(date: string): string | null {
  const sessions = weekSessions(date);
  return sessions[sessions.length - 1] ?? null;
}

/** True when `date` is a session and no later session falls in its week. */
export function isLastSessionOfWeek(date: string): boolean {
  return lastSessionOfWeek(date) === date;
}
