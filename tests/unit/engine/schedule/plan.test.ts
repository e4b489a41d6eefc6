import { describe, expect, it } from 'vitest';
import {
  addDays,
  dueOccurrences,
  isCatchUp,
  latestOccurrence,
  nextOccurrence,
  occurrenceOn,
  occurrencesBetween,
  slotJobId,
} from '../../../../src/engine/schedule/plan.js';
import { DEFAULT_SCHEDULE, buildSlots, describeSlot, formatTimeSpec, makeSlot, parseTimeList, parseTimeSpec } from '../../../../src/engine/schedule/slots.js';
import { DST_WEEK, GOOD_FRIDAY_WEEK, THANKSGIVING_WEEK, et } from './expected-weeks.js';

const slots = buildSlots(DEFAULT_SCHEDULE);
const bySlot = (name: string) => slots.find((s) => s.slot === name)!;
const simple = (list: ReturnType<typeof occurrencesBetween>) => list.map((o) => ({ slot: o.slot.slot, sessionDate: o.sessionDate, at: o.dueAt, jobId: o.jobId }));

describe('time specs', () => {
  it('parses wall-clock, open/close-relative and midnight times', () => {
    expect(parseTimeSpec('09:35')).toEqual({ anchor: 'clock', minutes: 575 });
    expect(parseTimeSpec('9:05')).toEqual({ anchor: 'clock', minutes: 545 });
    expect(parseTimeSpec('close-5')).toEqual({ anchor: 'close', minutes: -5 });
    expect(parseTimeSpec(' Close + 15 ')).toEqual({ anchor: 'close', minutes: 15 });
    expect(parseTimeSpec('open')).toEqual({ anchor: 'open', minutes: 0 });
    expect(parseTimeSpec('open+10')).toEqual({ anchor: 'open', minutes: 10 });
    expect(parseTimeSpec('midnight')).toEqual({ anchor: 'clock', minutes: 1440 });
    expect(parseTimeSpec('24:00')).toEqual({ anchor: 'clock', minutes: 1440 });
    expect(formatTimeSpec(parseTimeSpec('close-5'))).toBe('close-5');
    expect(formatTimeSpec(parseTimeSpec('9:05'))).toBe('09:05');
  });

  it('rejects malformed times with a readable message', () => {
    for (const bad of ['25:00', '09:60', '24:01', 'noon', 'close*5', 'close-1000', '']) expect(() => parseTimeSpec(bad), bad).toThrow(RangeError);
    expect(() => parseTimeSpec('noon')).toThrow(/HH:MM.*close-5/);
    expect(parseTimeList('09:35, 10:30,close-5,')).toEqual(['09:35', '10:30', 'close-5']);
    expect(parseTimeList('')).toEqual([]);
    expect(() => parseTimeList('09:35,banana')).toThrow(/banana/);
  });
});

describe('slot definitions', () => {
  it('the default schedule: names from the regular-day time, catch-up windows per kind', () => {
    expect(slots.map(describeSlot)).toEqual([
      'digest-morning-0845 (08:45, until open)',
      'reconcile-0920 (09:20, until close)',
      'scan-0935 (09:35, until close)',
      'scan-1030 (10:30, until close)',
      'exits-1550 (close-10, until close)',
      'scan-1555 (close-5, until close)',
      'digest-close-1615 (close+15, until midnight)',
      'mark-1630 (close+30, until midnight)',
      'reconcile-1635 (close+35, until midnight)',
    ]);
    expect(slots.filter((s) => s.whileOpen).map((s) => s.slot)).toEqual(['scan-0935', 'scan-1030', 'exits-1550', 'scan-1555']);
    expect(new Set(slots.map((s) => s.graceMs))).toEqual(new Set([600_000]));
  });

  it('refuses the same kind twice at the same regular-day time, and times outside the day', () => {
    expect(() => buildSlots({ ...DEFAULT_SCHEDULE, scans: ['15:55', 'close-5'] })).toThrow(/twice/);
    expect(() => makeSlot('mark', 'close+500')).toThrow(RangeError);
    expect(() => makeSlot('scan', '09:35', 0)).toThrow(/grace/);
    expect(buildSlots({ scans: [], morningDigest: [], closeDigest: [], exits: [], mark: [], reconcile: [] })).toEqual([]);
  });

  it('job ids are date-keyed and contain no ":" (BullMQ refuses it in custom ids)', () => {
    expect(slotJobId('scan-0935', '2026-03-10')).toBe('sched-us-scan-0935-2026-03-10');
    expect(occurrenceOn(bySlot('scan-0935'), '2026-03-10')!.jobId).toBe('sched-us-scan-0935-2026-03-10');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });
});

