import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { ScheduledRuns } from '../../../../src/trading/schedule/runs-repo.js';
import { bindSlots, Scheduler, type EnqueueFn, type SlotRun, type TickSource } from '../../../../src/jobs/scheduler/runner.js';
import { occurrenceOn } from '../../../../src/engine/schedule/plan.js';
import { DEFAULT_SCHEDULE, SLOT_KINDS, buildSlots, type SlotKind } from '../../../../src/engine/schedule/slots.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { DST_WEEK, THANKSGIVING_WEEK, day, et } from '../../../unit/engine/schedule/expected-weeks.js';
import { fakeClock, makeSchedDb, silentLog, type SchedDb } from './setup.js';

const slots = buildSlots(DEFAULT_SCHEDULE);
const MINUTE = 60_000;

interface Fired extends SlotRun {
  at: number;
  by: string;
}

function recorder(clock: { now: () => number }, by: string, sink: Fired[], opts: { delayMs?: number; failFirst?: number } = {}): Record<SlotKind, EnqueueFn> {
  let failures = opts.failFirst ?? 0;
  const fn: EnqueueFn = async (run) => {
    if (failures > 0) {
      failures--;
      throw new Error('redis is down');
    }
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    sink.push({ ...run, at: clock.now(), by });
  };
  return Object.fromEntries(SLOT_KINDS.map((k) => [k, fn])) as Record<SlotKind, EnqueueFn>;
}

function scheduler(ds: SchedDb['ds'], clock: { now: () => number }, instance: string, handlers: Record<SlotKind, EnqueueFn>, extra: Partial<ConstructorParameters<typeof Scheduler>[0]> = {}): Scheduler {
  return new Scheduler({ db: new TypeOrmUnitOfWork(ds), slots: bindSlots(slots, handlers).bound, instance, log: silentLog, now: clock.now, ticks: null, ...extra });
}

/** Steps the clock minute by minute from `from` to `to`, ticking every scheduler at each minute (concurrently). */
async function walk(clock: ReturnType<typeof fakeClock>, from: number, to: number, schedulers: Scheduler[]): Promise<void> {
  for (let t = from; t < to; t += MINUTE) {
    clock.set(t);
    await Promise.all(schedulers.map((s) => s.tick()));
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
});

