/**
 * Trading weeks on an exchange calendar (pure; NYSE unless another is given): a week runs Monday
 * to Sunday in exchange-local dates, and its sessions are the exchange's sessions in it. The
 * weekly review runs after the week's last session: Friday, or Thursday before a Good Friday (NYSE)
 * or a KRX holiday, or earlier when more days are closed; a week without any session has no review.
 */
import { XNYS_CALENDAR, type ExchangeCalendar } from '../calendar/exchange.js';

/** The part of a calendar the weeks need. */
type WeekCalendar = Pick<ExchangeCalendar, 'sessionsBetween'>;

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
export function weekSessions(date: string, calendar: WeekCalendar = XNYS_CALENDAR): string[] {
  const monday = weekMonday(date);
  return calendar.sessionsBetween(monday, shift(monday, 6));
}

/** The last session of the week holding `date`, or null when that week has none. */
export function lastSessionOfWeek(date: string, calendar: WeekCalendar = XNYS_CALENDAR): string | null {
  const sessions = weekSessions(date, calendar);
  return sessions[sessions.length - 1] ?? null;
}

/** True when `date` is a session and no later session falls in its week. */
export function isLastSessionOfWeek(date: string, calendar: WeekCalendar = XNYS_CALENDAR): boolean {
  return lastSessionOfWeek(date, calendar) === date;
}
