/**
 * The kill epoch (issue 12, item 4; DESIGN §5.2): every engage and resume bumps a monotonic
 * integer kept in Postgres and mirrored in Redis; the store with the higher epoch wins, a
 * reader repairs the one behind, an empty mirror is "unknown" (never "off"), and an engage
 * made while Postgres is down survives a Redis flush in the memory of the process that made or
 * saw it, until Postgres takes it.
 *
 * Real Postgres (a fresh database per test) and the shared Redis under a unique prefix; an
 * "outage" of Postgres is a unit of work that refuses every statement while `down` is set.
 */
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import type { SqlSession, UnitOfWork } from '../../../../src/adapters/db/port.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { RedisKillSwitchMirror } from '../../../../src/adapters/redis/kill-switch-mirror.js';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { KillSwitch, KillSwitchChangedError } from '../../../../src/trading/kill-switch/kill-switch.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let redis: Redis;
let prefix: string;
let key: string;
let pg: FlakyUow;

/** A unit of work whose every statement fails while `down` is true, like a stopped server. */
interface FlakyUow extends UnitOfWork {
  down: boolean;
}
function flaky(inner: UnitOfWork): FlakyUow {
  const refuse = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
  const u: FlakyUow = {
    down: false,
    rows: <T>(sql: string, params?: readonly unknown[]) => (u.down ? refuse() : inner.rows<T>(sql, params)),
    exec: (sql: string, params?: readonly unknown[]) => (u.down ? refuse() : inner.exec(sql, params)),
    transaction: <T>(fn: (tx: SqlSession) => Promise<T>) => (u.down ? refuse() : inner.transaction(fn)),
    oneTrip: (opening, body) => (u.down ? refuse() : inner.oneTrip(opening, body)),
    withAdvisoryLock: (ns, k, waitMs, fn) => (u.down ? refuse() : inner.withAdvisoryLock(ns, k, waitMs, fn)),
  };
  return u;
}

/** A process's kill switch: its own memory, the shared stores. */
function processSwitch(): KillSwitch {
  return new KillSwitch(pg, new RedisKillSwitchMirror(redis, key), new AuditLog(pg));
}

interface Row {
  engaged: boolean;
  epoch: string;
  reason: string | null;
  changed_by: string | null;
}
const pgRow = async (): Promise<Row> => ((await ds.query(`SELECT engaged, epoch::text AS epoch, reason, changed_by::text AS changed_by FROM kill_switch WHERE id = 1`)) as Row[])[0]!;
const mirrored = async (): Promise<Record<string, unknown> | null> => {
  const raw = await redis.get(key);
  return raw === null ? null : (JSON.parse(raw) as Record<string, unknown>);
};
const actions = async (): Promise<string[]> => ((await ds.query(`SELECT payload->>'action' AS a FROM audit_log ORDER BY seq`)) as { a: string }[]).map((r) => r.a);

beforeEach(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 6 });
  await ds.initialize();
  pg = flaky(new TypeOrmUnitOfWork(ds));
  prefix = uniquePrefix();
  key = `${prefix}:killswitch`;
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterEach(async () => {
  redis.disconnect();
  await cleanRedis(prefix);
  await ds.destroy();
  await db.drop();
});

