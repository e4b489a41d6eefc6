import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChartRenderer, ChartSpec } from '../../../../src/adapters/charts/port.js';
import type { Role } from '../../../../src/lib/roles.js';
import { digestDeliveryJobId } from '../../../../src/jobs/payloads/digest.js';
import { digestHandlers, type DigestApp } from '../../../../src/jobs/handlers/digest.js';
import type { NotifyPayload } from '../../../../src/jobs/payloads/common.js';
import { JobProducer } from '../../../../src/jobs/producer.js';
import { BlobStore } from '../../../../src/adapters/redis/blob-store.js';
import { Outbox } from '../../../../src/bot/outbox/outbox.js';
import { ChatPublisher } from '../../../../src/bot/outbox/publisher.js';
import { UserSettingsRepo } from '../../../../src/trading/settings/repo.js';
import { makeDigestWorld, type DigestWorld } from './fixture.js';

const DAY = '2026-11-20';
const ET = (hhmm: string, date = DAY) => new Date(`${date}T${hhmm}:00-05:00`);

let w: DigestWorld;
let producer: JobProducer;
let rendered: ChartSpec[];
const okCharts: ChartRenderer = {
  name: 'fake',
  async render(spec) {
    rendered.push(spec);
    return Buffer.from(`png:${spec.title}`);
  },
};
const brokenCharts: ChartRenderer = {
  name: 'broken',
  async render() {
    throw new Error('canvas exploded');
  },
};

function app(allowed: [number, Role][], charts: ChartRenderer = okCharts): DigestApp {
  const log = pino({ level: 'silent' });
  return {
    db: w.db,
    killSwitch: w.killSwitch,
    // The bot's publisher: renders the digest (and its chart) and queues it through the real Outbox.
    publisher: new ChatPublisher({ outbox: new Outbox(producer, new BlobStore(w.redis, w.prefix)), charts, callbackKey: Buffer.from('test'), log }),
    config: { telegram: { allowed: new Map(allowed) } },
    log,
  };
}

async function notifyJobs(): Promise<{ id: string; data: NotifyPayload }[]> {
  const jobs = await producer.queues.notify.getJobs(['waiting', 'delayed', 'prioritized']);
  return jobs.map((j) => ({ id: j.id!, data: j.data as NotifyPayload })).sort((a, b) => a.id.localeCompare(b.id));
}

beforeEach(async () => {
  w = await makeDigestWorld();
  producer = new JobProducer(w.redis, w.prefix, 5_000);
  rendered = [];
});
afterEach(async () => {
  await producer.close();
  await w.close();
});

async function seedCurve(): Promise<void> {
  await w.equity('2026-11-18', 10_000, 600);
  await w.equity('2026-11-19', 10_050, 603);
  await w.equity(DAY, 10_020, 606);
}

