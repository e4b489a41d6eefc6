/**
 * Hand-written expectations for the default schedule, independent of the
 * calendar code: New York wall times per session date plus that date's UTC
 * offset (EST = +5 h to UTC, EDT = +4 h).
 */

/** [wall time, slot] on a regular 09:30–16:00 session. */
export const REGULAR_DAY: [string, string][] = [
  ['08:45', 'digest-morning-0845'],
  ['09:20', 'reconcile-0920'],
  ['09:35', 'scan-0935'],
  ['10:30', 'scan-1030'],
  ['15:50', 'exits-1550'],
  ['15:55', 'scan-1555'],
  ['16:15', 'digest-close-1615'],
  ['16:30', 'mark-1630'],
  ['16:35', 'reconcile-1635'],
];

/** A 13:00 early close: close-relative slots move with the close, wall-clock ones stay. */
export const EARLY_CLOSE_DAY: [string, string][] = [
  ['08:45', 'digest-morning-0845'],
  ['09:20', 'reconcile-0920'],
  ['09:35', 'scan-0935'],
  ['10:30', 'scan-1030'],
  ['12:50', 'exits-1550'],
  ['12:55', 'scan-1555'],
  ['13:15', 'digest-close-1615'],
  ['13:30', 'mark-1630'],
  ['13:35', 'reconcile-1635'],
];

export interface Expected {
  slot: string;
  sessionDate: string;
  at: number;
  jobId: string;
}

/** Expected firings of one session date; `toUtcHours` is 5 under EST and 4 under EDT. */
export function day(date: string, toUtcHours: 4 | 5, entries: [string, string][] = REGULAR_DAY): Expected[] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return entries.map(([hhmm, slot]) => {
    const [h, min] = hhmm.split(':').map(Number) as [number, number];
    return { slot, sessionDate: date, at: Date.UTC(y, m - 1, d, h + toUtcHours, min), jobId: `sched-us-${slot}-${date}` };
  });
}

/** Thu 2026-03-05 00:00 EST → Wed 2026-03-11 00:00 EDT: DST starts Sunday 2026-03-08. */
export const DST_WEEK = {
  from: Date.UTC(2026, 2, 5, 5, 0),
  to: Date.UTC(2026, 2, 11, 4, 0),
  expected: [...day('2026-03-05', 5), ...day('2026-03-06', 5), ...day('2026-03-09', 4), ...day('2026-03-10', 4)],
};

/** Mon 2026-11-23 → Sat 2026-11-28 00:00 EST: Thanksgiving Thursday closed, Friday closes at 13:00. */
export const THANKSGIVING_WEEK = {
  from: Date.UTC(2026, 10, 23, 5, 0),
  to: Date.UTC(2026, 10, 28, 5, 0),
  expected: [...day('2026-11-23', 5), ...day('2026-11-24', 5), ...day('2026-11-25', 5), ...day('2026-11-27', 5, EARLY_CLOSE_DAY)],
};

/** Mon 2026-03-30 → Mon 2026-04-06 00:00 EDT: Good Friday 2026-04-03 closed. */
export const GOOD_FRIDAY_WEEK = {
  from: Date.UTC(2026, 2, 30, 4, 0),
  to: Date.UTC(2026, 3, 6, 4, 0),
  expected: [...day('2026-03-30', 4), ...day('2026-03-31', 4), ...day('2026-04-01', 4), ...day('2026-04-02', 4)],
};

/** UTC instant of a New York wall time on a date (for test set-up). */
export function et(date: string, hhmm: string, toUtcHours: 4 | 5): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [h, min] = hhmm.split(':').map(Number) as [number, number];
  return Date.UTC(y, m - 1, d, h + toUtcHours, min);
}
