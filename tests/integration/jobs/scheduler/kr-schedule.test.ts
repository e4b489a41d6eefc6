/**
 * The KR slot table as the scheduler role builds it from SCHEDULE_*_KR (issue 15, H9b), next to
 * the US table, on a fixed clock: KR slots follow KRX sessions in Seoul time (Thanksgiving
 * 2026-11-26 is a KRX session while NYSE is closed; 2026-12-25 closes both; the CSAT late open of
 * 2026-11-19 moves open-relative KR slots), the KR scan runs before the 09:00 open, ids are
 * `sched-kr-…`, and every job a KR slot enqueues names market KR. The dead-man watches the same
 * KR slots the scheduler runs (the KR digests and the KR hypotheses' session included) and the two
 * KRX open-queue slots the worker runs (open + 1 and + 30 minutes, KST).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../../src/app/config/config.js';
import { configuredKrSlots, configuredSlots, krSlotJobs, slotJobs, watchedMarkets } from '../../../../src/app/roles/scheduler-role.js';
import { krxTimeToInstant } from '../../../../src/engine/calendar/krx/index.js';
import { bindSlots, Scheduler } from '../../../../src/jobs/scheduler/runner.js';
import { REGULAR_HOURS, openQueueSlots } from '../../../../src/engine/schedule/slots.js';
import { JOBS, type JobName } from '../../../../src/jobs/registry.js';
import { Alerts } from '../../../../src/trading/alerts/alerts.js';
import { checkDeadman } from '../../../../src/trading/alerts/deadman.js';
import { testConfig } from '../../../helpers/env.js';
import { et } from '../../../unit/engine/schedule/expected-weeks.js';
import { sink } from '../../trading/alerts/sink.js';
import { fakeClock, makeSchedDb, silentLog, type SchedDb } from './setup.js';

const MINUTE = 60_000;

interface Added {
  name: string;
  payload: Record<string, unknown>;
  jobId: string;
  /** The instant it was enqueued, as `HH:MM` Seoul time. */
  kst: string;
  at: number;
}

const kstOf = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(11, 16);

/** A producer that checks each payload against the job's schema (as the real one does) and records it. */
function recordingJobs(clock: { now: () => number }, sink: Added[]) {
  return {
    add: async (name: JobName, payload: unknown, opts: { jobId?: string } = {}) => {
      const parsed = JOBS[name].schema.parse(payload) as Record<string, unknown>;
      const at = clock.now();
      sink.push({ name, payload: parsed, jobId: opts.jobId ?? '', kst: kstOf(at), at });
      return opts.jobId ?? '';
    },
  };
}

function scheduler(config: Config, clock: ReturnType<typeof fakeClock>, added: Added[], opts: { us?: boolean } = {}): Scheduler {
  const jobs = recordingJobs(clock, added);
  const kr = bindSlots(configuredKrSlots(config), krSlotJobs({ jobs }));
  // The worker's KRX open-queue slots, enqueued as the worker role does (one job, the slot's id).
  const openQueue = openQueueSlots(10, REGULAR_HOURS.KR).map((def) => ({
    def,
    enqueue: async (r: { sessionDate: string; jobId: string }) => void (await jobs.add('execution.open_queue', { sessionDate: r.sessionDate, slotKey: r.jobId }, { jobId: r.jobId })),
  }));
  return new Scheduler({
    db: db.uow,
    ...(opts.us === false ? {} : { slots: bindSlots(configuredSlots(config), slotJobs({ jobs })).bound }),
    markets: [{ market: 'KR', slots: [...kr.bound, ...openQueue] }],
    instance: 'a',
    log: silentLog,
    now: clock.now,
    ticks: null,
    calendarOverrides: null,
  });
}

async function walk(clock: ReturnType<typeof fakeClock>, from: number, to: number, s: Scheduler): Promise<void> {
  for (let t = from; t < to; t += MINUTE) {
    clock.set(t);
    await s.tick();
  }
}

