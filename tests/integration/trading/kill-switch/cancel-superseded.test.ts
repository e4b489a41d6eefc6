/**
 * A /resume that comes before an owed cancel-all could be performed (the broker was down) drops it
 * — cancelling then would cancel orders placed since — but never silently: the audit entry and the
 * admins get what is open at the broker now, and the owed row is cleared only once that notice is
 * on the outbox. Real Postgres (fresh database) and Redis (unique prefix); a scripted broker.
 */
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { RedisKillSwitchMirror } from '../../../../src/adapters/redis/kill-switch-mirror.js';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { BrokerError } from '../../../../src/lib/broker-errors.js';
import { performOwedCancels, type CancelOwedDeps } from '../../../../src/trading/kill-switch/cancel-owed.js';
import { KillSwitch } from '../../../../src/trading/kill-switch/kill-switch.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let redis: Redis;
let prefix: string;

beforeEach(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 4 });
  await ds.initialize();
  prefix = uniquePrefix();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterEach(async () => {
  redis.disconnect();
  await cleanRedis(prefix);
  await ds.destroy();
  await db.drop();
});

function world(opts: { publishFails?: boolean; broker?: CancelOwedDeps['brokers'][number] } = {}) {
  const uow = new TypeOrmUnitOfWork(ds);
  const audit = new AuditLog(uow);
  const ks = new KillSwitch(uow, new RedisKillSwitchMirror(redis, `${prefix}:killswitch`), audit);
  let cancels = 0;
  const published: { chatId: number; notice: Record<string, unknown> }[] = [];
  const deps: CancelOwedDeps = {
    db: uow,
    brokers: [
      opts.broker ?? {
        name: 'alpaca-paper',
        cancelAllOrders: async () => {
          cancels++;
          return { cancelled: 1, stillOpen: 0 };
        },
        listOpenOrders: async () => [{ symbol: 'MSFT', status: 'new', clientOrderId: 'cs-msft' }] as never,
      },
    ],
    audit,
    publisher: {
      publish: async (chatId, notice) => {
        if (opts.publishFails) throw new Error('Redis down');
        published.push({ chatId, notice: notice as unknown as Record<string, unknown> });
      },
    },
    admins: () => [1],
    killSwitch: ks,
  };
  const owedRows = async () => (await ds.query(`SELECT epoch::int AS epoch FROM cancel_owed`)) as { epoch: number }[];
  const actions = async () => ((await ds.query(`SELECT payload FROM audit_log ORDER BY seq`)) as { payload: Record<string, unknown> }[]).map((r) => r.payload);
  return { ks, deps, published, owedRows, actions, cancels: () => cancels };
}

describe('an owed cancel-all superseded by /resume', () => {
  it('cancels nothing, tells the kill chat what is open now, audits it, and only then clears the row', async () => {
    const w = world();
    const killed = await w.ks.engage('drill', 1, { chatId: 77 });
    expect(await w.owedRows()).toEqual([{ epoch: killed.epoch }]);
    const resumed = await w.ks.resume(1);
    const out = await performOwedCancels(w.deps, 'test');
    expect(out).toMatchObject({ kind: 'superseded', epochs: [killed.epoch], currentEpoch: resumed.epoch });
    expect(w.cancels()).toBe(0);
    expect(w.published).toEqual([
      { chatId: 77, notice: { kind: 'execution.cancel-all', broker: 'alpaca-paper', cancelled: 0, stillOpen: [{ symbol: 'MSFT', status: 'new' }], superseded: { kill: killed.epoch, epoch: resumed.epoch } } },
    ]);
    expect(await w.owedRows()).toEqual([]);
    expect((await w.actions()).find((p) => p['action'] === 'killswitch.cancel_all.superseded')).toMatchObject({ openNow: { 'alpaca-paper': [{ symbol: 'MSFT', status: 'new' }] } });
  });

  it('when the notice cannot be queued the row stays owed for the next try', async () => {
    const w = world({ publishFails: true });
    await w.ks.engage('drill', 1, { chatId: 77 });
    await w.ks.resume(1);
    const out = await performOwedCancels(w.deps, 'test');
    expect(out.kind).toBe('unsettled');
    expect(await w.owedRows()).toHaveLength(1);
    expect(w.cancels()).toBe(0);
  });
});

describe('the proof of an owed cancel-all counts what every run cancelled', () => {
  it('a look afterwards that fails (429) keeps the first run\'s count: the re-run\'s empty cancel adds 0, the proof says 2 cancelled', async () => {
    // At the broker: two resting orders. The first DELETE cancels both; the look afterwards is refused
    // (rate limit), so the run is unsettled; the next DELETE finds nothing left (207 []).
    let resting = 2;
    let lookRefused = true;
    const broker: CancelOwedDeps['brokers'][number] = {
      name: 'alpaca-paper',
      cancelAllOrders: async () => {
        const n = resting;
        resting = 0;
        return { cancelled: n, stillOpen: 0 };
      },
      listOpenOrders: async () => {
        if (lookRefused) throw new BrokerError({ broker: 'alpaca-paper', kind: 'rate_limited', detail: 'GET /v2/orders: HTTP 429 after 4 retries' });
        return [];
      },
    };
    const w = world({ broker });
    const killed = await w.ks.engage('drill', 1, { chatId: 77 });
    const first = await performOwedCancels(w.deps, 'kill');
    expect(first).toMatchObject({ kind: 'unsettled', error: expect.stringContaining('429') });
    expect(await w.owedRows()).toEqual([{ epoch: killed.epoch }]);

    lookRefused = false;
    const second = await performOwedCancels(w.deps, 'poll');
    expect(second).toEqual({ kind: 'settled', epochs: [killed.epoch], brokers: { 'alpaca-paper': { cancelled: 2, openAfter: 0 } } });
    expect(w.published).toEqual([{ chatId: 77, notice: { kind: 'execution.cancel-all', broker: 'alpaca-paper', cancelled: 2, stillOpen: [] } }]);
    expect((await w.actions()).find((p) => p['action'] === 'killswitch.cancel_all')).toMatchObject({ brokers: { 'alpaca-paper': { cancelled: 2, openAfter: 0 } } });
    expect(await w.owedRows()).toEqual([]);
  });
});