describe('scheduler runner with a simulated clock', () => {
  it('DST week: fires exactly the expected slots at the expected UTC instants, once each, none late', async () => {
    const clock = fakeClock(DST_WEEK.from);
    const fired: Fired[] = [];
    const s = scheduler(db.ds, clock, 'sched-a', recorder(clock, 'sched-a', fired));
    await walk(clock, DST_WEEK.from, DST_WEEK.to, [s]);
    expect(fired.map((f) => ({ slot: f.slot, sessionDate: f.sessionDate, at: f.at, jobId: f.jobId }))).toEqual(DST_WEEK.expected);
    expect(fired.every((f) => !f.caughtUp && f.dueAt.getTime() === f.at)).toBe(true);
    expect(fired.find((f) => f.jobId === 'sched-us-scan-0935-2026-03-09')!.kind).toBe('scan');
    const rows = await new ScheduledRuns(db.uow).between('2026-03-01', '2026-03-31');
    expect(rows.map((r) => r.slotKey)).toEqual(DST_WEEK.expected.map((e) => e.jobId));
    expect(rows.every((r) => r.enqueuedAt !== null && r.enqueuedBy === 'sched-a' && !r.caughtUp)).toBe(true);
  });

  it('Thanksgiving week: nothing on the holiday, the early-close slots at 12:50–13:35 ET', async () => {
    const clock = fakeClock(THANKSGIVING_WEEK.from);
    const fired: Fired[] = [];
    const s = scheduler(db.ds, clock, 'sched-a', recorder(clock, 'sched-a', fired));
    await walk(clock, THANKSGIVING_WEEK.from, THANKSGIVING_WEEK.to, [s]);
    expect(fired.map((f) => ({ slot: f.slot, sessionDate: f.sessionDate, at: f.at, jobId: f.jobId }))).toEqual(THANKSGIVING_WEEK.expected);
    expect(fired.filter((f) => f.sessionDate === '2026-11-26')).toEqual([]);
    expect(new Date(fired.find((f) => f.jobId === 'sched-us-scan-1555-2026-11-27')!.at).toISOString()).toBe('2026-11-27T17:55:00.000Z');
  });

  it('two scheduler instances on one database and one queue: one enqueue per slot', async () => {
    const prefix = uniquePrefix();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const queue = new Queue('scans', { connection: redis, prefix });
    try {
      const clock = fakeClock(et('2026-03-10', '00:00', 4));
      const fired: Fired[] = [];
      const ds2 = await db.open();
      // Each callback really enqueues with the given jobId, after a pause that lets the replicas race.
      const enqueueVia = (by: string): Record<SlotKind, EnqueueFn> => {
        const rec = recorder(clock, by, fired, { delayMs: 15 });
        return Object.fromEntries(
          SLOT_KINDS.map((k) => [
            k,
            async (run: SlotRun) => {
              await rec[k](run);
              await queue.add(run.kind, { slot: run.slot, sessionDate: run.sessionDate }, { jobId: run.jobId });
            },
          ]),
        ) as Record<SlotKind, EnqueueFn>;
      };
      const results: string[] = [];
      const onTick = (o: { result: string }[]) => results.push(...o.map((x) => x.result));
      const a = scheduler(db.ds, clock, 'sched-a', enqueueVia('sched-a'), { onTick });
      const b = scheduler(ds2, clock, 'sched-b', enqueueVia('sched-b'), { onTick });
      await walk(clock, et('2026-03-10', '00:00', 4), et('2026-03-11', '00:00', 4), [a, b]);
      expect(fired.map((f) => f.jobId).sort()).toEqual(day('2026-03-10', 4).map((e) => e.jobId).sort());
      // They really raced: each slot was claimed by one and found busy (then done) by the other.
      expect(results.filter((r) => r === 'enqueued')).toHaveLength(9);
      expect(results.filter((r) => r === 'busy').length).toBeGreaterThanOrEqual(1);
      expect(results.filter((r) => r === 'done')).toHaveLength(9);
      expect(await queue.count()).toBe(9);
      expect(new Set((await new ScheduledRuns(db.uow).between('2026-03-10', '2026-03-10')).map((r) => r.enqueuedBy)).size).toBeGreaterThanOrEqual(1);
    } finally {
      await queue.close();
      redis.disconnect();
      await cleanRedis(prefix);
    }
  });

  it('started at 09:50 ET: catches up the 09:20 reconcile and 09:35 scan once, not the morning digest; a restart does not repeat them', async () => {
    const clock = fakeClock(et('2026-03-10', '09:50', 4));
    const fired: Fired[] = [];
    const first = scheduler(db.ds, clock, 'sched-a', recorder(clock, 'sched-a', fired));
    const outcomes = await first.start();
    expect(outcomes.map((o) => [o.jobId, o.result, o.caughtUp])).toEqual([
      ['sched-us-reconcile-0920-2026-03-10', 'enqueued', true],
      ['sched-us-scan-0935-2026-03-10', 'enqueued', true],
    ]);
    expect(fired.map((f) => [f.jobId, f.caughtUp])).toEqual([
      ['sched-us-reconcile-0920-2026-03-10', true],
      ['sched-us-scan-0935-2026-03-10', true],
    ]);
    const row = await new ScheduledRuns(db.uow).get('sched-us-scan-0935-2026-03-10');
    expect(row).toMatchObject({ slot: 'scan-0935', sessionDate: '2026-03-10', caughtUp: true, enqueuedBy: 'sched-a' });
    expect(row!.dueAt.toISOString()).toBe('2026-03-10T13:35:00.000Z');
    expect(await new ScheduledRuns(db.uow).get('sched-us-digest-morning-0845-2026-03-10')).toBeNull();
    await first.stop();

    // The process restarts (a new instance, nothing in memory): nothing is enqueued again.
    clock.set(et('2026-03-10', '09:55', 4));
    const second = scheduler(db.ds, clock, 'sched-a2', recorder(clock, 'sched-a2', fired));
    const again = await second.start();
    expect(again.map((o) => [o.jobId, o.result])).toEqual([
      ['sched-us-reconcile-0920-2026-03-10', 'done'],
      ['sched-us-scan-0935-2026-03-10', 'done'],
    ]);
    expect(fired).toHaveLength(2);
    // Later ticks of the restarted instance: the known-done ones are not even queried; 10:30 fires on time.
    await walk(clock, et('2026-03-10', '09:56', 4), et('2026-03-10', '10:31', 4), [second]);
    expect(fired.map((f) => [f.jobId, f.caughtUp, f.by])).toEqual([
      ['sched-us-reconcile-0920-2026-03-10', true, 'sched-a'],
      ['sched-us-scan-0935-2026-03-10', true, 'sched-a'],
      ['sched-us-scan-1030-2026-03-10', false, 'sched-a2'],
    ]);
    await second.stop();
  });

  it('a morning digest missed until after the open is never caught up; one missed before the open is', async () => {
    const clock = fakeClock(et('2026-03-10', '09:31', 4));
    const fired: Fired[] = [];
    const s = scheduler(db.ds, clock, 'sched-a', recorder(clock, 'sched-a', fired));
    await s.start();
    await walk(clock, et('2026-03-10', '09:32', 4), et('2026-03-10', '12:00', 4), [s]);
    expect(fired.map((f) => f.slot)).not.toContain('digest-morning-0845');
    expect(fired.map((f) => f.slot)).toEqual(['reconcile-0920', 'scan-0935', 'scan-1030']);

    clock.set(et('2026-03-11', '09:10', 4));
    await s.tick();
    expect(fired.slice(3).map((f) => [f.jobId, f.caughtUp])).toEqual([['sched-us-digest-morning-0845-2026-03-11', true]]);
  });

  it('a failed enqueue is given back and retried on the next tick (by any replica), then recorded once', async () => {
    const clock = fakeClock(et('2026-03-10', '10:30', 4));
    const fired: Fired[] = [];
    const a = scheduler(db.ds, clock, 'sched-a', recorder(clock, 'sched-a', fired, { failFirst: 3 }));
    const first = await a.tick();
    // reconcile-0920 and scan-0935 (caught up) and scan-1030 all fail: Redis is "down".
    expect(first.map((o) => o.result)).toEqual(['failed', 'failed', 'failed']);
    const row = await new ScheduledRuns(db.uow).get('sched-us-scan-1030-2026-03-10');
    expect(row).toMatchObject({ enqueuedAt: null, lastError: 'redis is down', attempts: 1 });

    const b = scheduler(db.ds, clock, 'sched-b', recorder(clock, 'sched-b', fired));
    clock.advance(MINUTE);
    const second = await b.tick();
    expect(second.map((o) => [o.slot, o.result])).toEqual([
      ['reconcile-0920', 'enqueued'],
      ['scan-0935', 'enqueued'],
      ['scan-1030', 'enqueued'],
    ]);
    expect(await new ScheduledRuns(db.uow).get('sched-us-scan-1030-2026-03-10')).toMatchObject({ enqueuedBy: 'sched-b', attempts: 2, lastError: null });
    clock.advance(MINUTE);
    expect((await a.tick()).map((o) => o.result)).toEqual(['done', 'done', 'done']);
    expect(fired).toHaveLength(3);
  });

  it('a claim whose owner died before confirming blocks others only until its lease expires', async () => {
    const clock = fakeClock(et('2026-03-10', '10:30', 4));
    const runs = new ScheduledRuns(db.uow);
    const occ = occurrenceOn(slots.find((s) => s.slot === 'scan-1030')!, '2026-03-10')!;
    expect(await runs.claim(occ, 'crashed', false, clock.t, 60_000)).toBe('claimed');
    const fired: Fired[] = [];
    const s = new Scheduler({ db: db.uow, slots: bindSlots(slots.filter((x) => x.slot === 'scan-1030'), recorder(clock, 'b', fired)).bound, instance: 'b', log: silentLog, now: clock.now, ticks: null, leaseMs: 60_000 });
    clock.advance(30_000);
    expect((await s.tick()).map((o) => o.result)).toEqual(['busy']);
    clock.advance(30_000);
    expect((await s.tick()).map((o) => [o.result, o.caughtUp])).toEqual([['enqueued', false]]);
    expect(fired.map((f) => f.jobId)).toEqual(['sched-us-scan-1030-2026-03-10']);
  });

  it('start() subscribes to the wall-clock trigger and stop() unsubscribes', async () => {
    const clock = fakeClock(et('2026-03-10', '10:29', 4));
    let trigger: (() => void) | null = null;
    let stopped = false;
    const ticks: TickSource = {
      start(onTick) {
        trigger = onTick;
        return () => {
          stopped = true;
        };
      },
    };
    const fired: Fired[] = [];
    const ticked: string[][] = [];
    const s = new Scheduler({
      db: db.uow,
      slots: bindSlots(slots.filter((x) => x.slot === 'scan-1030'), recorder(clock, 'a', fired)).bound,
      instance: 'a',
      log: silentLog,
      now: clock.now,
      ticks,
      onTick: (o) => ticked.push(o.map((x) => x.jobId)),
    });
    expect(await s.start()).toEqual([]);
    expect(trigger).not.toBeNull();
    clock.set(et('2026-03-10', '10:30', 4));
    trigger!();
    await s.tick(); // joins the tick the trigger started
    expect(fired.map((f) => f.jobId)).toEqual(['sched-us-scan-1030-2026-03-10']);
    expect(ticked).toEqual([['sched-us-scan-1030-2026-03-10']]);
    await s.stop();
    expect(stopped).toBe(true);
  });

  it('bindSlots leaves out kinds without a callback', () => {
    const { bound, unbound } = bindSlots(slots, { scan: async () => undefined });
    expect(bound.map((b) => b.def.slot)).toEqual(['scan-0935', 'scan-1030', 'scan-1555']);
    expect(unbound).toHaveLength(6);
  });
});
