/**
 * Issue 15 in the scheduler: job ids and `scheduled_runs` rows name the market
 * (`sched-<market>-<slot>-<date>`, market column set on every insert), a slot
 * that already ran under its pre-upgrade id (`sched-<slot>-<date>`) is not run
 * again, and a KR slot table runs on KRX sessions (with KRX overrides) next to
 * the US one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bindSlots, Scheduler, type EnqueueFn, type SlotRun } from '../../../../src/jobs/scheduler/runner.js';
import { krxTimeToInstant } from '../../../../src/engine/calendar/krx/index.js';
import { DEFAULT_SCHEDULE, REGULAR_HOURS, SLOT_KINDS, buildSlots, type SlotKind } from '../../../../src/engine/schedule/slots.js';
import type { CalendarOverride } from '../../../../src/engine/calendar/overrides.js';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { addCalendarOverride } from '../../../../src/trading/calendar/add-override.js';
import { ScheduledRuns } from '../../../../src/trading/schedule/runs-repo.js';
import { et } from '../../../unit/engine/schedule/expected-weeks.js';
import { fakeClock, makeSchedDb, silentLog, type SchedDb } from './setup.js';

const MINUTE = 60_000;
const usSlots = buildSlots(DEFAULT_SCHEDULE);
/** A KR table written on the Seoul clock; `scan-0935` (open+35) deliberately shares a US slot's name. */
const krSlots = buildSlots({ scans: ['open+35', 'close-5'], morningDigest: ['open-30'], closeDigest: [], exits: [], mark: [], reconcile: ['08:30'] }, REGULAR_HOURS.KR);

type Fired = SlotRun & { at: number };

