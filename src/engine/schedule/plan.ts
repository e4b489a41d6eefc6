/**
 * The pure planner: which slot occurrences exist, which are due at an
 * instant, and until when each may still be caught up. Every function takes
 * `now` (epoch ms) as an argument: no clock, no I/O, so tests can walk a
 * whole week in milliseconds.
 *
 * A slot table belongs to one market. The functions take where to plan it
 * (`on`): a {@link MarketPlan} (market, clock, sessions), or — the form used
 * before issue 15 — a bare session lookup, which means US on New York time.
 * Given nothing, they plan US on the NYSE rule calendar.
 */
import type { SessionInfo } from '../calendar/index.js';
import type { Market } from '../market/markets.js';
import { NEW_YORK_ZONE, US_RULE_PLAN, type MarketPlan, type SessionLookup, type SlotZone } from './market-plan.js';
import type { SlotDef, TimeSpec } from './slots.js';
import { isLastSessionOfWeek } from './week.js';

export type { SessionLookup } from './market-plan.js';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
/** A slot whose catch-up window is empty on some day (e.g. `until` before `at`) still gets this long to fire on time. */
export const MIN_WINDOW_MS = MS_PER_MINUTE;

/** One slot on one session date. */
export interface Occurrence {
  readonly market: Market;
  readonly slot: SlotDef;
  /** Session date, exchange-local `YYYY-MM-DD` (New York for US, Seoul for KR). */
  readonly sessionDate: string;
  readonly session: SessionInfo;
  /** When it is due, epoch ms. */
  readonly dueAt: number;
  /** Catch-up is useful until this instant (exclusive); always > dueAt. */
  readonly until: number;
  /** `sched-<market>-<slot>-<YYYY-MM-DD>`: BullMQ jobId and `scheduled_runs.slot_key`. */
  readonly jobId: string;
}

/** What a plan argument may be: a market's plan, or a bare (US) session lookup. */
export type PlanOn = MarketPlan | SessionLookup;

function planOf(on: PlanOn): MarketPlan {
  return typeof on === 'function' ? { ...US_RULE_PLAN, sessionOf: on } : on;
}

/**
 * The date-keyed id shared by the BullMQ job and the `scheduled_runs` row:
 * `sched-<market>-<slot>-<date>`, the market lower-case (`us`, `kr`) like the
 * rest of the id, so two markets' slots of the same name never share a key. No
 * `:` (BullMQ rejects it in custom ids).
 */
export function slotJobId(slot: string, sessionDate: string, market: Market = 'US'): string {
  return `sched-${market.toLowerCase()}-${slot}-${sessionDate}`;
}

/**
 * The id a US slot had before issue 15 (`sched-<slot>-<date>`). `scheduled_runs`
 * still holds such keys for slots run before the upgrade; the scheduler and the
 * dead-man count them as the same occurrence, so a slot that ran on the day of
 * the deploy is not run (or reported missing) again. KR slots never had one.
 */
export function legacySlotJobId(slot: string, sessionDate: string): string {
  return `sched-${slot}-${sessionDate}`;
}

/** The pre-issue-15 key of an occurrence, or null when it never had one (KR). */
export function legacyJobIdOf(o: Pick<Occurrence, 'market' | 'slot' | 'sessionDate'>): string | null {
  return o.market === 'US' ? legacySlotJobId(o.slot.slot, o.sessionDate) : null;
}

