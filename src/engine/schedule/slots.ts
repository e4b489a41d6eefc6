import { QUEUE_EXPIRE_AFTER_OPEN_MIN, QUEUE_SEND_AFTER_OPEN_MIN } from '../market-hours.js';
import type { Market } from '../market/markets.js';

/**
 * Slot definitions: what the scheduler runs, when, and until when a missed run
 * is still worth catching up. Pure (no I/O, no clock).
 *
 * A slot table belongs to one market and is written on that market's clock
 * (New York for US, Seoul for KR; see market-plan.ts). Times are written as one of:
 * - `HH:MM`: a fixed local wall-clock time on the session date (`24:00` or
 *   `midnight` = the midnight that ends the session date);
 * - `open`, `open+N`, `open-N`: N minutes after/before that session's actual open;
 * - `close`, `close+N`, `close-N`: N minutes after/before that session's actual
 *   close — 16:00, or 13:00 on an early-close day (KRX: 15:30, 16:30 on CSAT days).
 *
 * Early closes: slots written relative to the close move with it, so the
 * default `close-5` scan runs at 15:55 on a regular day and 12:55 before a
 * 13:00 early close, and the close digest (`close+15`) at 16:15 or 13:15.
 * Wall-clock slots keep their time; a slot that must run while the market is
 * open (scans, exit checks) is skipped on a day its time falls outside the
 * session (e.g. a `15:30` scan on an early-close day). A scan written before
 * the regular open (KR's 08:10 KST) is a pre-open scan instead: it runs before
 * the open every session day. Nothing runs on days without a session
 * (weekends, holidays).
 */

/** What a slot triggers. The lead maps each kind to real jobs. */
export const SLOT_KINDS = ['scan', 'digest-morning', 'digest-close', 'exits', 'mark', 'reconcile', 'hypotheses', 'review-weekly'] as const;
export type SlotKind = (typeof SLOT_KINDS)[number];
/**
 * Slots that are not configured but always run while scheduling is on: the
 * open queue (orders queued for the open, sent at open + 1 min and expired at
 * open + 30 min). Run by the worker role (src/app/roles/worker-role.ts).
 */
export type BuiltInSlotKind = 'open-queue';
/** Every kind a slot can have. */
export type AnySlotKind = SlotKind | BuiltInSlotKind;

/** A time on a session day: a wall-clock time, or an offset from that session's open or close. */
export type TimeSpec = { readonly anchor: 'clock'; readonly minutes: number } | { readonly anchor: 'open' | 'close'; readonly minutes: number };

/** Regular session hours in minutes after New York midnight (09:30 and 16:00). */
export const REGULAR_OPEN_MINUTES = 9 * 60 + 30;
export const REGULAR_CLOSE_MINUTES = 16 * 60;

/**
 * A market's regular session in minutes after local midnight. Slots are named
 * by their time on such a day and a reconciliation's window depends on which
 * side of the close it falls, so a KR table needs KRX hours, not New York's.
 */
export interface RegularHours {
  readonly open: number;
  readonly close: number;
}

/** Regular hours per market: NYSE 09:30–16:00 New York, KRX 09:00–15:30 Seoul (since 2016-08). */
export const REGULAR_HOURS: Readonly<Record<Market, RegularHours>> = Object.freeze({
  US: Object.freeze({ open: REGULAR_OPEN_MINUTES, close: REGULAR_CLOSE_MINUTES }),
  KR: Object.freeze({ open: 9 * 60, close: 15 * 60 + 30 }),
});
const MINUTES_PER_DAY = 24 * 60;
const MAX_OFFSET_MINUTES = 12 * 60;

export interface SlotDef {
  /** Unique within its market's table, `[a-z0-9-]`: `<kind>-<HHMM on a regular day>`, e.g. `scan-0935`, `scan-1555`. Used in job ids and `scheduled_runs`. */
  readonly slot: string;
  readonly kind: AnySlotKind;
  /** When it is due. */
  readonly at: TimeSpec;
  /** A missed run is caught up until this time of the same session day (exclusive). */
  readonly until: TimeSpec;
  /** Only while the market is open: skipped on a day its due time falls outside [open, close). */
  readonly whileOpen: boolean;
  /** The dead-man alerts when the slot still has no enqueue record this long after it was due. */
  readonly graceMs: number;
  /** `week-last`: only on the last session of its week (the weekly review); absent = every session. */
  readonly days?: 'week-last';
}

/** Slot times per kind, as written in configuration (see the module doc for the syntax). */
export interface ScheduleSpec {
  scans: readonly string[];
  morningDigest: readonly string[];
  closeDigest: readonly string[];
  exits: readonly string[];
  mark: readonly string[];
  reconcile: readonly string[];
  /** Hypotheses' session job (review, generator, incubation) after the close; absent = none (the app's default, SCHEDULE_HYPOTHESES, is close+45). */
  hypotheses?: readonly string[];
  /** The weekly review, on the last session of each week only; absent = none (the app's default, SCHEDULE_WEEKLY_REVIEW, is close+60). */
  weeklyReview?: readonly string[];
  /** Dead-man grace after a slot's due time, in minutes (default 10). */
  graceMinutes?: number;
}

