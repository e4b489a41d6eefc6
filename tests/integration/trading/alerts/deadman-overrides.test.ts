import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Alerts } from '../../../../src/trading/alerts/alerts.js';
import { checkDeadman } from '../../../../src/trading/alerts/deadman.js';
import { DEFAULT_SCHEDULE, buildSlots } from '../../../../src/engine/schedule/slots.js';
import { CachedCalendarOverrides } from '../../../../src/trading/calendar/overrides-source.js';
import { CalendarOverrideStore } from '../../../../src/trading/calendar/store.js';
import { et } from '../../../unit/engine/schedule/expected-weeks.js';
import { fakeClock, makeSchedDb, type SchedDb } from '../../jobs/scheduler/setup.js';
import { sink } from './sink.js';

const slots = buildSlots(DEFAULT_SCHEDULE);

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
  await db.ds.query('DELETE FROM calendar_overrides');
});

/** Tuesday 2026-03-10, 09:46 New York: the 08:45 digest, 09:20 reconcile and 09:35 scan are owed on a normal day. */
const at = et('2026-03-10', '09:46', 4);
const startedAt = et('2026-03-09', '00:00', 4);
const owedThatDay = ['sched-us-digest-morning-0845-2026-03-10', 'sched-us-reconcile-0920-2026-03-10', 'sched-us-scan-0935-2026-03-10'];

/** A reader that has not cached yet (the shared one keeps a read for 30 s). */
const fresh = () => new CachedCalendarOverrides({ list: () => new CalendarOverrideStore(db.uow).list() });

async function check(overrides?: CachedCalendarOverrides | null) {
  const clock = fakeClock(at);
  const s = sink();
  const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [7], now: clock.now });
  const r = await checkDeadman({ db: db.uow, alerts, slots, now: clock.now, startedAt, ...(overrides !== undefined ? { calendarOverrides: overrides } : {}) });
  return r.slots.filter((x) => x.missing && x.sessionDate === '2026-03-10').map((x) => x.jobId);
}

describe('dead-man: run-time calendar overrides', () => {
  it('a day closed with `courtside calendar close` owes no slot; the rule calendar alone would call them missed', async () => {
    expect(await check()).toEqual(owedThatDay);
    await db.ds.query(`INSERT INTO calendar_overrides (exchange, date, kind, reason, created_by) VALUES ('XNYS', '2026-03-10', 'close', 'national day of mourning', 'cli')`);
    // With the overrides read, then with the rule calendar only.
    expect(await check(fresh())).toEqual([]);
    expect(await check(null)).toEqual(owedThatDay);
  });

  it('a late open moves the open-anchored slots: the 09:35 scan is not owed before an 11:00 open', async () => {
    await db.ds.query(`INSERT INTO calendar_overrides (exchange, date, kind, open_time, reason, created_by) VALUES ('XNYS', '2026-03-10', 'late_open', '11:00', 'systems issue at the exchange', 'cli')`);
    const missing = await check(fresh());
    expect(missing).not.toContain('sched-us-scan-0935-2026-03-10');
  });

  it('overrides that cannot be read: slots are judged on the rule calendar (and the check still runs)', async () => {
    const broken = new CachedCalendarOverrides({ list: () => Promise.reject(new Error('connect ECONNREFUSED')) });
    expect(await check(broken)).toEqual(owedThatDay);
  });
});
