/**
 * Redis goes away and comes back while the app runs (all roles in this process, real
 * telegraf bot against the Bot API emulator, a PRIVATE redis-server on its own port).
 *
 * Proves: while Redis is down a queued command is refused at once with "Queue unavailable"
 * (fail-fast producer connection), /kill still engages and is recorded in Postgres, the
 * process stays up; once Redis is back on the same port, commands are answered again by the
 * SAME app (producer and BullMQ workers reconnect on their own).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { startPrivateRedis, type PrivateRedis } from '../../helpers/services.js';
import { ADMIN_TOKEN, httpGet, isStatusReply, nextReply, readyzWhen, sleep, textOf, userSays } from './support.js';

describe('Redis outage and recovery', () => {
  let redis: PrivateRedis;
  let h: Harness;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    h = await startHarness({ mode: 'token', env: { REDIS_URL: redis.url, HTTP_ADMIN_TOKEN: ADMIN_TOKEN } });
  });

  afterAll(async () => {
    // Workers wait out an outage forever, so bring Redis back before a graceful stop.
    if (redis && !redis.running) await redis.start().catch(() => undefined);
    await h?.stop();
    await redis?.dispose();
  });

  it('answers "Queue unavailable" within 1 s, /kill still engages, and recovers without a restart', async () => {
    const em = h.emulator;

    // Healthy baseline: the full bot → commands queue → worker → notify queue → Telegram path.
    const before = userSays(em, '/status');
    const ok = await nextReply(em, before.afterSeq, 10_000);
    expect(isStatusReply(ok), textOf(ok)).toBe(true);
    expect(textOf(ok)).toContain('Kill switch: off');

    await redis.stop();

    // 1. A queued command is refused fast, with a message that says what happened.
    const s1 = userSays(em, '/status');
    const refused = await nextReply(em, s1.afterSeq, 3_000);
    const latency = refused.at - s1.sentAt;
    expect(textOf(refused)).toContain('Queue unavailable');
    expect(latency, `"Queue unavailable" took ${latency} ms`).toBeLessThan(1_000);

    // 2. /kill does not depend on Redis: it is recorded in Postgres (system of record).
    const k = userSays(em, '/kill redis outage drill');
    const killed = await nextReply(em, k.afterSeq, 5_000);
    expect(textOf(killed)).toContain('KILL SWITCH ON');
    expect(textOf(killed)).toContain('Redis is unreachable');
    const db = new pg.Client({ connectionString: h.dbUrl });
    await db.connect();
    try {
      const row = (await db.query('SELECT engaged, reason FROM kill_switch WHERE id = 1')).rows[0] as { engaged: boolean; reason: string };
      expect(row).toEqual({ engaged: true, reason: 'redis outage drill' });
    } finally {
      await db.end();
    }

    // 3. The process is still up and serving.
    const health = await httpGet(h.running.httpPort, '/healthz');
    expect(health.status).toBe(200);
    const ready = await readyzWhen(h.running.httpPort, 503);
    expect(JSON.parse(ready.body)).toMatchObject({ redis: { ok: false }, postgres: { ok: true } });

    // Stay down long enough that every connection (producer, BullMQ workers and their blocking
    // connections) has seen failed commands and is in its reconnect back-off (capped at 2 s).
    await sleep(3_000);
    expect((await httpGet(h.running.httpPort, '/healthz')).status).toBe(200);

    // 4. Redis returns (empty, same port): the same app answers /status again within a bounded time.
    await redis.start();
    const restartedAt = Date.now();
    let recovered: ReturnType<typeof textOf> | null = null;
    const attempts: string[] = [];
    while (Date.now() - restartedAt < 15_000) {
      const s = userSays(em, '/status');
      const reply = await nextReply(em, s.afterSeq, Math.max(500, 15_000 - (Date.now() - restartedAt))).catch(() => null);
      if (reply && isStatusReply(reply)) {
        recovered = textOf(reply);
        break;
      }
      attempts.push(reply ? textOf(reply).slice(0, 80) : '(no reply)');
      await sleep(300);
    }
    expect(recovered, `no /status answer within 15 s of Redis coming back; replies meanwhile: ${JSON.stringify(attempts)}`).not.toBeNull();
    // The switch engaged during the outage is still on (Postgres says so; the Redis mirror was lost with the restart).
    expect(recovered).toContain('Kill switch: ON');
    expect(recovered).toMatch(/Redis: ok/);
    expect(recovered).toMatch(/Postgres: ok/);

    // Readiness recovers on its own (the background prober's next snapshot).
    await readyzWhen(h.running.httpPort, 200);
  });
});