function recorder(clock: { now: () => number }, sink: Fired[]): Record<SlotKind, EnqueueFn> {
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

/** A row as the scheduler before issue 15 wrote it: old key, no market named (the column's default). */
async function legacyRow(slot: string, date: string, dueAt: number, opts: { enqueued: boolean; claimedAt: number }): Promise<void> {
  await db.ds.query(
    `INSERT INTO scheduled_runs (slot_key, slot, session_date, due_at, enqueued_by, enqueued_at, caught_up, claimed_at) VALUES ($1, $2, $3, $4, 'old', $5, false, $6)`,
    [`sched-${slot}-${date}`, slot, date, new Date(dueAt), opts.enqueued ? new Date(dueAt) : null, new Date(opts.claimedAt)],
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
  await db.ds.query('DELETE FROM scheduled_runs');
  await db.ds.query('TRUNCATE calendar_overrides');
});

const add = (o: CalendarOverride) => addCalendarOverride({ db: db.uow, audit: new AuditLog(db.uow) }, o, 'cli');

describe('scheduler ids and rows name the market', () => {
  it('US slots run as sched-us-<slot>-<date>, and every row names its market', async () => {
    const clock = fakeClock(et('2026-03-10', '09:35', 4));
    const fired: Fired[] = [];
    const s = new Scheduler({ db: db.uow, slots: bindSlots(usSlots, recorder(clock, fired)).bound, instance: 'a', log: silentLog, now: clock.now, ticks: null, calendarOverrides: null });
    await s.tick();
    expect(fired.map((f) => [f.jobId, f.market])).toEqual([
      ['sched-us-reconcile-0920-2026-03-10', 'US'],
      ['sched-us-scan-0935-2026-03-10', 'US'],
    ]);
    expect(await db.uow.rows(`SELECT slot_key, market FROM scheduled_runs ORDER BY slot_key`)).toEqual([
      { slot_key: 'sched-us-reconcile-0920-2026-03-10', market: 'US' },
      { slot_key: 'sched-us-scan-0935-2026-03-10', market: 'US' },
    ]);
    expect(await new ScheduledRuns(db.uow).get('sched-us-scan-0935-2026-03-10')).toMatchObject({ market: 'US', slot: 'scan-0935', sessionDate: '2026-03-10' });
  });

  it('upgrade: a slot enqueued today under its old id is done, not run again; one claimed moments ago is busy until its lease expires', async () => {
    // Before the deploy, the old scheduler enqueued the 08:45 digest and the 09:20 reconcile, and claimed the 09:35 scan at 09:35.
    await legacyRow('digest-morning-0845', '2026-03-10', et('2026-03-10', '08:45', 4), { enqueued: true, claimedAt: et('2026-03-10', '08:45', 4) });
    await legacyRow('reconcile-0920', '2026-03-10', et('2026-03-10', '09:20', 4), { enqueued: true, claimedAt: et('2026-03-10', '09:20', 4) });
    await legacyRow('scan-0935', '2026-03-10', et('2026-03-10', '09:35', 4), { enqueued: false, claimedAt: et('2026-03-10', '09:35', 4) });

    const clock = fakeClock(et('2026-03-10', '09:35', 4) + 30_000);
    const fired: Fired[] = [];
    const s = new Scheduler({ db: db.uow, slots: bindSlots(usSlots, recorder(clock, fired)).bound, instance: 'new', log: silentLog, now: clock.now, ticks: null, calendarOverrides: null, leaseMs: MINUTE });
    expect((await s.tick()).map((o) => [o.jobId, o.result])).toEqual([
      ['sched-us-reconcile-0920-2026-03-10', 'done'],
      ['sched-us-scan-0935-2026-03-10', 'busy'],
    ]);
    expect(fired).toEqual([]);
    // The old claim's owner never confirmed: once its lease is over the slot runs, once, under the new id.
    clock.advance(MINUTE);
    expect((await s.tick()).map((o) => [o.jobId, o.result])).toEqual([['sched-us-scan-0935-2026-03-10', 'enqueued']]);
    clock.advance(MINUTE);
    expect(await s.tick()).toEqual([]);
    expect(fired.map((f) => f.jobId)).toEqual(['sched-us-scan-0935-2026-03-10']);
    // The old-id rows are neither touched nor duplicated under the new id.
    expect((await db.uow.rows<{ slot_key: string }>(`SELECT slot_key FROM scheduled_runs ORDER BY slot_key`)).map((r) => r.slot_key)).toEqual([
      'sched-digest-morning-0845-2026-03-10',
      'sched-reconcile-0920-2026-03-10',
      'sched-scan-0935-2026-03-10',
      'sched-us-scan-0935-2026-03-10',
    ]);
  });

  it('a legacy row of another day does not stand in for today', async () => {
    await legacyRow('scan-0935', '2026-03-09', et('2026-03-09', '09:35', 4), { enqueued: true, claimedAt: et('2026-03-09', '09:35', 4) });
    const clock = fakeClock(et('2026-03-10', '09:36', 4));
    const fired: Fired[] = [];
    const only = usSlots.filter((x) => x.slot === 'scan-0935');
    const s = new Scheduler({ db: db.uow, slots: bindSlots(only, recorder(clock, fired)).bound, instance: 'a', log: silentLog, now: clock.now, ticks: null, calendarOverrides: null });
    expect((await s.tick()).map((o) => [o.jobId, o.result])).toEqual([['sched-us-scan-0935-2026-03-10', 'enqueued']]);
  });
});

describe('a KR slot table next to the US one', () => {
  it('runs on KRX sessions in Seoul time: CSAT late open, a KRX override close, rows and ids of market KR', async () => {
    await add({ exchange: 'XKRX', date: '2026-11-20', kind: 'close', openTime: null, reason: 'System failure' });
    const clock = fakeClock(krxTimeToInstant('2026-11-18', '08:00'));
    const fired: Fired[] = [];
    const us = usSlots.filter((x) => x.slot === 'scan-0935');
    const s = new Scheduler({
      db: db.uow,
      slots: bindSlots(us, recorder(clock, fired)).bound,
      markets: [{ market: 'KR', slots: bindSlots(krSlots, recorder(clock, fired)).bound }],
      instance: 'a',
      log: silentLog,
      now: clock.now,
      ticks: null,
    });
    await walk(clock, krxTimeToInstant('2026-11-18', '08:00'), krxTimeToInstant('2026-11-21', '08:00'), s);
    const kr = fired.filter((f) => f.market === 'KR').map((f) => [f.jobId, new Date(f.at).toISOString()]);
    expect(kr).toEqual([
      // Wednesday: the regular 09:00–15:30 day.
      ['sched-kr-digest-morning-0830-2026-11-18', '2026-11-17T23:30:00.000Z'],
      ['sched-kr-reconcile-0830-2026-11-18', '2026-11-17T23:30:00.000Z'],
      ['sched-kr-scan-0935-2026-11-18', '2026-11-18T00:35:00.000Z'],
      ['sched-kr-scan-1525-2026-11-18', '2026-11-18T06:25:00.000Z'],
      // Thursday, CSAT day (10:00–16:30): the reconcile keeps its wall-clock time, the rest move an hour.
      ['sched-kr-reconcile-0830-2026-11-19', '2026-11-18T23:30:00.000Z'],
      ['sched-kr-digest-morning-0830-2026-11-19', '2026-11-19T00:30:00.000Z'],
      ['sched-kr-scan-0935-2026-11-19', '2026-11-19T01:35:00.000Z'],
      ['sched-kr-scan-1525-2026-11-19', '2026-11-19T07:25:00.000Z'],
      // Friday 11-20: closed by the KRX override; nothing.
    ]);
    // The US slot of the same name runs on every NYSE day of the walk, the KRX close notwithstanding.
    expect(fired.filter((f) => f.market === 'US').map((f) => f.jobId)).toEqual(['sched-us-scan-0935-2026-11-18', 'sched-us-scan-0935-2026-11-19', 'sched-us-scan-0935-2026-11-20']);
    const rows = await db.uow.rows<{ slot_key: string; market: string; session_date: string }>(`SELECT slot_key, market, session_date::text FROM scheduled_runs WHERE market = 'KR' ORDER BY slot_key`);
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.slot_key.startsWith('sched-kr-') && r.slot_key.endsWith(r.session_date))).toBe(true);
    expect(await db.uow.rows(`SELECT slot_key FROM scheduled_runs WHERE slot_key LIKE '%2026-11-20' AND market = 'KR'`)).toEqual([]);
  });

  it('a KRX holiday (2026-12-25) runs no KR slot', async () => {
    const clock = fakeClock(krxTimeToInstant('2026-12-25', '00:00'));
    const fired: Fired[] = [];
    const s = new Scheduler({ db: db.uow, markets: [{ market: 'KR', slots: bindSlots(krSlots, recorder(clock, fired)).bound }], instance: 'a', log: silentLog, now: clock.now, ticks: null });
    await walk(clock, krxTimeToInstant('2026-12-25', '00:00'), krxTimeToInstant('2026-12-26', '00:00'), s);
    expect(fired).toEqual([]);
  });

  it('refuses a market listed twice, and a slot name twice within one market', () => {
    const kr = bindSlots(krSlots, recorder({ now: () => 0 }, [])).bound;
    const base = { db: db.uow, instance: 'a', log: silentLog, ticks: null } as const;
    expect(() => new Scheduler({ ...base, markets: [{ market: 'KR', slots: kr }, { market: 'KR', slots: kr }] })).toThrow(/KR.*twice/);
    expect(() => new Scheduler({ ...base, slots: kr, markets: [{ market: 'US', slots: kr }] })).toThrow(/US.*twice/);
    expect(() => new Scheduler({ ...base, markets: [{ market: 'KR', slots: [...kr, kr[0]!] }] })).toThrow(/listed twice/);
  });
});
