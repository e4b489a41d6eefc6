/**
 * The scheduler honours run-time calendar overrides (courtside calendar close|late-open) without
 * a restart: an override added while it runs acts once its cached read is renewed, a closed day
 * fires nothing, and open-anchored slots move with a late open (whileOpen slots before it stay off).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bindSlots, Scheduler, type EnqueueFn, type SlotRun } from '../../../../src/jobs/scheduler/runner.js';
import { buildSlots, DEFAULT_SCHEDULE, SLOT_KINDS, type SlotKind } from '../../../../src/engine/schedule/slots.js';
import type { CalendarOverride } from '../../../../src/engine/calendar/overrides.js';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { addCalendarOverride } from '../../../../src/trading/calendar/add-override.js';
import { CachedCalendarOverrides } from '../../../../src/trading/calendar/overrides-source.js';
import { CalendarOverrideStore } from '../../../../src/trading/calendar/store.js';
import { et } from '../../../unit/engine/schedule/expected-weeks.js';
import { fakeClock, makeSchedDb, silentLog, type SchedDb } from './setup.js';

const MINUTE = 60_000;

function recorder(clock: { now: () => number }, sink: (SlotRun & { at: number })[]): Record<SlotKind, EnqueueFn> {
  const fn: EnqueueFn = async (run) => {
    sink.push({ ...run, at: clock.now() });
  };
  return Object.fromEntries(SLOT_KINDS.map((k) => [k, fn])) as Record<SlotKind, EnqueueFn>;
}

async function walk(clock: ReturnType<typeof fakeClock>, from: number, to: number, s: Scheduler): Promise<void> {
  for (let t = from; t < to; t += MINUTE) {
    clock.set(t);
    await s.tick();
  }
}

let db: SchedDb;
beforeAll(async () => {
  db = await makeSchedDb();
});
afterAll(async () => {
  await db?.close();
});
afterEach(async () => {
  await db.ds.query('DELETE FROM scheduled_runs');
  await db.ds.query('TRUNCATE calendar_overrides');
});

const add = (o: CalendarOverride) => addCalendarOverride({ db: db.uow, audit: new AuditLog(db.uow) }, o, 'cli');

describe('scheduler with run-time calendar overrides', () => {
  it('a close added while it runs: nothing fires on the closed day, the days around it run as usual', async () => {
    const slots = buildSlots(DEFAULT_SCHEDULE);
    const clock = fakeClock(et('2026-12-09', '08:00', 5));
    const fired: (SlotRun & { at: number })[] = [];
    // The cache ages on the test's clock, so a minute of walking renews the read (in production: real time).
    const overrides = new CachedCalendarOverrides({ list: () => new CalendarOverrideStore(db.uow).list() }, { ttlMs: MINUTE, clock: clock.now });
    const s = new Scheduler({ db: db.uow, slots: bindSlots(slots, recorder(clock, fired)).bound, instance: 'sched-a', log: silentLog, now: clock.now, ticks: null, calendarOverrides: overrides });

    await walk(clock, et('2026-12-09', '08:00', 5), et('2026-12-09', '18:00', 5), s);
    const wednesday = fired.filter((f) => f.sessionDate === '2026-12-09').map((f) => f.slot);
    expect(wednesday).toEqual(slots.map((x) => x.slot));

    await add({ exchange: 'XNYS', date: '2026-12-10', kind: 'close', openTime: null, reason: 'Storm' });
    await walk(clock, et('2026-12-09', '18:00', 5), et('2026-12-11', '18:00', 5), s);
    expect(fired.filter((f) => f.sessionDate === '2026-12-10')).toEqual([]);
    expect(fired.filter((f) => f.sessionDate === '2026-12-11').map((f) => f.slot)).toEqual(wednesday);
    expect(await db.uow.rows(`SELECT slot_key FROM scheduled_runs WHERE slot_key LIKE '%2026-12-10'`)).toEqual([]);
  });

  it('by default it reads calendar_overrides from its database: a late open moves open-anchored slots and silences whileOpen ones before it', async () => {
    await add({ exchange: 'XNYS', date: '2026-12-10', kind: 'late_open', openTime: '10:30', reason: 'Exchange systems' });
    // scan-0935 is "open+5"; scan-1000 is a clock time (whileOpen); reconcile-0920 is a clock time that runs pre-open.
    const slots = buildSlots({ ...DEFAULT_SCHEDULE, scans: ['open+5', '10:00', 'close-5'] });
    const clock = fakeClock(et('2026-12-10', '08:00', 5));
    const fired: (SlotRun & { at: number })[] = [];
    const s = new Scheduler({ db: db.uow, slots: bindSlots(slots, recorder(clock, fired)).bound, instance: 'sched-b', log: silentLog, now: clock.now, ticks: null });
    await walk(clock, et('2026-12-10', '08:00', 5), et('2026-12-10', '12:00', 5), s);
    const at = (slot: string) => fired.find((f) => f.slot === slot && f.sessionDate === '2026-12-10')?.at;
    expect(at('scan-0935')).toBe(Date.parse('2026-12-10T15:35:00Z')); // 10:35 ET: five minutes after the late open
    expect(at('scan-1000')).toBeUndefined(); // 10:00 ET: before the open
    expect(at('reconcile-0920')).toBe(Date.parse('2026-12-10T14:20:00Z'));
    expect(fired.find((f) => f.slot === 'scan-0935')?.session).toMatchObject({ open: Date.parse('2026-12-10T15:30:00Z'), lateOpen: true });
  });
});
