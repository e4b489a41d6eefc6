import type { PreflightCheck } from '../types.js';

/** Fewer sessions than this in a year means the year's table is missing or broken (NYSE has ~250). */
const MIN_SESSIONS_PER_YEAR = 240;
const HORIZON_DAYS = 365;

export interface CalendarCheckDeps {
  market: string;
  /** The exchange's name for messages (`NYSE`). */
  exchange: string;
  now: () => number;
  /** Today's date in the exchange's time zone, YYYY-MM-DD. */
  today: (nowMs: number) => string;
  /** Every session date of a year; throws when the calendar does not cover the year. */
  sessionsOf: (year: number) => readonly string[];
  /** Where the calendar is maintained, for the fix. */
  source: string;
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The market's calendar covers today and the next 365 days: every year in
 * that window is asked for its sessions (a year the calendar does not hold
 * throws or comes back nearly empty). The last covered year is the one
 * before the first missing one.
 */
export function calendarCheck(d: CalendarCheckDeps): PreflightCheck {
  return {
    id: `calendar.${d.market}`,
    title: `Calendar (${d.market})`,
    market: d.market,
    run: async () => {
      const today = d.today(d.now());
      const until = addDays(today, HORIZON_DAYS);
      const from = Number(today.slice(0, 4));
      const to = Number(until.slice(0, 4));
      for (let y = from; y <= to; y++) {
        let n: number;
        try {
          n = d.sessionsOf(y).length;
        } catch {
          n = 0;
        }
        if (n < MIN_SESSIONS_PER_YEAR) {
          const covered = y > from ? `covers through ${y - 1}-12-31` : `does not cover ${y}`;
          return {
            level: 'fail',
            saw: `today ${today}; the next ${HORIZON_DAYS} days need ${until}, but the ${d.exchange} calendar ${covered} (${y} missing${n > 0 ? `: only ${n} sessions` : ''})`,
            fix: `Add the ${d.exchange} holidays and early closes for ${y} (${d.source}) and deploy the new build; until then sessions after ${y - 1} are unknown.`,
          };
        }
      }
      return { level: 'pass', saw: `covers today ${today} through ${until} (${d.exchange})` };
    },
  };
}
