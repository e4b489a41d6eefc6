import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChartRenderer } from '../../../../src/adapters/charts/port.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { adminChatIds, Alerts, alertKeys, currentAlerts, jobFailureAlerts, listAlerts } from '../../../../src/trading/alerts/alerts.js';
import type { RaisedAlertDetail } from '../../../../src/trading/alerts/details.js';
import { JobProducer } from '../../../../src/jobs/producer.js';
import { BlobStore } from '../../../../src/adapters/redis/blob-store.js';
import { Outbox } from '../../../../src/bot/outbox/outbox.js';
import { ChatPublisher } from '../../../../src/bot/outbox/publisher.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { fakeClock, makeSchedDb, silentLog, type SchedDb } from '../../jobs/scheduler/setup.js';
import { sink } from './sink.js';
import { loadOpenAlerts } from '../../../../src/trading/digest/queries.js';
import { alertToFailure } from '../../../../src/trading/digest/compute.js';
import { failureDetail } from '../../../../src/bot/views/digest-view.js';
import { statusView } from '../../../../src/bot/views/status-view.js';
import type { SystemStatus } from '../../../../src/trading/status/status.js';

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
    const first: RaisedAlertDetail = { code: 'data.stale', source: 'polygon', last: '2026-03-05', sessionDate: '2026-03-10' };
    const input = { key: alertKeys.dataStale('polygon'), kind: 'data-stale', severity: 'warning' as const, detail: first };

    expect(await alerts.raise(input)).toEqual({ opened: true, notified: true, count: 1 });
    clock.advance(60_000);
    const later: RaisedAlertDetail = { ...first, last: '2026-03-06' };
    expect(await alerts.raise({ ...input, detail: later })).toEqual({ opened: false, notified: false, count: 2 });
    expect(s.sent.map((m) => m.chatId)).toEqual([11, 22]);
    expect(s.sent[0]!.notice).toEqual({ kind: 'alert.opened', alert: { key: 'data.stale:polygon', kind: 'data-stale', severity: 'warning', detail: first, firstAt: new Date(T0), resolvedAt: null, count: 1 } });
    expect(s.sent[0]!.text).toContain('🚨 ALERT (warning) · data-stale');
    expect(s.sent[0]!.text).toContain('since 2026-03-10 10:00 ET');
    expect(s.sent[0]!.jobId).toMatch(/^alert-open-[0-9a-f]{16}-\d+-11$/);
    expect(s.sent.every((m) => !m.jobId.includes(':'))).toBe(true);

    const open = await currentAlerts(db.uow);
    expect(open).toHaveLength(1);
    // Each raise replaces the figures; the count and the episode start stay.
    expect(open[0]).toMatchObject({ key: 'data.stale:polygon', state: 'open', count: 2, detail: later, resolveDetail: null });
    expect(open[0]!.firstAt.getTime()).toBe(T0);
    expect(open[0]!.lastAt.getTime()).toBe(T0 + 60_000);
    // New rows keep codes and figures only: the old text column stays empty.
    expect(await db.ds.query(`SELECT message, detail FROM alerts WHERE key = 'data.stale:polygon'`)).toEqual([{ message: null, detail: later }]);

    clock.advance(60_000);
    const fresh = { code: 'data.current' as const, source: 'polygon', last: '2026-03-10' };
    expect(await alerts.resolve(input.key, fresh)).toEqual({ resolved: true, notified: true });
    expect(await alerts.resolve(input.key)).toEqual({ resolved: false, notified: false });
    expect(s.sent.slice(2).map((m) => [m.chatId, m.notice.kind, m.notice.kind === 'alert.recovered' ? m.notice.note : undefined, m.text.split('\n')[0]])).toEqual([
      [11, 'alert.recovered', fresh, '✅ RECOVERED · data-stale'],
      [22, 'alert.recovered', fresh, '✅ RECOVERED · data-stale'],
    ]);
    expect(s.sent[2]!.notice.alert).toMatchObject({ detail: later, count: 2, resolvedAt: new Date(T0 + 120_000) });
    expect(s.sent[2]!.text).toContain('seen 2×');
    expect(await currentAlerts(db.uow)).toEqual([]);
    expect((await listAlerts(db.uow, { state: 'resolved' }))[0]).toMatchObject({ key: 'data.stale:polygon', state: 'resolved', detail: later, resolveDetail: fresh });
    expect(await db.ds.query(`SELECT resolve_message, resolve_detail FROM alerts WHERE key = 'data.stale:polygon'`)).toEqual([{ resolve_message: null, resolve_detail: fresh }]);

    clock.advance(60_000);
    expect(await alerts.raise(input)).toEqual({ opened: true, notified: true, count: 1 });
    expect(s.sent).toHaveLength(6);
    // A new episode gets new job ids, so the notify queue does not swallow it as a duplicate.
    expect(s.sent[4]!.jobId).not.toBe(s.sent[0]!.jobId);
    const row = await alerts.get(input.key);
    expect(row).toMatchObject({ state: 'open', count: 1, resolvedAt: null, recoveredNotifiedAt: null, detail: first, resolveDetail: null });
    expect(row!.firstAt.getTime()).toBe(T0 + 180_000);
  });

  it('many processes raising the same key at once: one message', async () => {
    const mismatch: RaisedAlertDetail = {
      code: 'reconcile.mismatch',
      broker: 'paper',
      checkedAt: new Date(T0).toISOString(),
      fixedCount: 0,
      mismatchCount: 1,
      fixed: [],
      mismatches: [{ kind: 'qty', symbol: 'AAPL', ours: 10, broker: 0 }],
    };
    const s = sink();
    const others = await Promise.all([db.open(), db.open(), db.open()]);
    const uowOf = (ds: (typeof others)[number]) => new TypeOrmUnitOfWork(ds);
    const instances = [db.uow, ...others.map(uowOf)].map((uow) => new Alerts({ db: uow, notifier: s.notifier, admins: [11], now: () => T0 }));
    const results = await Promise.all(
      instances.flatMap((a) => [1, 2, 3].map(() => a.raise({ key: 'reconcile.mismatch:paper', kind: 'reconcile-mismatch', detail: mismatch }))),
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
    const rejected: RaisedAlertDetail = { code: 'broker.rejected', broker: 'paper', symbol: 'AAPL', reason: { code: 'broker_rejected', broker: 'paper', brokerReason: 'insufficient buying power' } };
    expect(await alerts.raise({ key: 'k1', kind: 'broker-rejected', detail: rejected })).toMatchObject({ notified: false });
    expect((await alerts.get('k1'))!.notifiedAt).toBeNull();
    expect(await alerts.flush()).toBe(1);
    expect(await alerts.flush()).toBe(0);
    expect(s.sent).toHaveLength(1);
    s.failNext(1);
    expect(await alerts.resolve('k1')).toEqual({ resolved: true, notified: false });
    expect(await alerts.flush()).toBe(1);
    expect(await alerts.flush()).toBe(0);
    expect(s.sent.map((m) => m.text.split('\n')[0])).toEqual(['🚨 ALERT (warning) · broker-rejected', '✅ RECOVERED · broker-rejected']);
    expect(s.sent.map((m) => m.notice.alert.detail)).toEqual([rejected, rejected]);
    // Resolved without a word: the recovery carries no note (the face falls back to the alert's own detail).
    expect(s.sent[1]!.notice).toMatchObject({ kind: 'alert.recovered', note: null });
  });

  it('with no admin configured it records but messages nobody; an alert never told is resolved silently', async () => {
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [], now: () => T0 });
    await alerts.raise({ key: 'k2', kind: 'data-stale', detail: { code: 'data.stale', source: 'csv', last: '2026-03-09', sessionDate: '2026-03-10' } });
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
    expect(s.sent[0]!.notice.alert.detail).toEqual({ code: 'job.failed', job: 'scan.start', jobId: 'sched-scan-0935-2026-03-10', queue: 'scans', attempts: 3, error: 'bars missing' });
    expect((await currentAlerts(db.uow)).map((a) => [a.key, a.count, a.detail])).toEqual([
      ['job.failed:scan.start', 2, { code: 'job.failed', job: 'scan.start', jobId: 'sched-scan-1030-2026-03-10', queue: 'scans', attempts: 3, error: 'bars missing' }],
    ]);
    await hooks.onCompleted({ name: 'scan.start', id: 'sched-scan-1555-2026-03-10' });
    await hooks.onCompleted({ name: 'scan.start', id: 'sched-scan-0935-2026-03-11' });
    expect(s.sent).toHaveLength(2);
    expect(s.sent[1]!.text).toMatch(/^✅ RECOVERED · job-failed/);
    expect(s.sent[1]!.notice).toMatchObject({ note: { code: 'job.completing', job: 'scan.start', jobId: 'sched-scan-1555-2026-03-10' } });

    // A job the queue says little about: the missing figures are null, not guessed.
    await hooks.onFinalFailure({ name: 'marks.run' }, new Error('x'.repeat(600)));
    const bare = (await currentAlerts(db.uow)).find((a) => a.key === 'job.failed:marks.run');
    expect(bare?.detail).toEqual({ code: 'job.failed', job: 'marks.run', jobId: null, queue: null, attempts: null, error: 'x'.repeat(500) });
  });

  it('rows written before typed alerts, and codes from a newer release, are read back and worded', async () => {
    const insert = (key: string, detail: unknown, message: string | null, extra: { state?: string; resolveDetail?: unknown; notifiedAt?: Date | null } = {}) =>
      db.ds.query(
        `INSERT INTO alerts (key, kind, severity, message, detail, state, first_at, last_at, count, notified_at, resolved_at, resolve_detail)
         VALUES ($1, 'heartbeat', 'critical', $2, $3::jsonb, $4, $5, $5, 1, $6, $7, $8::jsonb)`,
        [key, message, JSON.stringify(detail), extra.state ?? 'open', new Date(T0), extra.notifiedAt ?? null, extra.state === 'resolved' ? new Date(T0 + 60_000) : null, extra.resolveDetail === undefined ? null : JSON.stringify(extra.resolveDetail)],
      );
    // As the TypedReasons migration leaves an old row: its English kept verbatim under `recorded`.
    await insert('legacy', { code: 'recorded', recorded: 'no worker heartbeat for 5m' }, 'no worker heartbeat for 5m');
    // Written by a newer release: a code this one does not know, and a known code with figures that do not fit.
    await insert('newer', { code: 'heartbeat.exploded', role: 'worker', pieces: 3 }, null);
    await insert('misfit', { code: 'data.stale', source: 5 }, null);
    // An old resolved row an admin was told about, whose "recovered" message is still owed.
    await insert('legacy-resolved', { code: 'recorded', recorded: 'csv bars are old' }, 'csv bars are old', {
      state: 'resolved',
      notifiedAt: new Date(T0),
      resolveDetail: { code: 'recorded', recorded: 'csv bars are fresh again' },
    });

    const open = await currentAlerts(db.uow);
    const byKey = new Map(open.map((a) => [a.key, a] as const));
    expect(byKey.get('legacy')!.detail).toEqual({ code: 'recorded', recorded: 'no worker heartbeat for 5m' });
    expect(byKey.get('newer')!.detail).toEqual({ code: 'unknown', raw: { code: 'heartbeat.exploded', role: 'worker', pieces: 3 } });
    expect(byKey.get('misfit')!.detail).toEqual({ code: 'unknown', raw: { code: 'data.stale', source: 5 } });

    // The chat messages (opened, and the owed recovery).
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [11], now: () => T0 + 120_000 });
    expect(await alerts.flush()).toBe(4);
    const text = (key: string, kind: string) => s.sent.find((m) => m.notice.alert.key === key && m.notice.kind === kind)!.text.split('\n');
    expect(text('legacy', 'alert.opened')[1]).toBe('no worker heartbeat for 5m');
    expect(text('newer', 'alert.opened')[1]).toBe('Unrecognised alert heartbeat.exploded (written by another version): {"code":"heartbeat.exploded","role":"worker","pieces":3}');
    expect(text('misfit', 'alert.opened')[1]).toBe('Unrecognised alert data.stale (written by another version): {"code":"data.stale","source":5}');
    expect(text('legacy-resolved', 'alert.recovered').slice(0, 2)).toEqual(['✅ RECOVERED · heartbeat', 'csv bars are fresh again']);

    // /status and the digest word them the same way.
    const status: SystemStatus = {
      mode: 'paper',
      uptimeMs: 1_000,
      killSwitch: { engaged: false, epoch: 0, reason: null, changedBy: null, changedAt: null, postgres: false, redis: false },
      cancelOwed: [],
      db: { ok: true, ms: 1 },
      redis: { ok: true, ms: 1 },
      queues: null,
      heartbeats: [],
      alerts: open,
    };
    const lines = statusView(status).text.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^🔴 no worker heartbeat for 5m \(since /));
    expect(lines).toContainEqual(expect.stringMatching(/^🔴 Unrecognised alert heartbeat\.exploded \(written by another version\): /));
    const digest = await loadOpenAlerts(db.uow);
    expect(digest.map((a) => [a.key, failureDetail(alertToFailure(a))]).sort()).toEqual([
      ['legacy', 'no worker heartbeat for 5m'],
      ['misfit', 'Unrecognised alert data.stale (written by another version): {"code":"data.stale","source":5}'],
      ['newer', 'Unrecognised alert heartbeat.exploded (written by another version): {"code":"heartbeat.exploded","role":"worker","pieces":3}'],
    ]);

    // Raised again by this release: the typed detail replaces the old text, which is cleared.
    await alerts.raise({ key: 'legacy', kind: 'heartbeat', severity: 'critical', detail: { code: 'heartbeat.absent', role: 'worker' } });
    expect(await db.ds.query(`SELECT message, detail, count FROM alerts WHERE key = 'legacy'`)).toEqual([{ message: null, detail: { code: 'heartbeat.absent', role: 'worker' }, count: 2 }]);
  });

  it('through the real Outbox: one notify.deliver job per admin, with the alert job id', async () => {
    const prefix = uniquePrefix();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const producer = new JobProducer(redis, prefix, 2_000);
    try {
      const publisher = new ChatPublisher({ outbox: new Outbox(producer, new BlobStore(redis, prefix)), charts: noCharts, callbackKey: Buffer.from('test'), log: silentLog });
      const alerts = new Alerts({ db: db.uow, notifier: publisher, admins: [11, 22], now: () => T0 });
      const silent: RaisedAlertDetail = { code: 'heartbeat.absent', role: 'worker' };
      await alerts.raise({ key: 'deadman.heartbeat:worker', kind: 'heartbeat', severity: 'critical', detail: silent });
      await alerts.raise({ key: 'deadman.heartbeat:worker', kind: 'heartbeat', severity: 'critical', detail: silent });
      const jobs = await producer.queues.notify.getJobs(['waiting', 'delayed', 'prioritized']);
      expect(jobs).toHaveLength(2);
      expect(jobs.map((j) => (j.data as { chatId: number }).chatId).sort()).toEqual([11, 22]);
      expect(jobs.every((j) => j.name === 'notify.deliver' && (j.data as { origin: string }).origin === 'alert' && j.id!.startsWith('alert-open-'))).toBe(true);
      // A send that is retried with the same job id (e.g. after a partial failure) is a no-op in the queue.
      const again = { key: 'deadman.heartbeat:worker', kind: 'heartbeat', severity: 'critical' as const, detail: silent, firstAt: new Date(T0), resolvedAt: null, count: 1 };
      await publisher.publish(11, { kind: 'alert.opened', alert: again }, { key: jobs.find((j) => (j.data as { chatId: number }).chatId === 11)!.id! });
      expect(await producer.queues.notify.count()).toBe(2);
    } finally {
      await producer.close();
      redis.disconnect();
      await cleanRedis(prefix);
    }
  });
});
