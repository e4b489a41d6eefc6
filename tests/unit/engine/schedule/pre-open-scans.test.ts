/**
 * Scans written before the regular open (issue 15, H9b): a KR scan at 08:10 KST posts picks from
 * the previous close before KRX's 08:30 pre-open auction, so it runs before the open instead of
 * being skipped like a scan whose time falls outside the session. Scans at or after the open keep
 * running only while the market is open.
 */
import { describe, expect, it } from 'vitest';
import { XKRX_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { krxTimeToInstant } from '../../../../src/engine/calendar/krx/index.js';
import { marketPlan } from '../../../../src/engine/schedule/market-plan.js';
import { occurrenceOn } from '../../../../src/engine/schedule/plan.js';
import { REGULAR_HOURS, describeSlot, makeSlot } from '../../../../src/engine/schedule/slots.js';
import { et } from './expected-weeks.js';

const KR = marketPlan('KR');
const seoul = (ms: number) => XKRX_CALENDAR.formatIso(ms).slice(11, 16);

describe('pre-open scans', () => {
  it('a KR scan at 08:10 KST runs before the open, caught up until the close', () => {
    const scan = makeSlot('scan', '08:10', 10, REGULAR_HOURS.KR);
    expect(scan.whileOpen).toBe(false);
    expect(describeSlot(scan)).toBe('scan-0810 (08:10, until close)');
    const o = occurrenceOn(scan, '2026-11-26', KR)!;
    expect(o.jobId).toBe('sched-kr-scan-0810-2026-11-26');
    expect(o.dueAt).toBe(krxTimeToInstant('2026-11-26', '08:10'));
    expect(o.dueAt).toBeLessThan(o.session.open);
    expect(o.until).toBe(krxTimeToInstant('2026-11-26', '15:30'));
  });

  it('CSAT day (2026-11-19, 10:00–16:30): an open-relative pre-open scan moves with the open, a wall-clock one keeps its time', () => {
    const rel = makeSlot('scan', 'open-50', 10, REGULAR_HOURS.KR);
    const clock = makeSlot('scan', '08:10', 10, REGULAR_HOURS.KR);
    expect(rel.slot).toBe('scan-0810');
    expect(seoul(occurrenceOn(rel, '2026-11-18', KR)!.dueAt)).toBe('08:10');
    expect(seoul(occurrenceOn(rel, '2026-11-19', KR)!.dueAt)).toBe('09:10');
    expect(seoul(occurrenceOn(clock, '2026-11-19', KR)!.dueAt)).toBe('08:10');
    expect(seoul(occurrenceOn(rel, '2026-11-19', KR)!.until)).toBe('16:30');
  });

  it('a scan at or after the regular open still needs the market open (a 09:10 KR scan is skipped on a 10:00 late open)', () => {
    const scan = makeSlot('scan', '09:10', 10, REGULAR_HOURS.KR);
    expect(scan.whileOpen).toBe(true);
    expect(occurrenceOn(scan, '2026-11-18', KR)).not.toBeNull();
    expect(occurrenceOn(scan, '2026-11-19', KR)).toBeNull();
  });

  it('a US scan set before the open keeps needing the open (the pre-open rule is KRX\'s); the default scans are unchanged', () => {
    const early = makeSlot('scan', '09:00');
    expect(early.whileOpen).toBe(true);
    for (const t of ['09:35', 'open', 'close-5']) expect(makeSlot('scan', t).whileOpen, t).toBe(true);
  });

  it('exits stay inside the session, whatever their time', () => {
    expect(makeSlot('exits', '08:10', 10, REGULAR_HOURS.KR).whileOpen).toBe(true);
  });
});