/** The defaults of issue #6 (all New York time; close-relative ones follow early closes). */
export const DEFAULT_SCHEDULE: ScheduleSpec = {
  scans: ['09:35', '10:30', 'close-5'],
  morningDigest: ['08:45'],
  closeDigest: ['close+15'],
  exits: ['close-10'],
  mark: ['close+30'],
  reconcile: ['09:20', 'close+35'],
  graceMinutes: 10,
};

const CLOCK_RE = /^(\d{1,2}):(\d{2})$/;
const REL_RE = /^(open|close)(?:\s*([+-])\s*(\d{1,3}))?$/;

/**
 * Parses one time (`09:35`, `24:00`, `midnight`, `close-5`, `open+10`).
 * @throws RangeError with a readable message when malformed.
 */
export function parseTimeSpec(text: string): TimeSpec {
  const s = text.trim().toLowerCase();
  if (s === 'midnight') return { anchor: 'clock', minutes: MINUTES_PER_DAY };
  const clock = CLOCK_RE.exec(s);
  if (clock) {
    const h = Number(clock[1]);
    const m = Number(clock[2]);
    const minutes = h * 60 + m;
    if (m > 59 || minutes > MINUTES_PER_DAY) throw new RangeError(`"${text}": a time must be HH:MM between 00:00 and 24:00`);
    return { anchor: 'clock', minutes };
  }
  const rel = REL_RE.exec(s);
  if (rel) {
    const n = rel[3] === undefined ? 0 : Number(rel[3]);
    if (n > MAX_OFFSET_MINUTES) throw new RangeError(`"${text}": the offset must be at most ${MAX_OFFSET_MINUTES} minutes`);
    return { anchor: rel[1] as 'open' | 'close', minutes: rel[2] === '-' ? -n : n };
  }
  throw new RangeError(`"${text}": expected HH:MM (New York time), open±N or close±N (minutes), e.g. 09:35 or close-5`);
}

/** Parses a comma-separated list of times (empty string → no slots). */
export function parseTimeList(text: string): string[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) parseTimeSpec(item);
  return items;
}

/** Minutes after local midnight at which the spec falls on a regular session (default NYSE 09:30–16:00). */
export function regularDayMinutes(spec: TimeSpec, hours: RegularHours = REGULAR_HOURS.US): number {
  if (spec.anchor === 'clock') return spec.minutes;
  return (spec.anchor === 'open' ? hours.open : hours.close) + spec.minutes;
}

/** `HH:MM`, or `open±N` / `close±N`. */
export function formatTimeSpec(spec: TimeSpec): string {
  if (spec.anchor === 'clock') return hhmm(spec.minutes, ':');
  if (spec.minutes === 0) return spec.anchor;
  return `${spec.anchor}${spec.minutes > 0 ? '+' : '-'}${Math.abs(spec.minutes)}`;
}

