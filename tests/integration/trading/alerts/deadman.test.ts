import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { Alerts, currentAlerts } from '../../../../src/trading/alerts/alerts.js';
import { checkDeadman, startDeadman } from '../../../../src/trading/alerts/deadman.js';
import { bindSlots, Scheduler } from '../../../../src/jobs/scheduler/runner.js';
import { DEFAULT_SCHEDULE, SLOT_KINDS, buildSlots } from '../../../../src/engine/schedule/slots.js';
import { et } from '../../../unit/engine/schedule/expected-weeks.js';
import { fakeClock, makeSchedDb, silentLog, type SchedDb } from '../../jobs/scheduler/setup.js';
import { sink } from './sink.js';

const MIN = 60_000;
const slots = buildSlots(DEFAULT_SCHEDULE);

async function beat(ds: SchedDb['ds'], role: string, instance: string, at: number): Promise<void> {
  await ds.query(
    `INSERT INTO heartbeats (role, instance, pid, host, started_at, beat_at) VALUES ($1, $2, 1, 'host-1', $3, $3)
     ON CONFLICT (role, instance) DO UPDATE SET beat_at = EXCLUDED.beat_at`,
    [role, instance, new Date(at)],
  );
}

let db: SchedDb;
beforeAll(async () => {
  db = await makeSchedDb();
});
afterAll(async () => {
  await db?.close();
});
afterEach(async () => {
  await db.ds.query('DELETE FROM alerts');
  await db.ds.query('DELETE FROM heartbeats');
  await db.ds.query('DELETE FROM scheduled_runs');
});

describe('dead-man: heartbeats', () => {
  it('a role silent for over 5 minutes: one alert; still silent: no second; beating again: one "recovered"', async () => {
    const clock = fakeClock(Date.now());
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [7], now: clock.now });
    const opts = { db: db.uow, alerts, slots: [], now: clock.now, startedAt: clock.t - 60 * MIN };
    const workerBeat = clock.t - 4 * MIN;
    await beat(db.ds, 'bot', 'bot-1', clock.t - 30_000);
    await beat(db.ds, 'worker', 'worker-1', workerBeat);
    // 4 minutes: not yet.
    let r = await checkDeadman(opts);
    expect(r.roles.map((x) => [x.role, x.dead])).toEqual([
      ['bot', false],
      ['worker', false],
    ]);
    expect(s.texts).toEqual([]);

    clock.advance(2 * MIN);
    r = await checkDeadman(opts);
    expect(r.raised).toEqual(['deadman.heartbeat:worker']);
    expect(s.texts).toHaveLength(1);
    expect(s.texts[0]).toMatch(/^🚨 ALERT \(critical\) · heartbeat\n/);
    expect(s.sent[0]!.notice.alert.detail).toEqual({ code: 'heartbeat.missed', role: 'worker', ageMs: 6 * MIN, lastBeatAt: new Date(workerBeat).toISOString(), host: 'host-1' });

    clock.advance(MIN);
    await checkDeadman(opts);
    clock.advance(MIN);
    await checkDeadman(opts);
    expect(s.texts).toHaveLength(1);
    expect((await currentAlerts(db.uow)).map((a) => [a.key, a.count])).toEqual([['deadman.heartbeat:worker', 3]]);

    // Another instance of the role beats: the role is alive again (the bot kept beating all along).
    await beat(db.ds, 'bot', 'bot-1', clock.t - 1_000);
    await beat(db.ds, 'worker', 'worker-2', clock.t - 1_000);
    r = await checkDeadman(opts);
    expect(r.resolved).toEqual(['deadman.heartbeat:worker']);
    expect(s.texts).toHaveLength(2);
    expect(s.texts[1]).toMatch(/^✅ RECOVERED · heartbeat\n/);
    expect(s.sent[1]!.notice).toMatchObject({ kind: 'alert.recovered', note: { code: 'heartbeat.beating', role: 'worker', lastBeatAt: new Date(clock.t - 1_000).toISOString(), host: 'host-1' } });
    clock.advance(MIN);
    await beat(db.ds, 'bot', 'bot-1', clock.t - 1_000);
    r = await checkDeadman(opts);
    expect(r.roles.every((x) => !x.dead)).toBe(true);
    expect(s.texts).toHaveLength(2);
    expect(await currentAlerts(db.uow)).toEqual([]);
  });

  it('several processes running the check at once still alert once', async () => {
    const clock = fakeClock(Date.now());
    const s = sink();
    await beat(db.ds, 'scheduler', 's-1', clock.t - 10 * MIN);
    const others = await Promise.all([db.open(), db.open()]);
    await Promise.all(
      [db.uow, ...others.map((ds) => new TypeOrmUnitOfWork(ds))].map((uow) =>
        checkDeadman({ db: uow, alerts: new Alerts({ db: uow, notifier: s.notifier, admins: [7], now: clock.now }), slots: [], now: clock.now, startedAt: clock.t }),
      ),
    );
    expect(s.texts).toHaveLength(1);
    expect(s.sent[0]!.notice.alert.detail).toMatchObject({ code: 'heartbeat.missed', role: 'scheduler', ageMs: 10 * MIN });
  });

  it('an expected role that never beat is reported only after the dead-man has watched for the stale time', async () => {
    const clock = fakeClock(Date.now());
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [7], now: clock.now });
    const opts = { db: db.uow, alerts, slots: [], now: clock.now, startedAt: clock.t, expectedRoles: ['scheduler'] };
    await checkDeadman(opts);
    expect(s.texts).toEqual([]);
    clock.advance(5 * MIN + 1);
    await checkDeadman(opts);
    expect(s.texts).toHaveLength(1);
    expect(s.sent[0]!.notice.alert.detail).toEqual({ code: 'heartbeat.absent', role: 'scheduler' });
  });
});

