/**
 * Run-time calendar overrides: an exchange closes on a day its rules call a
 * session (mourning, weather, a system failure) or opens late (a CSAT-like
 * decision announced days before). They live in Postgres (`calendar_overrides`)
 * so the scheduler and the order gate honour them without a release; this file
 * only applies a list of them to a rule calendar, purely.
 *
 * Pure: no I/O, no clock. Times are exchange-local `HH:MM`.
 */
import type { ExchangeCalendar, ExchangeId, ExchangeSession } from './exchange.js';
import type { MarketHoliday } from './types.js';

/** What an override does to its day. */
export type CalendarOverrideKind = 'close' | 'late_open';

/** One run-time change to an exchange's rule calendar. */
export interface CalendarOverride {
  readonly exchange: ExchangeId;
  /** Exchange-local `YYYY-MM-DD`; a session by the rules. */
  readonly date: string;
  readonly kind: CalendarOverrideKind;
  /** Exchange-local `HH:MM` of the late open; null for a close. */
  readonly openTime: string | null;
  /** Why (required; shown where the day is listed). */
  readonly reason: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes since local midnight of `HH:MM`, or null when it is not a valid 24-hour time. */
export function minutesOfDay(hhmm: string): number | null {
  const m = TIME.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** `HH:MM` local of an instant, read from the calendar's ISO rendering (which carries the offset). */
function localHhmm(calendar: ExchangeCalendar, instantMs: number): string {
  return calendar.formatIso(instantMs).slice(11, 16);
}

/** True for a real `YYYY-MM-DD` inside the calendar's years. */
function inCalendar(calendar: ExchangeCalendar, date: string): boolean {
  if (!DATE.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) return false;
  const year = d.getUTCFullYear();
  return year >= calendar.firstYear && year <= calendar.lastYear;
}

/**
 * The session of a late open: the rule session with its open moved to `openTime`.
 * Sessions never contain a DST change (they are daytime), so the local minutes
 * between the rule open and the new one are real minutes.
 */
function lateOpened(calendar: ExchangeCalendar, s: ExchangeSession, openTime: string): ExchangeSession | null {
  const want = minutesOfDay(openTime);
  const rule = minutesOfDay(localHhmm(calendar, s.open));
  if (want === null || rule === null) return null;
  let open = s.open + (want - rule) * 60_000;
  if (open <= s.open || open >= s.close) return null;
  // A midday break (KRX until 2000) that the late open reaches is gone: trading starts after it.
  let brk = s.break;
  if (brk !== null && open >= brk.start) {
    open = Math.max(open, brk.end);
    brk = null;
  }
  return Object.freeze({ ...s, open, lateOpen: true, break: brk });
}

/**
 * What is wrong with an override against the rule calendar, as a sentence that
 * says the fix; null when it can be applied. A close must fall on a rule
 * session; a late open must name a time after the rule open and before the close.
 */
export function overrideProblem(calendar: ExchangeCalendar, o: Omit<CalendarOverride, 'exchange'> & { exchange?: ExchangeId }): string | null {
  if (o.exchange !== undefined && o.exchange !== calendar.id) return `the override is for ${o.exchange}, not ${calendar.id}`;
  if (!inCalendar(calendar, o.date)) {
    return `${JSON.stringify(o.date)} is not a date YYYY-MM-DD in ${calendar.firstYear}–${calendar.lastYear}`;
  }
  if (o.reason.trim() === '') return 'a reason is required: say why the day differs from the rules';
  const s = calendar.sessionInfo(o.date);
  if (s === null) {
    return `${o.date} is not a ${calendar.id} session by the rules (weekend or holiday): there is nothing to ${o.kind === 'close' ? 'close' : 'open late'}`;
  }
  if (o.kind === 'close') {
    if (o.openTime !== null) return 'a close takes no open time';
    return null;
  }
  if (o.openTime === null || minutesOfDay(o.openTime) === null) {
    return `a late open needs its local open time as HH:MM (24-hour), got ${JSON.stringify(o.openTime)}`;
  }
  const ruleOpen = localHhmm(calendar, s.open);
  const close = localHhmm(calendar, s.close);
  const at = minutesOfDay(o.openTime)!;
  if (at >= minutesOfDay(close)!) {
    return `a late open at ${o.openTime} is at or after the ${close} close of ${o.date}: close the day instead`;
  }
  if (at <= minutesOfDay(ruleOpen)!) {
    return `a late open at ${o.openTime} is not after the scheduled ${ruleOpen} open of ${o.date}: give a later time`;
  }
  return null;
}

/**
 * The calendar with `overrides` applied: closed days are no sessions (and are
 * listed as `special` holidays named by their reason); late-open days open at
 * their override time. Overrides of another exchange, and any that no longer
 * fit the rules (see {@link overrideProblem}), are ignored. With none that
 * apply, `calendar` itself is returned.
 */
export function withOverrides(calendar: ExchangeCalendar, overrides: readonly CalendarOverride[]): ExchangeCalendar {
  const byDate = new Map<string, CalendarOverride>();
  for (const o of overrides) if (o.exchange === calendar.id && overrideProblem(calendar, o) === null) byDate.set(o.date, o);
  if (byDate.size === 0) return calendar;

  const sessionInfo = (date: string): ExchangeSession | null => {
    const s = calendar.sessionInfo(date);
    const o = byDate.get(date);
    if (s === null || o === undefined) return s;
    return o.kind === 'close' ? null : (lateOpened(calendar, s, o.openTime!) ?? s);
  };
  const closed = (date: string): boolean => byDate.get(date)?.kind === 'close';
  const step = (date: string, move: (d: string) => string): string => {
    let d = move(date);
    while (closed(d)) d = move(d);
    return d;
  };
  const closures = [...byDate.values()].filter((o) => o.kind === 'close');

  return Object.freeze({
    ...calendar,
    isSession: (date: string) => calendar.isSession(date) && !closed(date),
    sessionInfo,
    sessionsOf: (year: number) => calendar.sessionsOf(year).filter((d) => !closed(d)),
    holidaysOf: (year: number): readonly MarketHoliday[] =>
      [
        ...calendar.holidaysOf(year),
        ...closures.filter((o) => o.date.startsWith(`${year}-`)).map((o): MarketHoliday => ({ date: o.date, name: o.reason, kind: 'special' })),
      ].sort((a, b) => a.date.localeCompare(b.date)),
    nextSession: (date: string) => step(date, calendar.nextSession),
    previousSession: (date: string) => step(date, calendar.previousSession),
    sessionsBetween: (from: string, to: string) => calendar.sessionsBetween(from, to).filter((d) => !closed(d)),
  });
}