/** `YYYY-MM-DD` plus `n` calendar days (proleptic Gregorian, no time zone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The instant `spec` denotes on `session`, wall-clock times read on `zone` (default New York). */
export function instantOf(spec: TimeSpec, session: SessionInfo, zone: SlotZone = NEW_YORK_ZONE): number {
  switch (spec.anchor) {
    case 'open':
      return session.open + spec.minutes * MS_PER_MINUTE;
    case 'close':
      return session.close + spec.minutes * MS_PER_MINUTE;
    case 'clock': {
      // Exchange days never contain a DST change, but midnight-after is computed on the next date to stay exact.
      if (spec.minutes >= 24 * 60) return zone.timeToInstant(addDays(session.date, 1), '00:00');
      const h = Math.floor(spec.minutes / 60);
      const m = spec.minutes % 60;
      return zone.timeToInstant(session.date, `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    }
  }
}

/**
 * The slot's occurrence on `date`, or null when nothing runs that day: no
 * session, a `whileOpen` slot whose time falls outside the session, or a
 * `week-last` slot on a session that is not its week's last.
 */
export function occurrenceOn(slot: SlotDef, date: string, on: PlanOn = US_RULE_PLAN): Occurrence | null {
  const plan = planOf(on);
  const session = plan.sessionOf(date);
  if (session === null) return null;
  if (slot.days === 'week-last' && !isLastSessionOfWeek(session.date, plan.calendar)) return null;
  const dueAt = instantOf(slot.at, session, plan.zone);
  if (slot.whileOpen && (dueAt < session.open || dueAt >= session.close)) return null;
  const until = Math.max(instantOf(slot.until, session, plan.zone), dueAt + MIN_WINDOW_MS);
  return { market: plan.market, slot, sessionDate: session.date, session, dueAt, until, jobId: slotJobId(slot.slot, session.date, plan.market) };
}

function byDue(a: Occurrence, b: Occurrence): number {
  return a.dueAt - b.dueAt || a.slot.slot.localeCompare(b.slot.slot);
}

/** Every occurrence with `from <= dueAt < to`, in due order. */
export function occurrencesBetween(slots: readonly SlotDef[], fromMs: number, toMs: number, on: PlanOn = US_RULE_PLAN): Occurrence[] {
  if (!(toMs > fromMs)) return [];
  const plan = planOf(on);
  const out: Occurrence[] = [];
  // Offsets reach at most 12 h from the open/close, so a slot's (local) date is within a day of its instant.
  const last = addDays(plan.zone.dateOf(toMs), 1);
  for (let date = addDays(plan.zone.dateOf(fromMs), -1); date <= last; date = addDays(date, 1)) {
    for (const slot of slots) {
      const o = occurrenceOn(slot, date, plan);
      if (o && o.dueAt >= fromMs && o.dueAt < toMs) out.push(o);
    }
  }
  return out.sort(byDue);
}

/** Occurrences that should run at `now`: due, and still inside their catch-up window (`dueAt <= now < until`), on the sessions `sessionOf` gives. */
export function dueOccurrences(slots: readonly SlotDef[], nowMs: number, on: PlanOn = US_RULE_PLAN): Occurrence[] {
  const plan = planOf(on);
  const today = plan.zone.dateOf(nowMs);
  const out: Occurrence[] = [];
  for (let date = addDays(today, -2); date <= today; date = addDays(date, 1)) {
    for (const slot of slots) {
      const o = occurrenceOn(slot, date, plan);
      if (o && o.dueAt <= nowMs && nowMs < o.until) out.push(o);
    }
  }
  return out.sort(byDue);
}

/** The next occurrence due strictly after `now` (searching up to `horizonDays` ahead), or null. */
export function nextOccurrence(slots: readonly SlotDef[], nowMs: number, horizonDays = 10, on: PlanOn = US_RULE_PLAN): Occurrence | null {
  return occurrencesBetween(slots, nowMs + 1, nowMs + horizonDays * MS_PER_DAY, on)[0] ?? null;
}

/** The slot's latest occurrence with `dueAt <= atMs`, looking back at most `lookbackDays` calendar days; null if none. */
export function latestOccurrence(slot: SlotDef, atMs: number, lookbackDays = 10, on: PlanOn = US_RULE_PLAN): Occurrence | null {
  const found = occurrencesBetween([slot], atMs - lookbackDays * MS_PER_DAY, atMs + 1, on);
  return found[found.length - 1] ?? null;
}

/** True when firing at `firedAt` counts as a catch-up rather than an on-time run. */
export function isCatchUp(o: Occurrence, firedAt: number, toleranceMs: number): boolean {
  return firedAt - o.dueAt > toleranceMs;
}
