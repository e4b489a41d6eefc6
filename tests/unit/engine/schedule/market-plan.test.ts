/**
 * Slots per market (issue 15): job ids name the market (`sched-<market>-<slot>-<date>`, market
 * lower-case), and a KR slot table is planned on KRX sessions in Seoul time — CSAT late opens,
 * KRX holidays and run-time KRX closes included — independently of the NYSE calendar.
 */
import { describe, expect, it } from 'vitest';
import { XKRX_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { krxTimeToInstant } from '../../../../src/engine/calendar/krx/index.js';
import { nyTimeToInstant } from '../../../../src/engine/calendar/index.js';
import { withOverrides } from '../../../../src/engine/calendar/overrides.js';
import {
  dueOccurrences,
  latestOccurrence,
  legacySlotJobId,
  nextOccurrence,
  occurrenceOn,
  occurrencesBetween,
  slotJobId,
} from '../../../../src/engine/schedule/plan.js';
import { marketPlan } from '../../../../src/engine/schedule/market-plan.js';
import { REGULAR_HOURS, buildSlots, describeSlot, makeSlot, type ScheduleSpec } from '../../../../src/engine/schedule/slots.js';

const KR_SPEC: ScheduleSpec = {
  scans: ['open+5', 'close-5', '09:30'],
  morningDigest: ['open-30'],
  closeDigest: ['close+15'],
  exits: [],
  mark: [],
  reconcile: ['08:30'],
};
const krSlots = buildSlots(KR_SPEC, REGULAR_HOURS.KR);
const KR = marketPlan('KR');
const kst = krxTimeToInstant;
const plan = (date: string, on = KR) =>
  krSlots
    .map((s) => occurrenceOn(s, date, on))
    .filter((o) => o !== null)
    .map((o) => [o.slot.slot, XKRX_CALENDAR.formatIso(o.dueAt).slice(11, 16), o.jobId]);

describe('slot job ids carry the market', () => {
  it('sched-<market>-<slot>-<session date>, market lower-case; US by default', () => {
    expect(slotJobId('scan-0935', '2026-03-10')).toBe('sched-us-scan-0935-2026-03-10');
    expect(slotJobId('scan-0935', '2026-03-10', 'KR')).toBe('sched-kr-scan-0935-2026-03-10');
    expect(legacySlotJobId('scan-0935', '2026-03-10')).toBe('sched-scan-0935-2026-03-10');
    const us = occurrenceOn(makeSlot('scan', '09:35'), '2026-03-10')!;
    expect([us.market, us.jobId]).toEqual(['US', 'sched-us-scan-0935-2026-03-10']);
    const kr = occurrenceOn(krSlots.find((s) => s.slot === 'scan-0905')!, '2026-11-18', KR)!;
    expect([kr.market, kr.jobId]).toEqual(['KR', 'sched-kr-scan-0905-2026-11-18']);
  });
});

describe('a KR slot table on KRX sessions', () => {
  it('names slots from the KRX regular day (09:00–15:30 Seoul) and keeps the kinds’ windows', () => {
    expect(krSlots.map(describeSlot)).toEqual([
      'digest-morning-0830 (open-30, until open)',
      'reconcile-0830 (08:30, until close)',
      'scan-0905 (open+5, until close)',
      'scan-0930 (09:30, until close)',
      'scan-1525 (close-5, until close)',
      'digest-close-1545 (close+15, until midnight)',
    ]);
  });

  it('a regular KRX day: every slot at its Seoul time', () => {
    expect(plan('2026-11-18')).toEqual([
      ['digest-morning-0830', '08:30', 'sched-kr-digest-morning-0830-2026-11-18'],
      ['reconcile-0830', '08:30', 'sched-kr-reconcile-0830-2026-11-18'],
      ['scan-0905', '09:05', 'sched-kr-scan-0905-2026-11-18'],
      ['scan-0930', '09:30', 'sched-kr-scan-0930-2026-11-18'],
      ['scan-1525', '15:25', 'sched-kr-scan-1525-2026-11-18'],
      ['digest-close-1545', '15:45', 'sched-kr-digest-close-1545-2026-11-18'],
    ]);
  });

  it('CSAT day (2026-11-19, 10:00–16:30): open- and close-relative slots move an hour, wall-clock ones stay, a scan before the open is skipped', () => {
    expect(plan('2026-11-19')).toEqual([
      ['digest-morning-0830', '09:30', 'sched-kr-digest-morning-0830-2026-11-19'],
      ['reconcile-0830', '08:30', 'sched-kr-reconcile-0830-2026-11-19'],
      ['scan-0905', '10:05', 'sched-kr-scan-0905-2026-11-19'],
      ['scan-1525', '16:25', 'sched-kr-scan-1525-2026-11-19'],
      ['digest-close-1545', '16:45', 'sched-kr-digest-close-1545-2026-11-19'],
    ]);
    // The morning digest (until open) is still useful at 09:59 Seoul on the late-open day.
    expect(dueOccurrences(krSlots, kst('2026-11-19', '09:59'), KR).map((o) => o.slot.slot)).toEqual(['reconcile-0830', 'digest-morning-0830']);
  });

  it('a KRX holiday (2026-12-25, NYSE closed too) and the year-end closure (2026-12-31, NYSE open) have no KR slots', () => {
    expect(plan('2026-12-25')).toEqual([]);
    expect(plan('2026-12-31')).toEqual([]);
    const between = occurrencesBetween(krSlots, kst('2026-12-24', '00:00'), kst('2027-01-01', '00:00'), KR);
    expect([...new Set(between.map((o) => o.sessionDate))]).toEqual(['2026-12-24', '2026-12-28', '2026-12-29', '2026-12-30']);
  });

  it('a run-time KRX close removes the day; a KRX late open moves open-anchored slots', () => {
    const cal = withOverrides(XKRX_CALENDAR, [
      { exchange: 'XKRX', date: '2026-11-20', kind: 'close', openTime: null, reason: 'System failure' },
      { exchange: 'XKRX', date: '2026-11-23', kind: 'late_open', openTime: '10:30', reason: 'Exchange systems' },
    ]);
    const overridden = marketPlan('KR', (d) => cal.sessionInfo(d));
    expect(plan('2026-11-20', overridden)).toEqual([]);
    expect(plan('2026-11-20')).not.toEqual([]);
    expect(plan('2026-11-23', overridden).find((r) => r[0] === 'scan-0905')![1]).toBe('10:35');
    expect(plan('2026-11-23', overridden).find((r) => r[0] === 'scan-0930')).toBeUndefined();
  });

  it('walks on the Seoul clock: next and latest occurrences across a KRX-only holiday week', () => {
    // Chuseok 2026: KRX closed Thu 09-24 and Fri 09-25 while NYSE trades.
    const next = nextOccurrence(krSlots, kst('2026-09-23', '16:00'), 10, KR)!;
    expect([next.slot.slot, next.sessionDate, next.dueAt]).toEqual(['digest-morning-0830', '2026-09-28', kst('2026-09-28', '08:30')]);
    const scan = krSlots.find((s) => s.slot === 'scan-0905')!;
    expect(latestOccurrence(scan, kst('2026-09-25', '12:00'), 10, KR)!.jobId).toBe('sched-kr-scan-0905-2026-09-23');
  });

  it('the weekly review falls on the last KRX session of the week, not the NYSE one', () => {
    const review = makeSlot('review-weekly', 'close+60', 10, REGULAR_HOURS.KR);
    expect(review.slot).toBe('review-weekly-1630');
    const occ = occurrencesBetween([review], kst('2026-09-21', '00:00'), kst('2026-10-05', '00:00'), KR);
    expect(occ.map((o) => [o.sessionDate, o.dueAt])).toEqual([
      ['2026-09-23', kst('2026-09-23', '16:30')],
      ['2026-10-02', kst('2026-10-02', '16:30')],
    ]);
    // Good Friday 2026-04-03: NYSE closed, KRX open.
    expect(occurrenceOn(review, '2026-04-03', KR)?.dueAt).toBe(kst('2026-04-03', '16:30'));
    expect(occurrenceOn(makeSlot('review-weekly', 'close+60'), '2026-04-02')?.dueAt).toBe(nyTimeToInstant('2026-04-02', '17:00'));
  });
});
