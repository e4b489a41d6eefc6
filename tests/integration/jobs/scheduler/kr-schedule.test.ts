/**
 * The KR slot table as the scheduler role builds it from SCHEDULE_*_KR (issue 15, H9b), next to
 * the US table, on a fixed clock: KR slots follow KRX sessions in Seoul time (Thanksgiving
 * 2026-11-26 is a KRX session while NYSE is closed; 2026-12-25 closes both; the CSAT late open of
 * 2026-11-19 moves open-relative KR slots), the KR scan runs before the 09:00 open, ids are
 * `sched-kr-…`, and every job a KR slot enqueues names market KR. The dead-man watches the same
 * KR slots the scheduler runs (KR digests are not scheduled yet, so not watched either).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../../src/app/config/config.js';
import { configuredKrSlots, configuredSlots, krSlotJobs, slotJobs, watchedMarkets } from '../../../../src/app/roles/scheduler-role.js';
import { krxTimeToInstant } from '../../../../src/engine/calendar/krx/index.js';
import { bindSlots, Scheduler } from '../../../../src/jobs/scheduler/runner.js';
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
  return new Scheduler({
    db: db.uow,
    ...(opts.us === false ? {} : { slots: bindSlots(configuredSlots(config), slotJobs({ jobs })).bound }),
    markets: [{ market: 'KR', slots: kr.bound }],
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
  it('is built on KRX hours from config.kr.schedule; the KR digests have no job yet; none when scheduling is off', () => {
    const c = config();
    expect(configuredKrSlots(c).map((s) => s.slot)).toEqual(['digest-morning-0800', 'scan-0810', 'reconcile-0820', 'exits-1510', 'mark-1540', 'digest-close-1545', 'reconcile-1605']);
    const { bound, unbound } = bindSlots(configuredKrSlots(c), krSlotJobs({ jobs: recordingJobs({ now: () => 0 }, []) }));
    expect(bound.map((b) => b.def.slot)).toEqual(['scan-0810', 'reconcile-0820', 'exits-1510', 'mark-1540', 'reconcile-1605']);
    expect(unbound.map((s) => s.slot)).toEqual(['digest-morning-0800', 'digest-close-1545']);
    expect(watchedMarkets(c)).toEqual([{ market: 'KR', slots: bound.map((b) => b.def) }]);
    const off = testConfig('postgres://postgres@127.0.0.1:5432/unused', { SCHEDULE_ENABLED: 'false' });
    expect(configuredKrSlots(off)).toEqual([]);
    expect(watchedMarkets(off)).toEqual([]);
    // Emptied lists schedule nothing for KR, and the dead-man then watches no KR table.
    const none = config({ SCHEDULE_SCANS_KR: '', SCHEDULE_EXITS_KR: '', SCHEDULE_MARK_KR: '', SCHEDULE_RECONCILE_KR: '' });
    expect(watchedMarkets(none)).toEqual([]);
  });

  it('Thanksgiving 2026-11-26: the KR slots run on the KRX session (scan at 08:10 KST, before the open), no US slot runs', async () => {
    const clock = fakeClock(krxTimeToInstant('2026-11-26', '00:00'));
    const added: Added[] = [];
    const s = scheduler(config(), clock, added);
    await walk(clock, krxTimeToInstant('2026-11-26', '00:00'), et('2026-11-27', '00:00', 5), s);
    const slotKey = (slot: string) => `sched-kr-${slot}-2026-11-26`;
    expect(brief(onDate(added, 'kr', '2026-11-26'))).toEqual([
      // Picks from the previous close before the 08:30 pre-open auction; no exits ride along before the open.
      ['08:10', 'scan.scheduled', slotKey('scan-0810'), { slotKey: slotKey('scan-0810'), sessionDate: '2026-11-26', market: 'KR' }],
      // The reconcile job reconciles both lanes: the KR slot enqueues it under its own id.
      ['08:20', 'execution.reconcile', slotKey('reconcile-0820'), { reason: 'kr-reconcile-0820' }],
      ['15:10', 'execution.exits', slotKey('exits-1510'), { slotKey: slotKey('exits-1510'), market: 'KR' }],
      ['15:40', 'execution.mark', slotKey('mark-1540'), { date: '2026-11-26', market: 'KR' }],
      ['16:05', 'execution.reconcile', slotKey('reconcile-1605'), { reason: 'kr-reconcile-1605' }],
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
      [slotKey('exits-1510'), 'KR'],
      [slotKey('mark-1540'), 'KR'],
      [slotKey('reconcile-0820'), 'KR'],
      [slotKey('reconcile-1605'), 'KR'],
      [slotKey('scan-0810'), 'KR'],
    ]);

    // The dead-man, given the same KR table (start.ts passes watchedMarkets), finds none of them missing.
    clock.set(krxTimeToInstant('2026-11-26', '16:30'));
    const alerts = new Alerts({ db: db.uow, notifier: sink().notifier, admins: [7], now: clock.now });
    const r = await checkDeadman({ db: db.uow, alerts, slots: [], markets: watchedMarkets(config()), now: clock.now, startedAt: clock.t, calendarOverrides: null });
    expect(r.slots.filter((x) => x.market === 'KR').map((x) => [x.jobId, x.missing])).toEqual([
      [slotKey('scan-0810'), false],
      [slotKey('reconcile-0820'), false],
      [slotKey('exits-1510'), false],
      [slotKey('mark-1540'), false],
      [slotKey('reconcile-1605'), false],
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
      ['08:10', 'scan-0810'],
      ['08:20', 'reconcile-0820'],
      ['15:10', 'exits-1510'],
      ['15:40', 'mark-1540'],
      ['16:05', 'reconcile-1605'],
    ]);
    expect(times('2026-11-19')).toEqual([
      ['08:20', 'reconcile-0820'],
      ['09:10', 'scan-0810'],
      ['15:10', 'exits-1510'],
      ['16:40', 'mark-1540'],
      ['17:05', 'reconcile-1605'],
    ]);
    expect(added.every((a) => a.name === 'execution.reconcile' || a.payload.market === 'KR')).toBe(true);
  });

  it('a KR scan inside the session has its stop checks ride along, for market KR', async () => {
    const clock = fakeClock(krxTimeToInstant('2026-11-26', '10:00'));
    const added: Added[] = [];
    const s = scheduler(config({ SCHEDULE_SCANS_KR: '10:00', SCHEDULE_RECONCILE_KR: '' }), clock, added, { us: false });
    await s.tick();
    expect(brief(added)).toEqual([
      ['10:00', 'scan.scheduled', 'sched-kr-scan-1000-2026-11-26', { slotKey: 'sched-kr-scan-1000-2026-11-26', sessionDate: '2026-11-26', market: 'KR' }],
      ['10:00', 'execution.exits', 'sched-kr-scan-1000-2026-11-26-exits', { slotKey: 'sched-kr-scan-1000-2026-11-26', market: 'KR' }],
    ]);
  });
});
