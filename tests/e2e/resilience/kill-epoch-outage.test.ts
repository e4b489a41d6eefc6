/**
 * A kill engaged while Postgres is down survives a Redis restart (issue 12, item 4; DESIGN §5.2).
 *
 * All roles that matter (bot, worker) in this process, the real telegraf bot against the Bot API
 * emulator, a PRIVATE Postgres and a PRIVATE Redis (on their own ports, so stopping them touches
 * no other test), the paper broker.
 *
 * The attack: stop Postgres → /kill (only the Redis mirror takes it) → Redis restarts empty →
 * Postgres comes back (still "off") → an Approve filled with nobody sending /resume. Now: the
 * process that engaged re-seeds the empty mirror with the higher epoch, and any reader writes
 * that epoch to Postgres once it answers; the approval is refused by the kill switch.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalOf, approvalSettled, command, count, insertPick, seedBars } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from '../../helpers/services.js';
import { isStatusReply, nextReply, sleep, textOf, userSays } from './support.js';

const USER = 1;

describe('kill switch across a Postgres outage and a Redis restart', () => {
  let pgServer: PrivatePostgres;
  let redis: PrivateRedis;
  let h: Harness;

  beforeAll(async () => {
    pgServer = await startPrivatePostgres();
    redis = await startPrivateRedis();
    h = await startHarness({
      mode: 'token',
      roles: ['bot', 'worker'],
      dbUrl: pgServer.urlFor('courtside_kill_epoch'),
      env: { REDIS_URL: redis.url, EXEC_PER_ORDER_BUDGET: '5000', EXEC_DAILY_BUDGET: '100000' },
    });
    await command(h, USER, '/help', /./);
    await seedBars(h.running.app, { KEPO: 40 });
  }, 90_000);

  afterAll(async () => {
    if (h) {
      if (pgServer && !pgServer.running) await pgServer.start().catch(() => undefined);
      if (redis && !redis.running) await redis.start().catch(() => undefined);
      await h.stop();
    }
    await redis?.dispose();
    await pgServer?.dispose();
  });

  it('stop Postgres, /kill, restart Redis empty, bring Postgres back: an Approve does not fill, and Postgres now records the kill', async () => {
    const em = h.emulator;
    const ds = h.running.app.ds;
    const brokerOrders = () => count(ds, `SELECT count(*)::int AS n FROM paper_orders`);

    // Control: before any of this, an Approve fills (so "does not fill" below means something).
    const control = await insertPick(ds, { symbol: 'KEPO', entry: 40, qty: 5 });
    await command(h, USER, `/approve ${control}`, /Approved KEPO/);
    expect((await approvalSettled(ds, control, 20_000)).state).toBe('filled');
    expect(await brokerOrders()).toBe(1);

    await pgServer.stop('fast');
    const killed = await command(h, USER, '/kill outage drill', /KILL SWITCH ON/);
    expect(textOf(killed)).toContain('Postgres is unreachable');
    const probe = new Redis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    probe.on('error', () => undefined);
    await probe.connect();
    expect(await probe.get(`${h.prefix}:killswitch`), 'the mirror holds the kill').not.toBeNull();
    probe.disconnect();

    // Redis restarts empty (no persistence) while Postgres is still down.
    await redis.stop();
    await redis.start();
    await sleep(1_500);

    await pgServer.start();
    // Wait until the whole path (bot → commands queue → worker → Postgres) answers again.
    const backAt = Date.now();
    let status: string | null = null;
    while (Date.now() - backAt < 20_000 && status === null) {
      const s = userSays(em, '/status');
      const reply = await nextReply(em, s.afterSeq, 3_000).catch(() => null);
      if (reply && isStatusReply(reply)) status = textOf(reply);
      else await sleep(300);
    }
    expect(status, 'no /status answer within 20 s of Postgres coming back').not.toBeNull();

    // The attack: an Approve after all that. It must not reach the broker.
    const pick = await insertPick(ds, { symbol: 'KEPO', entry: 40, qty: 5 });
    const answer = await command(h, USER, `/approve ${pick}`, /Kill switch is ON|Approved KEPO|Database unavailable|Queue unavailable/);
    await sleep(2_000);
    expect(await brokerOrders(), `broker orders after the Approve (bot answered: ${textOf(answer)})`).toBe(1);
    expect(textOf(answer)).toMatch(/Kill switch is ON/);
    const approval = await approvalOf(ds, pick);
    expect(approval?.state ?? 'none').not.toMatch(/filled/);
    expect(status).toMatch(/Kill switch: ON/);

    // Postgres was repaired from the higher epoch: it now says engaged, with the /kill's reason.
    const row = ((await ds.query(`SELECT engaged, reason, epoch::int AS epoch FROM kill_switch WHERE id = 1`)) as { engaged: boolean; reason: string; epoch: number }[])[0]!;
    expect(row).toEqual({ engaged: true, reason: 'outage drill', epoch: 1 });
    const check = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      expect(JSON.parse((await check.get(`${h.prefix}:killswitch`))!)).toMatchObject({ engaged: true, epoch: 1, reason: 'outage drill' });
    } finally {
      check.disconnect();
    }
  }, 120_000);
});
