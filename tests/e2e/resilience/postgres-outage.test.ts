/**
 * Postgres restarts under the running app (all roles in this process, real telegraf bot
 * against the Bot API emulator, a PRIVATE Postgres server on its own port and data dir).
 *
 * Proves: while Postgres is down a command that must be audited is refused with a clear
 * "Database unavailable" message and the process keeps serving; once Postgres is back on the
 * same port the SAME app answers again (the pg pool drops dead clients and reconnects), and
 * the audit hash chain is still intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/trading/audit/audit-log.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { startPrivatePostgres, type PrivatePostgres } from '../../helpers/services.js';
import { ADMIN_TOKEN, httpGet, isStatusReply, nextReply, readyzWhen, sleep, textOf, userSays } from './support.js';

describe('Postgres restart', () => {
  let pgServer: PrivatePostgres;
  let h: Harness;

  beforeAll(async () => {
    pgServer = await startPrivatePostgres();
    // The app creates and migrates this database at start-up, as in production.
    h = await startHarness({ mode: 'token', dbUrl: pgServer.urlFor('courtside_resilience'), env: { HTTP_ADMIN_TOKEN: ADMIN_TOKEN } });
  }, 60_000);

  afterAll(async () => {
    if (h) {
      if (pgServer && !pgServer.running) await pgServer.start().catch(() => undefined); // lets the app shut down cleanly
      await h.stop();
    }
    await pgServer?.dispose();
  });

  it('refuses with "Database unavailable" while down and works again after a restart, without restarting the app', async () => {
    const em = h.emulator;

    const first = userSays(em, '/status');
    const ok = await nextReply(em, first.afterSeq, 10_000);
    expect(isStatusReply(ok), textOf(ok)).toBe(true);
    expect(textOf(ok)).toMatch(/Postgres: ok/);

    await pgServer.stop('fast');

    // A command that must be audited before it runs is refused, saying why and that nothing changed.
    const down = userSays(em, '/status');
    const refused = await nextReply(em, down.afterSeq, 5_000);
    expect(textOf(refused)).toContain('Database unavailable');
    expect(textOf(refused)).toContain('nothing was changed');
    expect(refused.at - down.sentAt, 'refusal latency').toBeLessThan(3_000);

    // The process is alive; readiness reports the database down.
    expect((await httpGet(h.running.httpPort, '/healthz')).status).toBe(200);
    const ready = await readyzWhen(h.running.httpPort, 503);
    expect(JSON.parse(ready.body)).toMatchObject({ postgres: { ok: false }, redis: { ok: true } });

    // Stay down a little so heartbeats and pooled clients have failed too.
    await sleep(1_500);

    await pgServer.start();
    const restartedAt = Date.now();
    let recovered: string | null = null;
    const meanwhile: string[] = [];
    while (Date.now() - restartedAt < 15_000) {
      const s = userSays(em, '/status');
      const reply = await nextReply(em, s.afterSeq, Math.max(500, 15_000 - (Date.now() - restartedAt))).catch(() => null);
      if (reply && isStatusReply(reply)) {
        recovered = textOf(reply);
        break;
      }
      meanwhile.push(reply ? textOf(reply).slice(0, 80) : '(no reply)');
      await sleep(300);
    }
    expect(recovered, `no /status answer within 15 s of Postgres coming back; replies meanwhile: ${JSON.stringify(meanwhile)}`).not.toBeNull();
    expect(recovered).toMatch(/Postgres: ok/);
    expect(recovered).toContain('Kill switch: off');

    // A write path works again too: /kill is recorded in Postgres, not only in the Redis mirror.
    const k = userSays(em, '/kill after restart');
    const killed = await nextReply(em, k.afterSeq, 5_000);
    expect(textOf(killed)).toContain('KILL SWITCH ON');
    expect(textOf(killed)).not.toContain('Postgres is unreachable');
    const rows = (await h.running.app.ds.query('SELECT engaged FROM kill_switch WHERE id = 1')) as { engaged: boolean }[];
    expect(rows[0]?.engaged).toBe(true);

    // The audit chain survived the restart: every row links to the one before.
    const verdict = await new AuditLog(h.running.app.uow).verify();
    expect(verdict, JSON.stringify(verdict)).toMatchObject({ ok: true });
    expect(verdict.rows).toBeGreaterThanOrEqual(3);
    // Readiness recovers on its own (the background prober's next snapshot).
    await readyzWhen(h.running.httpPort, 200);
  });
});
