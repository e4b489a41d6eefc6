/**
 * The pure planner: which slot occurrences exist, which are due at an
 * instant, and until when each may still be caught up. Every function takes
 * `now` (epoch ms) as an argument: no clock, no I/O, so tests can walk a
 * whole week in milliseconds.
 */
import { nyLocalParts, nyTimeToInstant, sessionInfo, type SessionInfo } from '../calendar/index.js';
import type { SlotDef, TimeSpec } from './slots.js';
import { isLastSessionOfWeek } from './week.js';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
/** A slot whose catch-up window is empty on some day (e.g. `until` before `at`) still gets this long to fire on time. */
export const MIN_WINDOW_MS = MS_PER_MINUTE;

/** One slot on one session date. */
export interface Occurrence {
  readonly slot: SlotDef;
  /** Session date, New York `YYYY-MM-DD`. */
  readonly sessionDate: string;
  readonly session: SessionInfo;
  /** When it is due, epoch ms. */
  readonly dueAt: number;
  /** Catch-up is useful until this instant (exclusive); always > dueAt. */
  readonly until: number;
  /** `sched-<slot>-<YYYY-MM-DD>`: BullMQ jobId and `scheduled_runs.slot_key`. */
  readonly jobId: string;
}

/** The date-keyed id shared by the BullMQ job and the `scheduled_runs` row. No `:` (BullMQ rejects it in custom ids). */
export function slotJobId(slot: string, sessionDate: string): string {
  return `sched-${slot}-${sessionDate}`;
}

/** `YYYY-MM-DD` plus `n` calendar days (proleptic Gregorian, no time zone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The instant `spec` denotes on `session`. */
export function instantOf(spec: TimeSpec, session: SessionInfo): number {
  switch (spec.anchor) {
    case 'open':
      return session.open + spec.minutes * MS_PER_MINUTE;
    case 'close':
      return session.close + spec.minutes * MS_PER_MINUTE;
    case 'clock': {
      // Exchange days never contain a DST change, but midnight-after is computed on the next date to stay exact.
      if (spec.minutes >= 24 * 60) return nyTimeToInstant(addDays(session.date, 1), '00:00');
      const h = Math.floor(spec.minutes / 60);
      const m = spec.minutes % 60;
      return nyTimeToInstant(session.date, `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    }
  }
}

/** A day's session, or null when none: the rule calendar's `sessionInfo`, or one with run-time overrides applied. */
export type SessionLookup = (date: string) => SessionInfo | null;

/**
 * The slot's occurrence on `date`, or null when nothing runs that day: no
 * session, a `whileOpen` slot whose time falls outside the session, or a
 * `week-last` slot on a session that is not its week's last.
 */
export function occurrenceOn(slot: SlotDef, date: string, sessionOf: SessionLookup = sessionInfo): Occurrence | null {
  const session = sessionOf(date);
  if (session === null) return null;
  if (slot.days === 'week-last' && !isLastSessionOfWeek(session.date)) return null;
  const dueAt = instantOf(slot.at, session);
  if (slot.whileOpen && (dueAt < session.open || dueAt >= session.close)) return null;
  const until = Math.max(instantOf(slot.until, session), dueAt + MIN_WINDOW_MS);
  return { slot, sessionDate: session.date, session, dueAt, until, jobId: slotJobId(slot.slot, session.date) };
}

function byDue(a: Occurrence, b: Occurrence): number {
  return a.dueAt - b.dueAt || a.slot.slot.localeCompare(b.slot.slot);
}

/** Every occurrence with `from <= dueAt < to`, in due order. */
export function occurrencesBetween(slots: readonly SlotDef[], fromMs: number, toMs: number, sessionOf: SessionLookup = sessionInfo): Occurrence[] {
  if (!(toMs > fromMs)) return [];
  const out: Occurrence[] = [];
  // Offsets reach at most 12 h from the open/close, so a slot's date is within a day of its instant.
  const last = addDays(nyLocalParts(toMs).date, 1);
  for (let date = addDays(nyLocalParts(fromMs).date, -1); date <= last; date = addDays(date, 1)) {
    for (const slot of slots) {
      const o = occurrenceOn(slot, date, sessionOf);
      if (o && o.dueAt >= fromMs && o.dueAt < toMs) out.push(o);
    }
  }
  return out.sort(byDue);
}

/** Occurrences that should run at `now`: due, and still inside their catch-up window (`dueAt <= now < until`), on the sessions `sessionOf` gives. */
export function dueOccurrences(slots: readonly SlotDef[], nowMs: number, sessionOf: SessionLookup = sessionInfo): Occurrence[] {
  const today = nyLocalParts(nowMs).date;
  const out: Occurrence[] = [];
  for (let date = addDays(today, -2); date <= today; date = addDays(date, 1)) {
    for (const slot of slots) {
      const o = occurrenceOn(slot, date, sessionOf);
      if (o && o.dueAt <= nowMs && nowMs < o.until) out.push(o);
    }
  }
  return out.sort(byDue);
}

/** The next occurrence due strictly after `now` (searching up to `horizonDays` ahead), or null. */
export function nextOccurrence(slots: readonly SlotDef[], nowMs: number, horizonDays = 10): Occurrence | null {
  return occurrencesBetween(slots, nowMs + 1, nowMs + horizonDays * MS_PER_DAY)[0] ?? null;
}

/** The slot's latest occurrence with `dueAt <= atMs`, looking back at most `lookbackDays` calendar days; null if none. */
export function latestOccurrence(slot: SlotDef, atMs: number, lookbackDays = 10, sessionOf: SessionLookup = sessionInfo): Occurrence | null {
  const found = occurrencesBetween([slot], atMs - lookbackDays * MS_PER_DAY, atMs + 1, sessionOf);
  return found[found.length - 1] ?? null;
}

/** True when firing at `firedAt` counts as a catch-up rather than an on-time run. */
export function isCatchUp(o: Occurrence, firedAt: number, toleranceMs: number): boolean {
  return firedAt - o.dueAt > toleranceMs;
}
