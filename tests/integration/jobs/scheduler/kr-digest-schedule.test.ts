/**
 * The KR digests are scheduled (issue 15, item 6): SCHEDULE_MORNING_DIGEST_KR (08:00 KST) and
 * SCHEDULE_CLOSE_DIGEST_KR (close+15, 15:45 KST on a regular KRX day) enqueue `digest.send` for
 * market KR under market-keyed ids (`sched-kr-digest-morning-0800-<Seoul date>`), next to the US
 * digests (no market, as before), and the dead-man watches them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configuredKrSlots, configuredSlots, krSlotJobs, slotJobs, watchedMarkets } from '../../../../src/app/roles/scheduler-role.js';
import { krxTimeToInstant } from '../../../../src/engine/calendar/krx/index.js';
import { bindSlots, Scheduler } from '../../../../src/jobs/scheduler/runner.js';
import { JOBS, type JobName } from '../../../../src/jobs/registry.js';
import { Alerts } from '../../../../src/trading/alerts/alerts.js';
import { checkDeadman } from '../../../../src/trading/alerts/deadman.js';
import { testConfig } from '../../../helpers/env.js';
import { sink } from '../../trading/alerts/sink.js';
import { fakeClock, makeSchedDb, silentLog, type SchedDb } from './setup.js';

const MINUTE = 60_000;
const kstOf = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(11, 16);
const config = () => testConfig('postgres://postgres@127.0.0.1:5432/unused', { SCHEDULE_ENABLED: 'true' });

interface Added {
  name: string;
  payload: Record<string, unknown>;
  jobId: string;
  kst: string;
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
  await db.ds.query('DELETE FROM alerts');
});

describe('KR digest slots', () => {
  it('are bound and watched', () => {
    const c = config();
    const { bound, unbound } = bindSlots(configuredKrSlots(c), krSlotJobs({ jobs: { add: async () => '' } }));
    expect(unbound).toEqual([]);
    expect(bound.map((b) => b.def.slot)).toEqual(expect.arrayContaining(['digest-morning-0800', 'digest-close-1545']));
    expect(watchedMarkets(c)[0]!.slots.map((s) => s.slot)).toEqual(expect.arrayContaining(['digest-morning-0800', 'digest-close-1545']));
  });

  it('enqueue digest.send for market KR on the Seoul session date with market-keyed ids; the US digest keeps its payload', async () => {
    const c = config();
    const added: Added[] = [];
    const clock = fakeClock(krxTimeToInstant('2026-12-08', '00:00'));
    const jobs = {
      add: async (name: JobName, payload: unknown, opts: { jobId?: string } = {}) => {
        // As the real producer does: the payload must satisfy the job's schema.
        added.push({ name, payload: JOBS[name].schema.parse(payload) as Record<string, unknown>, jobId: opts.jobId ?? '', kst: kstOf(clock.now()) });
        return opts.jobId ?? '';
      },
    };
    const s = new Scheduler({
      db: db.uow,
      slots: bindSlots(configuredSlots(c), slotJobs({ jobs })).bound,
      markets: [{ market: 'KR', slots: bindSlots(configuredKrSlots(c), krSlotJobs({ jobs })).bound }],
      instance: 'a',
      log: silentLog,
      now: clock.now,
      ticks: null,
      calendarOverrides: null,
    });
    // Seoul Tue 2026-12-08 00:00 through 18:00 KST (up to 04:00 ET Dec 8): the US close digest of Mon Dec 7 is due in it too.
    for (let t = krxTimeToInstant('2026-12-08', '00:00'); t < krxTimeToInstant('2026-12-08', '18:00'); t += MINUTE) {
      clock.set(t);
      await s.tick();
    }
    const digests = added.filter((a) => a.name === 'digest.send');
    expect(digests.map((a) => [a.kst, a.jobId, a.payload])).toEqual([
      // 16:15 ET Dec 7 is 06:15 KST Dec 8: the US digest names no market, as before markets.
      ['06:15', 'sched-us-digest-close-1615-2026-12-07', { kind: 'close', sessionDate: '2026-12-07' }],
      ['08:00', 'sched-kr-digest-morning-0800-2026-12-08', { kind: 'morning', sessionDate: '2026-12-08', market: 'KR' }],
      ['15:45', 'sched-kr-digest-close-1545-2026-12-08', { kind: 'close', sessionDate: '2026-12-08', market: 'KR' }],
    ]);

    // The dead-man, watching the same KR table, finds the KR digests enqueued.
    clock.set(krxTimeToInstant('2026-12-08', '18:00'));
    const alerts = new Alerts({ db: db.uow, notifier: sink().notifier, admins: [7], now: clock.now });
    const r = await checkDeadman({ db: db.uow, alerts, slots: [], markets: watchedMarkets(c), now: clock.now, startedAt: clock.t, calendarOverrides: null });
    expect(r.slots.filter((x) => x.market === 'KR' && x.jobId.includes('digest')).map((x) => [x.jobId, x.missing])).toEqual([
      ['sched-kr-digest-morning-0800-2026-12-08', false],
      ['sched-kr-digest-close-1545-2026-12-08', false],
    ]);
  });
});