describe('digest.send job', () => {
  it('/digest close: one reply to the asking chat (text then equity chart), keyed by the command job, never silent', async () => {
    await seedCurve();
    await new UserSettingsRepo(w.db).setMode(1, 'digest', 'off'); // asking explicitly overrides "off"
    const h = digestHandlers(app([[1, 'admin']]), { now: () => ET('16:30') });
    const r = await h['digest.send']({ kind: 'close', chatId: 777, userId: 1, role: 'admin', updateId: 5 }, { job: { id: 'tg-5' } });
    expect(r).toEqual({ kind: 'close', sessionDate: DAY, sent: 1, silent: 0 });
    const jobs = await notifyJobs();
    expect(jobs.map((j) => j.id)).toEqual(['tg-5-reply']);
    const p = jobs[0]!.data;
    expect(p.chatId).toBe(777);
    expect(p.origin).toBe('digest-close');
    expect(p.silent).toBeUndefined();
    expect(p.ops.map((o) => o.kind)).toEqual(['text', 'photo']);
    expect(p.ops[0]!.kind === 'text' && p.ops[0]!.text.startsWith('🌙 Close digest · Fri, Nov 20')).toBe(true);
    const photo = p.ops[1]!;
    expect(photo.kind === 'photo' && photo.caption).toBe('📈 Equity, last 3 sessions vs SPY (dashed)');
    expect(photo.kind === 'photo' && (await w.redis.getBuffer(photo.blobKey))?.toString()).toBe('png:Equity to 2026-11-20 vs SPY');
    expect(rendered).toHaveLength(1);
  });

  it('scheduled morning digest: every allow-listed user except those who turned it off, silent where chosen, once even when retried', async () => {
    const repo = new UserSettingsRepo(w.db);
    await repo.setMode(2, 'digest', 'silent');
    await repo.setMode(3, 'digest', 'off');
    await repo.setMode(4, 'fills', 'off'); // fills do not affect digests
    await repo.setMode(99, 'digest', 'on'); // not on the allow list
    const h = digestHandlers(
      app([
        [4, 'trader'],
        [1, 'admin'],
        [2, 'trader'],
        [3, 'viewer'],
      ]),
      { now: () => ET('08:45'), dailyBudget: 1000, scheduledScans: (d) => [{ at: new Date(`${d}T09:35:00-05:00`) }] },
    );
    const payload = { kind: 'morning' as const, sessionDate: DAY };
    const first = await h['digest.send'](payload, { job: { id: `sched-digest-morning-0845-${DAY}` } });
    expect(first).toEqual({ kind: 'morning', sessionDate: DAY, sent: 3, silent: 1 });
    // A retry of the same job (e.g. after a crash mid-loop) enqueues nothing new.
    await h['digest.send'](payload, { job: { id: `sched-digest-morning-0845-${DAY}` } });
    const jobs = await notifyJobs();
    expect(jobs.map((j) => j.id)).toEqual([1, 2, 4].map((u) => digestDeliveryJobId('morning', DAY, u)));
    expect(jobs.map((j) => [j.data.chatId, j.data.silent === true])).toEqual([
      [1, false],
      [2, true],
      [4, false],
    ]);
    for (const j of jobs) {
      expect(j.data.ops).toHaveLength(1);
      const op = j.data.ops[0]!;
      expect(op.kind === 'text' && op.text).toContain('💵 Budget: $1,000.00 left of $1,000.00 today');
      expect(op.kind === 'text' && op.text).toContain('🔎 Scans today: 09:35 ET');
    }
  });

  it('defaults come from config: budget, the scheduler’s scan slots (when enabled) and the benchmark', async () => {
    await w.equity('2026-11-19', 10_000, null);
    await w.equity(DAY, 10_100, null);
    await w.bar('QQQ', '2026-11-19', 400);
    await w.bar('QQQ', DAY, 404);
    const base = app([[1, 'admin']]);
    const configured: DigestApp = {
      ...base,
      config: {
        ...base.config,
        execution: { dailyBudget: 250 },
        schedule: { enabled: true, spec: { scans: ['09:35', 'close-5'], morningDigest: [], closeDigest: [], exits: [], mark: [], reconcile: [] } },
        exits: { benchmark: 'QQQ' },
      },
    };
    const h = digestHandlers(configured, { now: () => ET('16:30') });
    await h['digest.send']({ kind: 'morning', chatId: 1, userId: 1 }, { job: { id: 'm' } });
    await h['digest.send']({ kind: 'close', chatId: 1, userId: 1 }, { job: { id: 'c' } });
    const [c, m] = await notifyJobs();
    const text = (j: { data: NotifyPayload } | undefined) => (j?.data.ops[0]?.kind === 'text' ? j.data.ops[0].text : '');
    expect(text(m)).toContain('💵 Budget: $250.00 left of $250.00 today');
    expect(text(m)).toContain('🔎 Scans today: 09:35, 15:55 ET');
    expect(text(c)).toContain('QQQ +1.00%');
    // Scheduler off: no scans listed.
    const off = digestHandlers({ ...configured, config: { ...configured.config, schedule: { enabled: false, spec: configured.config.schedule!.spec } } }, { now: () => ET('08:30') });
    await off['digest.send']({ kind: 'morning', chatId: 1, userId: 1 }, { job: { id: 'n' } });
    expect(text((await notifyJobs()).find((j) => j.id === 'n-reply'))).toContain('🔎 No scans scheduled today');
  });

  it('a chart that fails to render does not stop the digest: the text goes alone', async () => {
    await seedCurve();
    const h = digestHandlers(app([[1, 'admin']], brokenCharts), { now: () => ET('16:30') });
    const r = await h['digest.send']({ kind: 'close' }, { job: { id: 'sched-x' } });
    expect(r.sent).toBe(1);
    const jobs = await notifyJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data.ops.map((o) => o.kind)).toEqual(['text']);
  });

  it('nobody is sent anything when everyone turned digests off', async () => {
    await new UserSettingsRepo(w.db).setMode(1, 'digest', 'off');
    const h = digestHandlers(app([[1, 'admin']]), { now: () => ET('08:45') });
    const r = await h['digest.send']({ kind: 'morning' }, { job: { id: 'sched-y' } });
    expect(r).toMatchObject({ sent: 0, silent: 0 });
    expect(await notifyJobs()).toEqual([]);
  });
});