function hhmm(minutes: number, sep: string): string {
  const m = ((minutes % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  const h = minutes >= MINUTES_PER_DAY ? 24 : Math.floor(m / 60);
  return `${String(h).padStart(2, '0')}${sep}${String(m % 60).padStart(2, '0')}`;
}

/** Per kind: until when a missed run is useful, and whether it needs the market open. */
function kindRules(kind: AnySlotKind, at: TimeSpec, hours: RegularHours): { until: TimeSpec; whileOpen: boolean } {
  switch (kind) {
    case 'open-queue':
      // Sending at the open and expiring at open + 30 min are both useful until the close (each run does both).
      return { until: { anchor: 'close', minutes: 0 }, whileOpen: true };
    case 'scan':
      // A scan written before the regular open (a KR scan at 08:10 KST) ranks the previous close and
      // posts its picks before the pre-open auction: it runs before the open, late opens included.
      // Its picks can be approved all session, so a missed one is still caught up until the close.
      // KRX only: a US scan set before the open keeps being skipped, as it always was.
      if (hours === REGULAR_HOURS.KR && regularDayMinutes(at, hours) < hours.open) return { until: { anchor: 'close', minutes: 0 }, whileOpen: false };
      return { until: { anchor: 'close', minutes: 0 }, whileOpen: true };
    case 'exits':
      // Intraday work is pointless once the market has closed.
      return { until: { anchor: 'close', minutes: 0 }, whileOpen: true };
    case 'digest-morning':
      // A "good morning" after the bell is noise.
      return { until: { anchor: 'open', minutes: 0 }, whileOpen: false };
    case 'digest-close':
    case 'mark':
    case 'hypotheses':
    case 'review-weekly':
      return { until: { anchor: 'clock', minutes: MINUTES_PER_DAY }, whileOpen: false };
    case 'reconcile':
      // A pre-open/intraday reconciliation is still useful until the close; an after-close one until midnight.
      return regularDayMinutes(at, hours) < hours.close
        ? { until: { anchor: 'close', minutes: 0 }, whileOpen: false }
        : { until: { anchor: 'clock', minutes: MINUTES_PER_DAY }, whileOpen: false };
  }
}

/** One slot of `kind` at `time`, named by its time on a regular day of `hours` (default NYSE). */
export function makeSlot(kind: AnySlotKind, time: string | TimeSpec, graceMinutes = 10, hours: RegularHours = REGULAR_HOURS.US): SlotDef {
  const at = typeof time === 'string' ? parseTimeSpec(time) : time;
  const minutes = regularDayMinutes(at, hours);
  if (minutes < 0 || minutes >= MINUTES_PER_DAY) throw new RangeError(`${kind} at ${formatTimeSpec(at)}: must fall within the session day (00:00–23:59 on a regular day)`);
  if (!Number.isFinite(graceMinutes) || graceMinutes <= 0) throw new RangeError(`graceMinutes must be positive`);
  return {
    slot: `${kind}-${hhmm(minutes, '')}`,
    kind,
    at,
    ...kindRules(kind, at, hours),
    graceMs: Math.round(graceMinutes * 60_000),
    // The weekly review sums a whole week: it runs once, after the week's last session.
    ...(kind === 'review-weekly' ? { days: 'week-last' as const } : {}),
  };
}

/**
 * All slots of a schedule, ordered by their regular-day time on `hours` (the
 * table's market: default NYSE; pass `REGULAR_HOURS.KR` for a KR table).
 * @throws RangeError on a malformed time, or two times of one kind that fall at the same regular-day time.
 */
export function buildSlots(spec: ScheduleSpec = DEFAULT_SCHEDULE, hours: RegularHours = REGULAR_HOURS.US): SlotDef[] {
  const grace = spec.graceMinutes ?? 10;
  const byKind: [SlotKind, readonly string[]][] = [
    ['scan', spec.scans],
    ['digest-morning', spec.morningDigest],
    ['digest-close', spec.closeDigest],
    ['exits', spec.exits],
    ['mark', spec.mark],
    ['reconcile', spec.reconcile],
    ['hypotheses', spec.hypotheses ?? []],
    ['review-weekly', spec.weeklyReview ?? []],
  ];
  const slots: SlotDef[] = [];
  const seen = new Set<string>();
  for (const [kind, times] of byKind) {
    for (const t of times) {
      const s = makeSlot(kind, t, grace, hours);
      if (seen.has(s.slot)) throw new RangeError(`${kind} is scheduled twice at the same time (${t}); remove one`);
      seen.add(s.slot);
      slots.push(s);
    }
  }
  return slots.sort((a, b) => regularDayMinutes(a.at, hours) - regularDayMinutes(b.at, hours) || a.slot.localeCompare(b.slot));
}

/**
 * The open queue's two slots: open + 1 min (send what is due) and open + 30
 * min (expire what was not sent). Both enqueue the same idempotent job; its
 * jobId (`sched-<market>-<slot>-<date>`) carries the market and session date.
 * `hours`: the market's regular day (KRX: 09:00 open, so open+1 is 09:01 KST;
 * the runner anchors it to each session's real open, late opens included).
 */
export function openQueueSlots(graceMinutes = 10, hours: RegularHours = REGULAR_HOURS.US): SlotDef[] {
  return [makeSlot('open-queue', `open+${QUEUE_SEND_AFTER_OPEN_MIN}`, graceMinutes, hours), makeSlot('open-queue', `open+${QUEUE_EXPIRE_AFTER_OPEN_MIN}`, graceMinutes, hours)];
}

/** Human description, e.g. `scan-1555 (close-5, until close)`. */
export function describeSlot(s: SlotDef): string {
  return `${s.slot} (${formatTimeSpec(s.at)}, until ${formatTimeSpec(s.until) === '24:00' ? 'midnight' : formatTimeSpec(s.until)})`;
}

/** For a zod `superRefine` on a time-list variable: null when valid, else what is wrong. */
export function timeListProblem(raw: string): string | null {
  try {
    parseTimeList(raw);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Raw comma-separated lists, as the environment holds them. */
export interface ScheduleStrings {
  scans: string;
  morningDigest: string;
  closeDigest: string;
  exits: string;
  mark: string;
  reconcile: string;
  hypotheses?: string;
  weeklyReview?: string;
  graceMinutes?: number;
}

/**
 * Builds a {@link ScheduleSpec} from comma-separated lists and checks it
 * (including duplicates) by building its slots.
 * @throws RangeError naming the bad entry.
 */
export function scheduleFromStrings(s: ScheduleStrings): ScheduleSpec {
  const spec: ScheduleSpec = {
    scans: parseTimeList(s.scans),
    morningDigest: parseTimeList(s.morningDigest),
    closeDigest: parseTimeList(s.closeDigest),
    exits: parseTimeList(s.exits),
    mark: parseTimeList(s.mark),
    reconcile: parseTimeList(s.reconcile),
    ...(s.hypotheses !== undefined ? { hypotheses: parseTimeList(s.hypotheses) } : {}),
    ...(s.weeklyReview !== undefined ? { weeklyReview: parseTimeList(s.weeklyReview) } : {}),
    ...(s.graceMinutes !== undefined ? { graceMinutes: s.graceMinutes } : {}),
  };
  buildSlots(spec);
  return spec;
}