describe('dead-man: scheduled slots', () => {
  it('a slot due + grace ago with no enqueue record raises an alert; once recorded it recovers', async () => {
    const clock = fakeClock(et('2026-03-10', '09:50', 4));
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [7], now: clock.now });
    // The scheduler ran earlier today (morning digest and 09:20 reconcile), then died before 09:35.
    const fired: string[] = [];
    const sched = new Scheduler({
      db: db.uow,
      slots: bindSlots(slots, Object.fromEntries(SLOT_KINDS.map((k) => [k, async (r: { jobId: string }) => void fired.push(r.jobId)]))).bound,
      instance: 'sched-1',
      log: silentLog,
      now: clock.now,
      ticks: null,
    });
    clock.set(et('2026-03-10', '08:45', 4));
    await sched.tick();
    clock.set(et('2026-03-10', '09:20', 4));
    await sched.tick();
    expect(fired).toEqual(['sched-us-digest-morning-0845-2026-03-10', 'sched-us-reconcile-0920-2026-03-10']);

    const opts = { db: db.uow, alerts, slots, now: clock.now, startedAt: et('2026-03-10', '09:49', 4) };
    // 09:44: the 09:35 scan is late but still within its 10-minute grace.
    clock.set(et('2026-03-10', '09:44', 4));
    let r = await checkDeadman(opts);
    expect(r.raised).toEqual([]);
    expect(r.slots.map((x) => [x.jobId, x.missing])).toEqual([
      ['sched-us-digest-morning-0845-2026-03-10', false],
      ['sched-us-reconcile-0920-2026-03-10', false],
    ]);

    clock.set(et('2026-03-10', '09:46', 4));
    r = await checkDeadman(opts);
    expect(r.raised).toEqual(['deadman.slot:scan-0935']);
    expect(s.texts).toHaveLength(1);
    expect(s.sent[0]!.notice.alert.detail).toEqual({ code: 'slot.missed', slot: 'scan-0935', sessionDate: '2026-03-10', dueAt: new Date(et('2026-03-10', '09:35', 4)).toISOString(), lateMs: 11 * MIN });
    clock.advance(MIN);
    await checkDeadman(opts);
    expect(s.texts).toHaveLength(1);

    // The scheduler comes back and catches it up: the alert recovers.
    clock.set(et('2026-03-10', '09:50', 4));
    await sched.tick();
    r = await checkDeadman(opts);
    expect(r.resolved).toEqual(['deadman.slot:scan-0935']);
    expect(s.texts).toHaveLength(2);
    expect(s.texts[1]).toMatch(/^✅ RECOVERED · schedule-missed\n/);
    expect(s.sent[1]!.notice).toMatchObject({ kind: 'alert.recovered', note: { code: 'slot.enqueued', slot: 'scan-0935', sessionDate: '2026-03-10' } });
  });

  it('a claimed but never confirmed enqueue counts as not run', async () => {
    const clock = fakeClock(et('2026-03-10', '10:45', 4));
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [7], now: clock.now });
    await db.ds.query(
      `INSERT INTO scheduled_runs (slot_key, slot, session_date, due_at, enqueued_by, caught_up, claimed_at) VALUES ('sched-us-scan-1030-2026-03-10', 'scan-1030', '2026-03-10', $1, 'x', false, $1)`,
      [new Date(et('2026-03-10', '10:30', 4))],
    );
    const r = await checkDeadman({ db: db.uow, alerts, slots: slots.filter((x) => x.slot === 'scan-1030'), now: clock.now, startedAt: clock.t });
    expect(r.raised).toEqual(['deadman.slot:scan-1030']);
  });

  it('a fresh install (no records, just started) is quiet; weekends and holidays are never "missed"', async () => {
    const s = sink();
    let clock = fakeClock(et('2026-03-10', '12:00', 4));
    let alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [7], now: clock.now });
    expect((await checkDeadman({ db: db.uow, alerts, slots, now: clock.now, startedAt: clock.t })).slots).toEqual([]);
    expect(s.texts).toEqual([]);

    // Records up to Friday's close; checked on Saturday, Sunday and the Good Friday holiday: nothing is owed.
    clock = fakeClock(et('2026-04-02', '00:00', 4));
    const sched = new Scheduler({ db: db.uow, slots: bindSlots(slots, Object.fromEntries(SLOT_KINDS.map((k) => [k, async () => undefined]))).bound, instance: 'x', log: silentLog, now: clock.now, ticks: null });
    for (let t = clock.t; t < et('2026-04-03', '00:00', 4); t += MIN) {
      clock.set(t);
      await sched.tick();
    }
    alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [7], now: clock.now });
    for (const t of [et('2026-04-03', '12:00', 4), et('2026-04-04', '12:00', 4), et('2026-04-05', '23:00', 4)]) {
      clock.set(t);
      const r = await checkDeadman({ db: db.uow, alerts, slots, now: clock.now, startedAt: et('2026-04-01', '00:00', 4) });
      expect(r.slots.every((x) => x.sessionDate === '2026-04-02' && !x.missing)).toBe(true);
      expect(r.slots).toHaveLength(9);
    }
    // Monday 09:46: the 09:35 scan is owed.
    clock.set(et('2026-04-06', '09:46', 4));
    const r = await checkDeadman({ db: db.uow, alerts, slots, now: clock.now, startedAt: et('2026-04-01', '00:00', 4) });
    expect(r.slots.filter((x) => x.missing).map((x) => x.jobId)).toEqual(['sched-us-digest-morning-0845-2026-04-06', 'sched-us-reconcile-0920-2026-04-06', 'sched-us-scan-0935-2026-04-06']);
    expect(s.texts).toHaveLength(3);
  });

  it('startDeadman runs the check periodically and keeps the last report', async () => {
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [7] });
    await beat(db.ds, 'worker', 'w', Date.now() - 6 * MIN);
    const dm = startDeadman({ db: db.uow, alerts, slots: [], intervalMs: 50 });
    try {
      await expect.poll(() => dm.lastReport()?.raised, { timeout: 5_000 }).toEqual(['deadman.heartbeat:worker']);
      expect(s.texts).toHaveLength(1);
    } finally {
      dm.stop();
    }
  });
});
