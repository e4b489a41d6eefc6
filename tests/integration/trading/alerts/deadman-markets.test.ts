/**
 * The dead-man reads the issue-15 ids (`sched-<market>-<slot>-<date>`): a US slot enqueued under
 * its new id or, on the day of the upgrade, under its old one is not missed; a KR table is judged
 * on KRX sessions, only from the first KR record on, under its own alert key.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Alerts } from '../../../../src/trading/alerts/alerts.js';
import { checkDeadman } from '../../../../src/trading/alerts/deadman.js';
import { bindSlots, Scheduler } from '../../../../src/jobs/scheduler/runner.js';
import { krxTimeToInstant } from '../../../../src/engine/calendar/krx/index.js';
import { DEFAULT_SCHEDULE, REGULAR_HOURS, SLOT_KINDS, buildSlots } from '../../../../src/engine/schedule/slots.js';
import { et } from '../../../unit/engine/schedule/expected-weeks.js';
import { fakeClock, makeSchedDb, silentLog, type SchedDb } from '../../jobs/scheduler/setup.js';
import { sink } from './sink.js';

const MIN = 60_000;
const usSlots = buildSlots(DEFAULT_SCHEDULE).filter((s) => ['digest-morning-0845', 'reconcile-0920', 'scan-0935'].includes(s.slot));
const krSlots = buildSlots({ scans: ['open+5'], morningDigest: [], closeDigest: [], exits: [], mark: [], reconcile: [] }, REGULAR_HOURS.KR);
const noop = Object.fromEntries(SLOT_KINDS.map((k) => [k, async () => undefined]));

let db: SchedDb;
beforeAll(async () => {
  db = await makeSchedDb();
});
afterAll(async () => {
  await db?.close();
});
afterEach(async () => {
  await db.ds.query('DELETE FROM alerts');
  await db.ds.query('DELETE FROM scheduled_runs');
});

async function legacyEnqueued(slot: string, date: string, dueAt: number): Promise<void> {
  await db.ds.query(
    `INSERT INTO scheduled_runs (slot_key, slot, session_date, due_at, enqueued_by, enqueued_at, caught_up, claimed_at) VALUES ($1, $2, $3, $4, 'old', $4, false, $4)`,
    [`sched-${slot}-${date}`, slot, date, new Date(dueAt)],
  );
}

describe('dead-man with market ids', () => {
  it('US: a slot run under its new id or (upgrade day) its old id is not missed; one under neither is', async () => {
    const clock = fakeClock(et('2026-03-10', '08:45', 4));
    // The new scheduler runs the 08:45 digest; the 09:20 reconcile ran before the deploy under its old id; nothing ran the 09:35 scan.
    const sched = new Scheduler({ db: db.uow, slots: bindSlots(usSlots.filter((s) => s.slot === 'digest-morning-0845'), noop).bound, instance: 'x', log: silentLog, now: clock.now, ticks: null, calendarOverrides: null });
    await sched.tick();
    await legacyEnqueued('reconcile-0920', '2026-03-10', et('2026-03-10', '09:20', 4));
    clock.set(et('2026-03-10', '09:46', 4));
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [7], now: clock.now });
    const r = await checkDeadman({ db: db.uow, alerts, slots: usSlots, now: clock.now, startedAt: et('2026-03-09', '00:00', 4), calendarOverrides: null });
    expect(r.slots.map((x) => [x.jobId, x.missing])).toEqual([
      ['sched-us-digest-morning-0845-2026-03-10', false],
      ['sched-us-reconcile-0920-2026-03-10', false],
      ['sched-us-scan-0935-2026-03-10', true],
    ]);
    // US alert keys are unchanged by issue 15, so alerts opened before the upgrade still resolve.
    expect(r.raised).toEqual(['deadman.slot:scan-0935']);
  });

  it('KR: judged on KRX sessions from the first KR record on; a missed KR slot has its own key', async () => {
    const kr = [{ market: 'KR' as const, slots: krSlots }];
    const s = sink();
    // US records go back weeks; KR has none yet: a KR slot due before KR scheduling began is not owed.
    await legacyEnqueued('scan-0935', '2026-03-10', et('2026-03-10', '09:35', 4));
    let clock = fakeClock(krxTimeToInstant('2026-11-18', '09:30'));
    let alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [7], now: clock.now });
    // The dead-man restarts with the deploy that adds the KR table.
    let r = await checkDeadman({ db: db.uow, alerts, slots: [], markets: kr, now: clock.now, startedAt: clock.t, calendarOverrides: null });
    expect(r.slots).toEqual([]);

    // KR scheduling runs Wednesday's 09:05 scan; checked during Thursday's CSAT late open (10:00), Wednesday's is the latest owed.
    clock = fakeClock(krxTimeToInstant('2026-11-18', '09:05'));
    const sched = new Scheduler({ db: db.uow, markets: [{ market: 'KR', slots: bindSlots(krSlots, noop).bound }], instance: 'x', log: silentLog, now: clock.now, ticks: null, calendarOverrides: null });
    await sched.tick();
    clock.set(krxTimeToInstant('2026-11-19', '10:00'));
    alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [7], now: clock.now });
    r = await checkDeadman({ db: db.uow, alerts, slots: [], markets: kr, now: clock.now, startedAt: clock.t, calendarOverrides: null });
    expect(r.slots.map((x) => [x.jobId, x.missing])).toEqual([['sched-kr-scan-0905-2026-11-18', false]]);

    // 10:16 on CSAT day: the 10:05 scan is past its grace and was never enqueued.
    clock.set(krxTimeToInstant('2026-11-19', '10:16'));
    r = await checkDeadman({ db: db.uow, alerts, slots: [], markets: kr, now: clock.now, startedAt: clock.t, calendarOverrides: null });
    expect(r.slots.map((x) => [x.jobId, x.missing])).toEqual([['sched-kr-scan-0905-2026-11-19', true]]);
    expect(r.raised).toEqual(['deadman.slot:kr-scan-0905']);
    expect(s.sent[0]!.notice.alert.detail).toMatchObject({ code: 'slot.missed', slot: 'kr-scan-0905', sessionDate: '2026-11-19', dueAt: new Date(krxTimeToInstant('2026-11-19', '10:05')).toISOString() });
  });

  it('KR holidays owe nothing: on 2026-12-25 the latest KR occurrence is Christmas Eve’s', async () => {
    const clock = fakeClock(krxTimeToInstant('2026-12-24', '09:05'));
    const sched = new Scheduler({ db: db.uow, markets: [{ market: 'KR', slots: bindSlots(krSlots, noop).bound }], instance: 'x', log: silentLog, now: clock.now, ticks: null, calendarOverrides: null });
    await sched.tick();
    clock.set(krxTimeToInstant('2026-12-25', '12:00'));
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [7], now: clock.now });
    const r = await checkDeadman({ db: db.uow, alerts, slots: [], markets: [{ market: 'KR', slots: krSlots }], now: clock.now, startedAt: clock.t - MIN, calendarOverrides: null });
    expect(r.slots.map((x) => [x.jobId, x.missing])).toEqual([['sched-kr-scan-0905-2026-12-24', false]]);
  });
});
