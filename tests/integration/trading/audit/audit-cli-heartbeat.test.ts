import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { auditCommand } from '../../../../src/cli/commands/audit.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { createLogger } from '../../../../src/lib/logging/logger.js';
import { RedisLivenessMarks } from '../../../../src/adapters/redis/health.js';
import { Heartbeat, readHeartbeats } from '../../../../src/trading/status/heartbeat.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 3 });
  await ds.initialize();
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

async function runAuditVerify(): Promise<{ code: number; out: string }> {
  let out = '';
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = db.url;
  try {
    const code = await auditCommand.run(['verify'], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    return { code, out };
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
}

describe('courtside audit verify', () => {
  it('reports OK on an intact chain and the first broken row after tampering (exit 1)', async () => {
    const log = new AuditLog(new TypeOrmUnitOfWork(ds));
    for (let i = 0; i < 5; i++) await log.append({ action: 'test.cli', actor: 'test', i });
    const ok = await runAuditVerify();
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^OK: 5 rows/);
    await ds.transaction(async (m) => {
      await m.query(`SELECT set_config('courtside.audit_maintenance', 'on', true)`);
      await m.query(`UPDATE audit_log SET payload = jsonb_set(payload, '{i}', '42') WHERE seq = 3`);
    });
    const bad = await runAuditVerify();
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/BROKEN at seq 3: hash does not match payload/);
  });
});

describe('heartbeat', () => {
  it('records each beat and reports a role stale once it misses the window', async () => {
    const prefix = uniquePrefix();
    const redis = new Redis(REDIS_URL);
    try {
      const log = createLogger({ level: 'silent', secrets: [] });
      const uow = new TypeOrmUnitOfWork(ds);
      const hb = new Heartbeat(uow, new RedisLivenessMarks(redis, prefix), 'worker', 'inst-1', 60_000, 300_000, log);
      await hb.beat();
      let views = await readHeartbeats(uow, 300_000);
      expect(views.find((v) => v.instance === 'inst-1')).toMatchObject({ role: 'worker', stale: false });
      expect(await redis.pttl(`${prefix}:heartbeat:worker:inst-1`)).toBeGreaterThan(290_000);
      // Six minutes later with no beat: stale.
      views = await readHeartbeats(uow, 300_000, Date.now() + 6 * 60_000);
      expect(views.find((v) => v.instance === 'inst-1')).toMatchObject({ stale: true });
      await hb.retire();
      expect((await readHeartbeats(uow, 300_000)).some((v) => v.instance === 'inst-1')).toBe(false);
    } finally {
      redis.disconnect();
      await cleanRedis(prefix);
    }
  });
});