describe('planner over real weeks', () => {
  it('DST week (2026-03-05 → 03-10): same New York times, UTC instants one hour earlier after 03-08', () => {
    const got = simple(occurrencesBetween(slots, DST_WEEK.from, DST_WEEK.to));
    expect(got).toEqual(DST_WEEK.expected);
    // Spelled out, so the helper above cannot hide an error.
    expect(new Date(got.find((g) => g.jobId === 'sched-us-scan-0935-2026-03-06')!.at).toISOString()).toBe('2026-03-06T14:35:00.000Z');
    expect(new Date(got.find((g) => g.jobId === 'sched-us-scan-0935-2026-03-09')!.at).toISOString()).toBe('2026-03-09T13:35:00.000Z');
    expect(got.filter((g) => g.sessionDate === '2026-03-07' || g.sessionDate === '2026-03-08')).toEqual([]);
  });

  it('Thanksgiving week: nothing on 11-26; on the 11-27 early close the close-relative slots move to 12:50–13:35', () => {
    const got = simple(occurrencesBetween(slots, THANKSGIVING_WEEK.from, THANKSGIVING_WEEK.to));
    expect(got).toEqual(THANKSGIVING_WEEK.expected);
    expect(new Date(got.find((g) => g.jobId === 'sched-us-scan-1555-2026-11-27')!.at).toISOString()).toBe('2026-11-27T17:55:00.000Z');
    expect(new Date(got.find((g) => g.jobId === 'sched-us-digest-close-1615-2026-11-27')!.at).toISOString()).toBe('2026-11-27T18:15:00.000Z');
  });

  it('Good Friday 2026-04-03: nothing from Thursday night to Monday', () => {
    expect(simple(occurrencesBetween(slots, GOOD_FRIDAY_WEEK.from, GOOD_FRIDAY_WEEK.to))).toEqual(GOOD_FRIDAY_WEEK.expected);
    expect(occurrenceOn(bySlot('digest-morning-0845'), '2026-04-03')).toBeNull();
  });

  it('a wall-clock scan after an early close is skipped that day; a wall-clock pre-open job is not', () => {
    const late = makeSlot('scan', '15:30');
    expect(occurrenceOn(late, '2026-11-27')).toBeNull();
    expect(occurrenceOn(late, '2026-11-25')!.dueAt).toBe(et('2026-11-25', '15:30', 5));
    const recon = makeSlot('reconcile', '15:30');
    expect(occurrenceOn(recon, '2026-11-27')!.dueAt).toBe(et('2026-11-27', '15:30', 5));
  });

  it('catch-up windows: a scan until the close, the morning digest until the open, the close digest until midnight', () => {
    const scan = occurrenceOn(bySlot('scan-0935'), '2026-03-10')!;
    expect(scan.until).toBe(et('2026-03-10', '16:00', 4));
    expect(occurrenceOn(bySlot('scan-0935'), '2026-11-27')!.until).toBe(et('2026-11-27', '13:00', 5));
    expect(occurrenceOn(bySlot('digest-morning-0845'), '2026-03-10')!.until).toBe(et('2026-03-10', '09:30', 4));
    expect(occurrenceOn(bySlot('digest-close-1615'), '2026-03-10')!.until).toBe(et('2026-03-11', '00:00', 4));
    expect(occurrenceOn(bySlot('reconcile-0920'), '2026-03-10')!.until).toBe(et('2026-03-10', '16:00', 4));
  });

  it('due at 09:50 ET: the 09:20 reconcile and 09:35 scan, not the morning digest (its window ended at the open)', () => {
    expect(dueOccurrences(slots, et('2026-03-10', '09:50', 4)).map((o) => o.jobId)).toEqual(['sched-us-reconcile-0920-2026-03-10', 'sched-us-scan-0935-2026-03-10']);
    expect(dueOccurrences(slots, et('2026-03-10', '09:29', 4)).map((o) => o.slot.slot)).toEqual(['digest-morning-0845', 'reconcile-0920']);
    // Late in the evening only the after-close work is still worth doing; at midnight nothing is.
    expect(dueOccurrences(slots, et('2026-03-10', '23:59', 4)).map((o) => o.slot.slot)).toEqual(['digest-close-1615', 'mark-1630', 'reconcile-1635']);
    expect(dueOccurrences(slots, et('2026-03-11', '00:00', 4))).toEqual([]);
    // Exactly at the due minute it is due; one ms before it is not.
    expect(dueOccurrences(slots, et('2026-03-10', '10:30', 4)).map((o) => o.slot.slot)).toContain('scan-1030');
    expect(dueOccurrences(slots, et('2026-03-10', '10:30', 4) - 1).map((o) => o.slot.slot)).not.toContain('scan-1030');
    // Saturday: nothing.
    expect(dueOccurrences(slots, et('2026-03-07', '10:00', 5))).toEqual([]);
  });

  it('latest and next occurrences skip weekends and holidays', () => {
    expect(latestOccurrence(bySlot('scan-0935'), et('2026-03-09', '08:00', 4))!.jobId).toBe('sched-us-scan-0935-2026-03-06');
    expect(latestOccurrence(bySlot('scan-0935'), et('2026-04-06', '09:00', 4))!.jobId).toBe('sched-us-scan-0935-2026-04-02');
    expect(nextOccurrence(slots, et('2026-11-25', '17:00', 5))!.jobId).toBe('sched-us-digest-morning-0845-2026-11-27');
    expect(nextOccurrence(slots, et('2026-03-06', '16:35', 5))!.jobId).toBe('sched-us-digest-morning-0845-2026-03-09');
  });

  it('fired more than the tolerance after due counts as a catch-up', () => {
    const o = occurrenceOn(bySlot('scan-0935'), '2026-03-10')!;
    expect(isCatchUp(o, o.dueAt, 120_000)).toBe(false);
    expect(isCatchUp(o, o.dueAt + 120_000, 120_000)).toBe(false);
    expect(isCatchUp(o, o.dueAt + 120_001, 120_000)).toBe(true);
  });
});

describe('schedule from environment strings', () => {
  it('parses the lists, keeps the defaults equivalent, and names the bad entry', async () => {
    const { scheduleFromStrings, timeListProblem } = await import('../../../../src/engine/schedule/slots.js');
    const spec = scheduleFromStrings({ scans: '09:35,10:30,close-5', morningDigest: '08:45', closeDigest: 'close+15', exits: 'close-10', mark: 'close+30', reconcile: '09:20,close+35', graceMinutes: 10 });
    expect(buildSlots(spec)).toEqual(slots);
    expect(buildSlots(scheduleFromStrings({ scans: '', morningDigest: '', closeDigest: '', exits: '', mark: '', reconcile: 'open+5' })).map((s) => s.slot)).toEqual(['reconcile-0935']);
    expect(timeListProblem('09:35,close-5')).toBeNull();
    expect(timeListProblem('09:35,14:75')).toMatch(/"14:75"/);
    expect(() => scheduleFromStrings({ scans: '10:30,10:30', morningDigest: '', closeDigest: '', exits: '', mark: '', reconcile: '' })).toThrow(/twice/);
  });
});
