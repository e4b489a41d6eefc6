import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChartRenderer } from '../../../../src/adapters/charts/port.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { adminChatIds, Alerts, alertKeys, currentAlerts, jobFailureAlerts, listAlerts } from '../../../../src/trading/alerts/alerts.js';
import { JobProducer } from '../../../../src/jobs/producer.js';
import { BlobStore } from '../../../../src/adapters/redis/blob-store.js';
import { Outbox } from '../../../../src/bot/outbox/outbox.js';
import { ChatPublisher } from '../../../../src/bot/outbox/publisher.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { fakeClock, makeSchedDb, silentLog, type SchedDb } from '../../jobs/scheduler/setup.js';
import { sink } from './sink.js';

let db: SchedDb;
beforeAll(async () => {
  db = await makeSchedDb();
});
afterAll(async () => {
  await db?.close();
});
afterEach(async () => {
  await db.ds.query('DELETE FROM alerts');
});

const T0 = Date.UTC(2026, 2, 10, 14, 0);
/** Alert messages are text only. */
const noCharts: ChartRenderer = {
  name: 'none',
  render: async () => {
    throw new Error('no charts here');
  },
};

describe('alerts', () => {
  it('same key while open: one message, counted; resolved: one "recovered"; raised again: a new episode', async () => {
    const clock = fakeClock(T0);
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [11, 22], now: clock.now, log: silentLog });
    const input = { key: alertKeys.dataStale('polygon'), kind: 'data-stale', severity: 'warning' as const, message: 'Polygon bars are 3 sessions old' };

    expect(await alerts.raise(input)).toEqual({ opened: true, notified: true, count: 1 });
    clock.advance(60_000);
    expect(await alerts.raise({ ...input, message: 'Polygon bars are still 3 sessions old' })).toEqual({ opened: false, notified: false, count: 2 });
    expect(s.sent.map((m) => m.chatId)).toEqual([11, 22]);
    expect(s.sent[0]!.text).toContain('🚨 ALERT (warning) · data-stale');
    expect(s.sent[0]!.text).toContain('Polygon bars are 3 sessions old');
    expect(s.sent[0]!.text).toContain('since 2026-03-10 10:00 ET');
    expect(s.sent[0]!.jobId).toMatch(/^alert-open-[0-9a-f]{16}-\d+-11$/);
    expect(s.sent.every((m) => !m.jobId.includes(':'))).toBe(true);

    const open = await currentAlerts(db.uow);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ key: 'data.stale:polygon', state: 'open', count: 2, message: 'Polygon bars are still 3 sessions old' });
    expect(open[0]!.firstAt.getTime()).toBe(T0);
    expect(open[0]!.lastAt.getTime()).toBe(T0 + 60_000);

    clock.advance(60_000);
    expect(await alerts.resolve(input.key, 'Polygon bars are fresh again')).toEqual({ resolved: true, notified: true });
    expect(await alerts.resolve(input.key)).toEqual({ resolved: false, notified: false });
    expect(s.sent.slice(2).map((m) => [m.chatId, m.text.split('\n')[0], m.text.split('\n')[1]])).toEqual([
      [11, '✅ RECOVERED · data-stale', 'Polygon bars are fresh again'],
      [22, '✅ RECOVERED · data-stale', 'Polygon bars are fresh again'],
    ]);
    expect(s.sent[2]!.text).toContain('seen 2×');
    expect(await currentAlerts(db.uow)).toEqual([]);
    expect((await listAlerts(db.uow, { state: 'resolved' }))[0]).toMatchObject({ key: 'data.stale:polygon', state: 'resolved' });

    clock.advance(60_000);
    expect(await alerts.raise(input)).toEqual({ opened: true, notified: true, count: 1 });
    expect(s.sent).toHaveLength(6);
    // A new episode gets new job ids, so the notify queue does not swallow it as a duplicate.
    expect(s.sent[4]!.jobId).not.toBe(s.sent[0]!.jobId);
    const row = await alerts.get(input.key);
    expect(row).toMatchObject({ state: 'open', count: 1, resolvedAt: null, recoveredNotifiedAt: null });
    expect(row!.firstAt.getTime()).toBe(T0 + 180_000);
  });

  it('many processes raising the same key at once: one message', async () => {
    const s = sink();
    const others = await Promise.all([db.open(), db.open(), db.open()]);
    const uowOf = (ds: (typeof others)[number]) => new TypeOrmUnitOfWork(ds);
    const instances = [db.uow, ...others.map(uowOf)].map((uow) => new Alerts({ db: uow, notifier: s.notifier, admins: [11], now: () => T0 }));
    const results = await Promise.all(
      instances.flatMap((a) => [1, 2, 3].map(() => a.raise({ key: 'reconcile.mismatch:paper', kind: 'reconcile-mismatch', message: 'AAPL: 10 here, 0 at the broker' }))),
    );
    expect(s.sent).toHaveLength(1);
    expect(results.filter((r) => r.notified)).toHaveLength(1);
    expect(results.filter((r) => r.opened)).toHaveLength(1);
    expect((await instances[0]!.get('reconcile.mismatch:paper'))!.count).toBe(12);
    // And resolving from all of them at once: one "recovered".
    await Promise.all(instances.map((a) => a.resolve('reconcile.mismatch:paper')));
    expect(s.sent).toHaveLength(2);
    expect(s.sent[1]!.text).toMatch(/^✅ RECOVERED/);
  });

  it('a message that could not be enqueued is owed and sent by flush(); the recovery likewise', async () => {
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [11], now: () => T0 });
    s.failNext(1);
    expect(await alerts.raise({ key: 'k1', kind: 'broker-rejected', message: 'order rejected: insufficient buying power' })).toMatchObject({ notified: false });
    expect((await alerts.get('k1'))!.notifiedAt).toBeNull();
    expect(await alerts.flush()).toBe(1);
    expect(await alerts.flush()).toBe(0);
    expect(s.sent).toHaveLength(1);
    s.failNext(1);
    expect(await alerts.resolve('k1')).toEqual({ resolved: true, notified: false });
    expect(await alerts.flush()).toBe(1);
    expect(await alerts.flush()).toBe(0);
    expect(s.sent.map((m) => m.text.split('\n')[0])).toEqual(['🚨 ALERT (warning) · broker-rejected', '✅ RECOVERED · broker-rejected']);
  });

  it('with no admin configured it records but messages nobody; an alert never told is resolved silently', async () => {
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [], now: () => T0 });
    await alerts.raise({ key: 'k2', kind: 'data-stale', message: 'stale' });
    expect(await currentAlerts(db.uow)).toHaveLength(1);
    expect(await alerts.resolve('k2')).toEqual({ resolved: true, notified: false });
    expect(s.sent).toEqual([]);
    expect(adminChatIds(new Map<number, string>([[1, 'admin'], [2, 'trader'], [3, 'admin'], [4, 'viewer']]))).toEqual([1, 3]);
  });

  it('job failure hooks: failed for good opens job.failed:<name> once; the next completion resolves it; notify.deliver is ignored', async () => {
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [11], now: () => T0 });
    const hooks = jobFailureAlerts(alerts);
    await hooks.onFinalFailure({ name: 'scan.start', id: 'sched-scan-0935-2026-03-10', queueName: 'scans', attemptsMade: 3 }, new Error('bars missing'));
    await hooks.onFinalFailure({ name: 'scan.start', id: 'sched-scan-1030-2026-03-10', queueName: 'scans', attemptsMade: 3 }, new Error('bars missing'));
    await hooks.onFinalFailure({ name: 'notify.deliver', id: 'x', queueName: 'notify', attemptsMade: 12 }, new Error('telegram down'));
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]!.text).toContain('Job scan.start (sched-scan-0935-2026-03-10) on queue scans failed after 3 attempts: bars missing');
    expect((await currentAlerts(db.uow)).map((a) => [a.key, a.count])).toEqual([['job.failed:scan.start', 2]]);
    await hooks.onCompleted({ name: 'scan.start', id: 'sched-scan-1555-2026-03-10' });
    await hooks.onCompleted({ name: 'scan.start', id: 'sched-scan-0935-2026-03-11' });
    expect(s.sent).toHaveLength(2);
    expect(s.sent[1]!.text).toMatch(/^✅ RECOVERED · job-failed/);
  });

  it('through the real Outbox: one notify.deliver job per admin, with the alert job id', async () => {
    const prefix = uniquePrefix();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const producer = new JobProducer(redis, prefix, 2_000);
    try {
      const publisher = new ChatPublisher({ outbox: new Outbox(producer, new BlobStore(redis, prefix)), charts: noCharts, callbackKey: Buffer.from('test'), log: silentLog });
      const alerts = new Alerts({ db: db.uow, notifier: publisher, admins: [11, 22], now: () => T0 });
      await alerts.raise({ key: 'deadman.heartbeat:worker', kind: 'heartbeat', severity: 'critical', message: 'worker is silent' });
      await alerts.raise({ key: 'deadman.heartbeat:worker', kind: 'heartbeat', severity: 'critical', message: 'worker is silent' });
      const jobs = await producer.queues.notify.getJobs(['waiting', 'delayed', 'prioritized']);
      expect(jobs).toHaveLength(2);
      expect(jobs.map((j) => (j.data as { chatId: number }).chatId).sort()).toEqual([11, 22]);
      expect(jobs.every((j) => j.name === 'notify.deliver' && (j.data as { origin: string }).origin === 'alert' && j.id!.startsWith('alert-open-'))).toBe(true);
      // A send that is retried with the same job id (e.g. after a partial failure) is a no-op in the queue.
      const again = { key: 'deadman.heartbeat:worker', kind: 'heartbeat', severity: 'critical' as const, message: 'again', firstAt: new Date(T0), resolvedAt: null, count: 1 };
      await publisher.publish(11, { kind: 'alert.opened', alert: again }, { key: jobs.find((j) => (j.data as { chatId: number }).chatId === 11)!.id! });
      expect(await producer.queues.notify.count()).toBe(2);
    } finally {
      await producer.close();
      redis.disconnect();
      await cleanRedis(prefix);
    }
  });
});