describe('kill epoch', () => {
  it('every engage and every resume bumps the epoch by one, in Postgres and in the mirror {engaged, epoch, reason, by, at}', async () => {
    const ks = processSwitch();
    const start = await ks.state();
    expect(start).toMatchObject({ engaged: false, epoch: 0 });

    const a = await ks.engage('drill', 42);
    expect(a).toMatchObject({ engaged: true, epoch: 1, reason: 'drill' });
    expect(await pgRow()).toEqual({ engaged: true, epoch: '1', reason: 'drill', changed_by: '42' });
    expect(await mirrored()).toMatchObject({ engaged: true, epoch: 1, reason: 'drill', by: '42' });
    expect(typeof (await mirrored())?.['at']).toBe('string');

    const b = await ks.resume(42);
    expect(b).toMatchObject({ engaged: false, epoch: 2 });
    expect(await pgRow()).toMatchObject({ engaged: false, epoch: '2' });
    expect(await mirrored()).toMatchObject({ engaged: false, epoch: 2 });

    const c = await ks.engage('again', 42);
    expect(c.epoch).toBe(3);
    // Another process reads the same epoch.
    expect(await processSwitch().state()).toMatchObject({ engaged: true, epoch: 3, reason: 'again' });
  });

  it('resume bound to an epoch: a resume for an older epoch is refused and changes nothing', async () => {
    const ks = processSwitch();
    await ks.engage('one', 1);
    await ks.resume(1);
    await ks.engage('two', 1); // epoch 3
    await expect(ks.resume(1, { expectedEpoch: 1 })).rejects.toBeInstanceOf(KillSwitchChangedError);
    expect(await pgRow()).toMatchObject({ engaged: true, epoch: '3', reason: 'two' });
    expect(await ks.state()).toMatchObject({ engaged: true, epoch: 3 });
    expect(await ks.resume(1, { expectedEpoch: 3 })).toMatchObject({ engaged: false, epoch: 4 });
  });

  it('Redis ahead of Postgres: the higher epoch wins, and a reader writes it to Postgres (audited)', async () => {
    await processSwitch().engage('one', 7);
    await processSwitch().resume(7); // Postgres and Redis at epoch 2, off
    await redis.set(key, JSON.stringify({ engaged: true, epoch: 3, reason: 'engaged while Postgres was down', by: '7', at: '2025-07-08T17:05:00.000Z' }));

    const reader = processSwitch(); // a fresh process: nothing in memory
    const s = await reader.state();
    expect(s).toMatchObject({ engaged: true, epoch: 3, reason: 'engaged while Postgres was down' });
    expect(s.changedAt?.toISOString()).toBe('2025-07-08T17:05:00.000Z');
    expect(await pgRow()).toEqual({ engaged: true, epoch: '3', reason: 'engaged while Postgres was down', changed_by: '7' });
    expect(await actions()).toContain('killswitch.repaired');
  });

  it('Postgres ahead of Redis: Postgres wins and the mirror is repaired (an old engaged mirror does not keep trading halted)', async () => {
    const ks = processSwitch();
    await ks.engage('one', 1);
    const old = await redis.get(key);
    await ks.resume(1); // epoch 2, off
    await redis.set(key, old!); // e.g. Redis restored from an old snapshot
    const s = await processSwitch().state();
    expect(s).toMatchObject({ engaged: false, epoch: 2 });
    expect(await mirrored()).toMatchObject({ engaged: false, epoch: 2 });
  });

  it('an empty mirror is unknown: while Postgres does not answer it fails closed; once Postgres answers the mirror is re-seeded from it', async () => {
    const ks = processSwitch();
    await ks.engage('one', 1);
    await ks.resume(1); // epoch 2, off
    await redis.del(key); // Redis restarted empty

    pg.down = true;
    const fresh = processSwitch(); // a process that never saw any state
    expect(await fresh.state()).toMatchObject({ engaged: true, postgres: 'unreachable' });
    expect(await mirrored()).toBeNull();

    pg.down = false;
    expect(await fresh.state()).toMatchObject({ engaged: false, epoch: 2 });
    expect(await mirrored()).toMatchObject({ engaged: false, epoch: 2 });
  });

  it('engage while Postgres is down: Redis holds epoch = last known + 1, engaged; Postgres takes it when it is back', async () => {
    const bot = processSwitch();
    await bot.engage('one', 1);
    await bot.resume(1); // epoch 2
    pg.down = true;
    const s = await bot.engage('Postgres is down', 9);
    expect(s).toMatchObject({ engaged: true, postgres: 'unreachable' });
    expect(await mirrored()).toMatchObject({ engaged: true, epoch: 3, reason: 'Postgres is down', by: '9' });

    pg.down = false;
    const worker = processSwitch();
    expect(await worker.state()).toMatchObject({ engaged: true, epoch: 3, reason: 'Postgres is down' });
    expect(await pgRow()).toEqual({ engaged: true, epoch: '3', reason: 'Postgres is down', changed_by: '9' });
    // A resume afterwards goes past it.
    expect(await worker.resume(1, { expectedEpoch: 3 })).toMatchObject({ engaged: false, epoch: 4 });
  });

  it('engage while Postgres is down, then Redis restarts empty: the process that engaged re-seeds the mirror, and Postgres gets it when back (item 4)', async () => {
    const bot = processSwitch();
    await bot.engage('one', 1);
    await bot.resume(1); // epoch 2
    pg.down = true;
    await bot.engage('kill during outage', 1); // epoch 3 in Redis only
    await redis.del(key); // Redis restarted empty while Postgres is still down

    await bot.syncMirror(); // what the process does when Redis is ready again (and on its periodic tick)
    expect(await mirrored()).toMatchObject({ engaged: true, epoch: 3, reason: 'kill during outage' });

    pg.down = false;
    // Any reader, even one that never saw the engage, now sees it, and Postgres is repaired.
    expect(await processSwitch().state()).toMatchObject({ engaged: true, epoch: 3 });
    expect(await pgRow()).toMatchObject({ engaged: true, epoch: '3', reason: 'kill during outage' });
  });

  it('Postgres comes back before the mirror was re-seeded: the engaging process still refuses and repairs Postgres from memory', async () => {
    const bot = processSwitch();
    pg.down = true;
    await bot.engage('kill during outage', 1); // epoch 1 in Redis only (last known 0)
    await redis.del(key);
    pg.down = false;
    expect(await bot.state()).toMatchObject({ engaged: true, epoch: 1, reason: 'kill during outage' });
    expect(await pgRow()).toMatchObject({ engaged: true, epoch: '1' });
    expect(await mirrored()).toMatchObject({ engaged: true, epoch: 1 });
  });

  it('a mirror record written before epochs existed ({reason, by, at}) still counts as engaged, newer than Postgres', async () => {
    const ks = processSwitch();
    await ks.engage('one', 1);
    await ks.resume(1); // epoch 2, off
    await redis.set(key, JSON.stringify({ reason: 'legacy mirror', by: '1', at: '2025-07-08T17:00:00.000Z' }));
    expect(await processSwitch().state()).toMatchObject({ engaged: true, epoch: 3, reason: 'legacy mirror' });
    expect(await pgRow()).toMatchObject({ engaged: true, epoch: '3' });
  });
  it('Redis can only ADD a kill: an "off" in the mirror at a newer epoch than an engaged Postgres (a forged key, another deployment sharing the prefix) fails closed and never turns Postgres off', async () => {
    const ks = processSwitch();
    await ks.engage('drill', 42);
    await redis.set(key, JSON.stringify({ engaged: false, epoch: 999_999, reason: 'resumed', by: '7', at: new Date().toISOString() }));
    const fresh = processSwitch();
    const st = await fresh.state();
    expect(st.engaged).toBe(true);
    expect(await pgRow()).toMatchObject({ engaged: true, epoch: '1', reason: 'drill' });
    expect(await actions()).not.toContain('killswitch.repaired');
    // A fresh /kill moves past the bogus epoch; a /resume confirmed for it then works, and both stores agree.
    const again = await fresh.engage('re-arm', 42);
    expect(again.engaged).toBe(true);
    const off = await fresh.resume(42);
    expect(off.engaged).toBe(false);
    expect(await pgRow()).toMatchObject({ engaged: false });
    expect(await mirrored()).toMatchObject({ engaged: false, epoch: off.epoch });
  });
});
