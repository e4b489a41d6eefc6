import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentMetrics as metrics } from '../../../helpers/metrics.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { hypothesesHandlers } from '../../../../src/jobs/handlers/hypotheses.js';
import { JobProducer } from '../../../../src/jobs/producer.js';
import { startQueueWorker } from '../../../../src/jobs/worker-runtime.js';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { HypothesisBookStore } from '../../../../src/trading/hypotheses/books.js';
import { HypothesisStore } from '../../../../src/trading/hypotheses/store.js';
import type { Notice } from '../../../../src/trading/notifier.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { createTestDatabase } from '../../../helpers/pg.js';
import { plantedUniverse } from '../../../helpers/planted-edge.js';


describe('hypotheses queue: the session job through the real worker', () => {
  const prefix = uniquePrefix();
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let redis: Redis;
  let workerConn: Redis;
  let jobs: JobProducer;
  let worker: Worker;
  let store: HypothesisStore;
  const told: { chatId: number; notice: Notice; key?: string }[] = [];
  const series = plantedUniverse({ seed: 11, symbols: 12, bars: 800, planted: true });

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource(db.url, { poolSize: 4 });
    await ds.initialize();
    const uow = new TypeOrmUnitOfWork(ds);
    store = new HypothesisStore(uow, new AuditLog(uow));
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    workerConn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    jobs = new JobProducer(redis, prefix, 2_000);
    const handlers = hypothesesHandlers({
      store,
      universe: { load: async () => ({ series, demo: false }) },
      review: { books: new HypothesisBookStore(uow) },
      jobs,
      redis,
      prefix,
      notifier: { publish: async (chatId, notice, opts) => void told.push({ chatId, notice, ...(opts?.key ? { key: opts.key } : {}) }) },
      admins: () => [42],
    });
    worker = startQueueWorker('hypotheses', handlers, { connection: workerConn, prefix, concurrency: 1, logger: pino({ level: 'silent' }), metrics });
  });
  afterAll(async () => {
    await worker?.close();
    await jobs?.close();
    workerConn?.disconnect();
    redis?.disconnect();
    await cleanRedis(prefix);
    await ds?.destroy();
    await db?.drop();
  });

  it('a doubled session job proposes once (≤ 10), incubates every proposal to PAPER or RETIRED and announces each to the admins', async () => {
    await jobs.add('hypotheses.session', { market: 'US', session: '2025-01-02' }, { jobId: 'session-a' });
    await jobs.add('hypotheses.session', { market: 'US', session: '2025-01-02' }, { jobId: 'session-b' });
    // Done = the generator ran, nothing waits or runs on the queue, and nothing is left INCUBATING.
    const pending = async () => {
      const c = await jobs.queues.hypotheses.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
      const ran = (await store.lastGeneratorRun('US')) !== null;
      return (ran ? 0 : 1) + (await store.counts('US')).INCUBATING + Object.values(c).reduce((a, b) => a + b, 0);
    };
    await expect.poll(pending, { timeout: 60_000, interval: 200 }).toBe(0);
    const all = await store.list({ market: 'US' });
    expect(all.length).toBeGreaterThan(0);
    expect(all.length).toBeLessThanOrEqual(10);
    expect(all.every((h) => h.proposedSession === '2025-01-02' && (h.state === 'PAPER' || h.state === 'RETIRED'))).toBe(true);
    expect(all.some((h) => h.state === 'PAPER')).toBe(true);
    const runs = await ds.query(`SELECT proposed FROM hypothesis_generator_runs WHERE market = 'US'`);
    expect(runs).toEqual([{ proposed: all.length }]);
    const incubated = told.filter((t) => t.notice.kind === 'hypotheses.incubated');
    expect(incubated.map((t) => t.chatId)).toEqual(all.map(() => 42));
    expect(new Set(incubated.map((t) => (t.notice as { hypothesis: { id: string } }).hypothesis.id))).toEqual(new Set(all.map((h) => h.id)));
    for (const h of all) expect((await store.transitions(h.id)).map((t) => t.event)).toEqual(['proposed', h.state === 'PAPER' ? 'incubation_passed' : 'incubation_failed']);
  });
});