const config = (env: Record<string, string> = {}) => testConfig('postgres://postgres@127.0.0.1:5432/unused', { SCHEDULE_ENABLED: 'true', ...env });
const onDate = (list: Added[], market: 'us' | 'kr', date: string) => list.filter((a) => a.jobId.startsWith(`sched-${market}-`) && a.jobId.includes(date));
const brief = (list: Added[]) => list.map((a) => [a.kst, a.name, a.jobId, a.payload]);

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

describe('the KR slot table from SCHEDULE_*_KR', () => {
  it('is built on KRX hours from config.kr.schedule, every kind with a job; none when scheduling is off', () => {
    const c = config();
    const all = ['digest-morning-0800', 'scan-0810', 'reconcile-0820', 'exits-1510', 'mark-1540', 'digest-close-1545', 'reconcile-1605', 'hypotheses-1615'];
    expect(configuredKrSlots(c).map((s) => s.slot)).toEqual(all);
    const { bound, unbound } = bindSlots(configuredKrSlots(c), krSlotJobs({ jobs: recordingJobs({ now: () => 0 }, []) }));
    expect(bound.map((b) => b.def.slot)).toEqual(all);
    expect(unbound).toEqual([]);
    // The dead-man also watches the worker's two KRX open-queue slots.
    expect(watchedMarkets(c)).toEqual([{ market: 'KR', slots: [...bound.map((b) => b.def), ...openQueueSlots(10, REGULAR_HOURS.KR)] }]);
    expect(openQueueSlots(10, REGULAR_HOURS.KR).map((s) => s.slot)).toEqual(['open-queue-0901', 'open-queue-0930']);
    const off = testConfig('postgres://postgres@127.0.0.1:5432/unused', { SCHEDULE_ENABLED: 'false' });
    expect(configuredKrSlots(off)).toEqual([]);
    expect(watchedMarkets(off)).toEqual([]);
    // Emptied lists schedule nothing for KR, and the dead-man then watches no KR table.
    const none = config({ SCHEDULE_SCANS_KR: '', SCHEDULE_EXITS_KR: '', SCHEDULE_MARK_KR: '', SCHEDULE_RECONCILE_KR: '', SCHEDULE_MORNING_DIGEST_KR: '', SCHEDULE_CLOSE_DIGEST_KR: '', SCHEDULE_HYPOTHESES_KR: '' });
    expect(watchedMarkets(none)).toEqual([]);
  });

  it('Thanksgiving 2026-11-26: the KR slots run on the KRX session (scan at 08:10 KST, before the open), no US slot runs', async () => {
    const clock = fakeClock(krxTimeToInstant('2026-11-26', '00:00'));
    const added: Added[] = [];
    const s = scheduler(config(), clock, added);
    await walk(clock, krxTimeToInstant('2026-11-26', '00:00'), et('2026-11-27', '00:00', 5), s);
    const slotKey = (slot: string) => `sched-kr-${slot}-2026-11-26`;
    expect(brief(onDate(added, 'kr', '2026-11-26'))).toEqual([
      ['08:00', 'digest.send', slotKey('digest-morning-0800'), { kind: 'morning', sessionDate: '2026-11-26', market: 'KR' }],
      // Picks from the previous close before the 08:30 pre-open auction; no exits ride along before the open.
      ['08:10', 'scan.scheduled', slotKey('scan-0810'), { slotKey: slotKey('scan-0810'), sessionDate: '2026-11-26', market: 'KR' }],
      // The reconcile job reconciles both lanes: the KR slot enqueues it under its own id.
      ['08:20', 'execution.reconcile', slotKey('reconcile-0820'), { reason: 'kr-reconcile-0820' }],
      // Orders queued for the KRX open go at 09:01 KST and what was not sent expires at 09:30.
      ['09:01', 'execution.open_queue', slotKey('open-queue-0901'), { sessionDate: '2026-11-26', slotKey: slotKey('open-queue-0901') }],
      ['09:30', 'execution.open_queue', slotKey('open-queue-0930'), { sessionDate: '2026-11-26', slotKey: slotKey('open-queue-0930') }],
      ['15:10', 'execution.exits', slotKey('exits-1510'), { slotKey: slotKey('exits-1510'), market: 'KR' }],
      ['15:40', 'execution.mark', slotKey('mark-1540'), { date: '2026-11-26', market: 'KR' }],
      ['15:45', 'digest.send', slotKey('digest-close-1545'), { kind: 'close', sessionDate: '2026-11-26', market: 'KR' }],
      ['16:05', 'execution.reconcile', slotKey('reconcile-1605'), { reason: 'kr-reconcile-1605' }],
      ['16:15', 'hypotheses.session', slotKey('hypotheses-1615'), { market: 'KR', session: '2026-11-26' }],
    ]);
    const scan = added.find((a) => a.jobId === slotKey('scan-0810'))!;
    expect(scan.at).toBeLessThan(krxTimeToInstant('2026-11-26', '09:00'));
    // NYSE is closed on Thanksgiving; the walk did run the US table on the day before.
    expect(onDate(added, 'us', '2026-11-26')).toEqual([]);
    expect(onDate(added, 'us', '2026-11-25').map((a) => a.jobId)).toContain('sched-us-mark-1610-2026-11-25');
    // US scans, exits and marks name no market (absent = US), exactly as before markets.
    const usMarketless = onDate(added, 'us', '2026-11-25').filter((a) => ['scan.scheduled', 'execution.exits', 'execution.mark'].includes(a.name));
    expect(usMarketless.map((a) => a.name)).toEqual(expect.arrayContaining(['scan.scheduled', 'execution.exits', 'execution.mark']));
    expect(usMarketless.filter((a) => 'market' in a.payload)).toEqual([]);
    const rows = await db.uow.rows<{ slot_key: string; market: string }>(`SELECT slot_key, market FROM scheduled_runs WHERE session_date = '2026-11-26' ORDER BY slot_key`);
    expect(rows.map((r) => [r.slot_key, r.market])).toEqual([
      [slotKey('digest-close-1545'), 'KR'],
      [slotKey('digest-morning-0800'), 'KR'],
      [slotKey('exits-1510'), 'KR'],
      [slotKey('hypotheses-1615'), 'KR'],
      [slotKey('mark-1540'), 'KR'],
      [slotKey('open-queue-0901'), 'KR'],
      [slotKey('open-queue-0930'), 'KR'],
      [slotKey('reconcile-0820'), 'KR'],
      [slotKey('reconcile-1605'), 'KR'],
      [slotKey('scan-0810'), 'KR'],
    ]);

    // The dead-man, given the same KR table (start.ts passes watchedMarkets), finds none of them missing.
    clock.set(krxTimeToInstant('2026-11-26', '16:30'));
    const alerts = new Alerts({ db: db.uow, notifier: sink().notifier, admins: [7], now: clock.now });
    const r = await checkDeadman({ db: db.uow, alerts, slots: [], markets: watchedMarkets(config()), now: clock.now, startedAt: clock.t, calendarOverrides: null });
    expect(r.slots.filter((x) => x.market === 'KR').map((x) => [x.jobId, x.missing])).toEqual([
      [slotKey('digest-morning-0800'), false],
      [slotKey('scan-0810'), false],
      [slotKey('reconcile-0820'), false],
      [slotKey('exits-1510'), false],
      [slotKey('mark-1540'), false],
      [slotKey('digest-close-1545'), false],
      [slotKey('reconcile-1605'), false],
      [slotKey('hypotheses-1615'), false],
      [slotKey('open-queue-0901'), false],
      [slotKey('open-queue-0930'), false],
    ]);
    expect(r.raised).toEqual([]);
  });

  it('2026-12-25: both exchanges closed, no slot of either market runs', async () => {
    const clock = fakeClock(krxTimeToInstant('2026-12-25', '00:00'));
    const added: Added[] = [];
    const s = scheduler(config(), clock, added);
    await walk(clock, krxTimeToInstant('2026-12-25', '00:00'), et('2026-12-26', '00:00', 5), s);
    expect(added.filter((a) => a.jobId.includes('2026-12-25'))).toEqual([]);
    // The walk covered the NYSE early close of 12-24 (13:00): its close-relative slots ran.
    expect(onDate(added, 'us', '2026-12-24').map((a) => [a.jobId, a.at])).toContainEqual(['sched-us-mark-1610-2026-12-24', et('2026-12-24', '13:10', 5)]);
  });

  it('CSAT 2026-11-19 (KRX 10:00–16:30): an open-relative KR scan moves to 09:10, still before the open; close-relative slots move an hour', async () => {
    const clock = fakeClock(krxTimeToInstant('2026-11-18', '00:00'));
    const added: Added[] = [];
    const s = scheduler(config({ SCHEDULE_SCANS_KR: 'open-50' }), clock, added, { us: false });
    await walk(clock, krxTimeToInstant('2026-11-18', '00:00'), krxTimeToInstant('2026-11-20', '00:00'), s);
    const times = (date: string) => onDate(added, 'kr', date).map((a) => [a.kst, a.jobId.replace(`sched-kr-`, '').replace(`-${date}`, '')]);
    expect(times('2026-11-18')).toEqual([
      ['08:00', 'digest-morning-0800'],
      ['08:10', 'scan-0810'],
      ['08:20', 'reconcile-0820'],
      ['09:01', 'open-queue-0901'],
      ['09:30', 'open-queue-0930'],
      ['15:10', 'exits-1510'],
      ['15:40', 'mark-1540'],
      ['15:45', 'digest-close-1545'],
      ['16:05', 'reconcile-1605'],
      ['16:15', 'hypotheses-1615'],
    ]);
    // The open queue moves with the late open (10:01 and 10:30 KST), like the close-relative slots with the late close.
    expect(times('2026-11-19')).toEqual([
      ['08:00', 'digest-morning-0800'],
      ['08:20', 'reconcile-0820'],
      ['09:10', 'scan-0810'],
      ['10:01', 'open-queue-0901'],
      ['10:30', 'open-queue-0930'],
      ['15:10', 'exits-1510'],
      ['16:40', 'mark-1540'],
      ['16:45', 'digest-close-1545'],
      ['17:05', 'reconcile-1605'],
      ['17:15', 'hypotheses-1615'],
    ]);
    expect(added.every((a) => ['execution.reconcile', 'execution.open_queue'].includes(a.name) || a.payload.market === 'KR')).toBe(true);
  });

  it('a KR scan inside the session has its stop checks ride along, for market KR', async () => {
    const clock = fakeClock(krxTimeToInstant('2026-11-26', '10:00'));
    const added: Added[] = [];
    const s = scheduler(config({ SCHEDULE_SCANS_KR: '10:00', SCHEDULE_RECONCILE_KR: '' }), clock, added, { us: false });
    await s.tick();
    // (The tick also catches up the morning digest, whose window lasts the session; only the scan's jobs are looked at.)
    expect(brief(added.filter((a) => a.jobId.includes('scan-1000')))).toEqual([
      ['10:00', 'scan.scheduled', 'sched-kr-scan-1000-2026-11-26', { slotKey: 'sched-kr-scan-1000-2026-11-26', sessionDate: '2026-11-26', market: 'KR' }],
      ['10:00', 'execution.exits', 'sched-kr-scan-1000-2026-11-26-exits', { slotKey: 'sched-kr-scan-1000-2026-11-26', market: 'KR' }],
    ]);
  });
});
