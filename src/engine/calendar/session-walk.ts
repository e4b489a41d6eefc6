/**
 * The session queries every exchange calendar answers the same way, given
 * one function: the session held on a day number (or null). NYSE and KRX
 * differ only in how a year's sessions are built, never in how they are
 * walked, so both calendars get their queries from here.
 */
import { formatDay, parseDay } from './days.js';

/** Date queries over one exchange's sessions. Every one throws RangeError on a malformed date or an answer outside 2000–2050. */
export interface SessionWalk<I extends { readonly date: string }> {
  /** True when the exchange holds a session on `date`. */
  isSession(date: string): boolean;
  /** The session on `date`, or null when closed. Returned objects are frozen and shared. */
  sessionInfo(date: string): I | null;
  /** The first session date strictly after `date` (which need not be a session). */
  nextSession(date: string): string;
  /** The last session date strictly before `date` (which need not be a session). */
  previousSession(date: string): string;
  /** Session dates from `from` to `to`, both inclusive, in order; empty when `from > to`. */
  sessionsBetween(from: string, to: string): string[];
}

/** The queries over `infoForDay` (day numbers as src/engine/calendar/days.ts counts them). */
export function sessionWalk<I extends { readonly date: string }>(infoForDay: (day: number) => I | null): SessionWalk<I> {
  return {
    isSession: (date) => infoForDay(parseDay(date)) !== null,
    sessionInfo: (date) => infoForDay(parseDay(date)),
    nextSession(date) {
      let day = parseDay(date) + 1;
      while (infoForDay(day) === null) day++;
      return formatDay(day);
    },
    previousSession(date) {
      let day = parseDay(date) - 1;
      while (infoForDay(day) === null) day--;
      return formatDay(day);
    },
    sessionsBetween(from, to) {
      const last = parseDay(to);
      const out: string[] = [];
      for (let day = parseDay(from); day <= last; day++) {
        const info = infoForDay(day);
        if (info !== null) out.push(info.date);
      }
      return out;
    },
  };
}
