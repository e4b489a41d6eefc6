import { describe, expect, it } from 'vitest';
import { isLastSessionOfWeek, lastSessionOfWeek, weekMonday, weekSessions } from '../../../../src/engine/schedule/week.js';
import { buildSlots, makeSlot, scheduleFromStrings, DEFAULT_SCHEDULE } from '../../../../src/engine/schedule/slots.js';
import { dueOccurrences, occurrenceOn, occurrencesBetween } from '../../../../src/engine/schedule/plan.js';
import { nyTimeToInstant } from '../../../../src/engine/calendar/index.js';
import { slotJobs } from '../../../../src/app/roles/scheduler-role.js';

describe('the last session of a week (NYSE calendar)', () => {
  it('is Friday in an ordinary week, from any day of it', () => {
    for (const d of ['2026-11-30', '2026-12-02', '2026-12-04', '2026-12-05', '2026-12-06']) expect(lastSessionOfWeek(d)).toBe('2026-12-04');
    expect(weekMonday('2026-12-06')).toBe('2026-11-30');
    expect(weekSessions('2026-12-03')).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
  });

  it('is Thursday 2026-04-02 before Good Friday 2026-04-03', () => {
    expect(lastSessionOfWeek('2026-03-30')).toBe('2026-04-02');
    expect(isLastSessionOfWeek('2026-04-02')).toBe(true);
    expect(isLastSessionOfWeek('2026-04-03')).toBe(false);
    expect(isLastSessionOfWeek('2026-04-01')).toBe(false);
  });

  it('is the early-close Friday after Thanksgiving (2026-11-27)', () => {
    expect(weekSessions('2026-11-23')).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-27']);
    expect(lastSessionOfWeek('2026-11-26')).toBe('2026-11-27');
  });

  it('is Thursday before a Friday Christmas or New Year (2026), Friday after a Thursday Christmas (2025)', () => {
    expect(lastSessionOfWeek('2026-12-21')).toBe('2026-12-24');
    expect(lastSessionOfWeek('2026-12-28')).toBe('2026-12-31');
    expect(lastSessionOfWeek('2025-12-22')).toBe('2025-12-26');
    expect(isLastSessionOfWeek('2025-12-25')).toBe(false);
  });

  it('is none in a week whose every weekday is closed (the calendar has none; a Saturday and Sunday alone are not a session)', () => {
    // 2001-09-11 to 09-14 were closed; Monday 09-10 was a session, so that week's last session is Monday.
    expect(lastSessionOfWeek('2001-09-12')).toBe('2001-09-10');
    expect(isLastSessionOfWeek('2026-12-05')).toBe(false);
  });
});

describe('the review-weekly slot', () => {
  const slot = makeSlot('review-weekly', 'close+60');

  it('fires once a week, on its last session, an hour after that session’s close', () => {
    const from = nyTimeToInstant('2026-03-23', '00:00');
    const to = nyTimeToInstant('2026-04-13', '00:00');
    const occ = occurrencesBetween([slot], from, to);
    expect(occ.map((o) => o.sessionDate)).toEqual(['2026-03-27', '2026-04-02', '2026-04-10']);
    expect(occ[1]!.dueAt).toBe(nyTimeToInstant('2026-04-02', '17:00'));
    expect(occ[1]!.jobId).toBe('sched-us-review-weekly-1700-2026-04-02');
  });

  it('moves with an early close (Friday after Thanksgiving: 13:00 close, due 14:00) and skips Thanksgiving Thursday', () => {
    expect(occurrenceOn(slot, '2026-11-25')).toBeNull();
    expect(occurrenceOn(slot, '2026-11-27')!.dueAt).toBe(nyTimeToInstant('2026-11-27', '14:00'));
    expect(occurrenceOn(slot, '2026-12-24')!.dueAt).toBe(nyTimeToInstant('2026-12-24', '14:00'));
  });

  it('is due from its time until midnight, and only on the week’s last session', () => {
    expect(dueOccurrences([slot], nyTimeToInstant('2026-12-03', '18:00'))).toEqual([]);
    expect(dueOccurrences([slot], nyTimeToInstant('2026-12-04', '17:30')).map((o) => o.sessionDate)).toEqual(['2026-12-04']);
    expect(dueOccurrences([slot], nyTimeToInstant('2026-12-05', '00:30'))).toEqual([]);
  });

  it('comes from SCHEDULE_WEEKLY_REVIEW; none when it is empty or absent', () => {
    expect(buildSlots(DEFAULT_SCHEDULE).some((s) => s.kind === 'review-weekly')).toBe(false);
    const spec = scheduleFromStrings({ scans: '', morningDigest: '', closeDigest: '', exits: '', mark: '', reconcile: '', weeklyReview: 'close+60' });
    expect(buildSlots(spec).map((s) => s.slot)).toEqual(['review-weekly-1700']);
    expect(buildSlots(scheduleFromStrings({ scans: '', morningDigest: '', closeDigest: '', exits: '', mark: '', reconcile: '', weeklyReview: '' }))).toEqual([]);
  });

  it('enqueues review.weekly with the market-and-week job id', async () => {
    const added: { name: string; payload: unknown; jobId: string | undefined }[] = [];
    const jobs = slotJobs({ jobs: { add: async (name, payload, opts) => (added.push({ name, payload, jobId: opts?.jobId }), 'id') } });
    const o = occurrenceOn(slot, '2026-04-02')!;
    await jobs['review-weekly']({ slot: slot.slot, kind: slot.kind, sessionDate: o.sessionDate, jobId: o.jobId, dueAt: new Date(o.dueAt), caughtUp: false, session: o.session });
    expect(added).toEqual([{ name: 'review.weekly', payload: { market: 'US', sessionDate: '2026-04-02' }, jobId: 'review-weekly-us-2026-04-02' }]);
  });
});
