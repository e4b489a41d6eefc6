import { describe, expect, it } from 'vitest';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { readPinKey, recordConfigStart, currentPins, type ConfigStart, type StoredSetting } from '../../../../src/trading/status/config-pin.js';
import { configPinCheck } from '../../../../src/trading/preflight/checks/config-pin.js';
import type { AuditEvent } from '../../../../src/trading/audit/audit-log.js';
import type { Notice } from '../../../../src/trading/notifier.js';
import { dataSourcePerTest } from '../../../helpers/pg.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const settingsWith = (drift: string): Record<string, StoredSetting> => ({
  EXEC_MAX_DRIFT_PCT: { digest: `d-${drift}`, source: 'environment', secret: false, shown: drift },
  CALLBACK_SECRET: { digest: `s-${drift}`, source: 'environment', secret: true, shown: null },
});

function recorder() {
  const audits: AuditEvent[] = [];
  const sent: { chatId: number; notice: Notice; key?: string }[] = [];
  return {
    audits,
    sent,
    audit: { append: async (e: AuditEvent) => audits.push(e) },
    notifier: { publish: async (chatId: number, notice: Notice, opts?: { key?: string }) => void sent.push({ chatId, notice, ...(opts?.key ? { key: opts.key } : {}) }) },
  };
}

describe('configuration pin records', () => {
  const t = dataSourcePerTest();

  it('the migration made one 32-byte HMAC key', async () => {
    const key = await readPinKey(new TypeOrmUnitOfWork(t.ds()));
    expect(key.length).toBe(32);
    expect(key.equals(Buffer.alloc(32))).toBe(false);
  });

  it('roles restarted one by one with a new configuration announce it once; going back is a new change', async () => {
    const db = new TypeOrmUnitOfWork(t.ds());
    const r = recorder();
    const deps = { db, audit: r.audit, notifier: r.notifier, admins: [1, 2] };
    const start = (role: string, pin: string, drift: string): ConfigStart => ({ roles: [role], instance: `${role}-1`, pin, settings: settingsWith(drift) });
    for (const role of ['bot', 'worker', 'scheduler']) expect((await recordConfigStart(deps, start(role, A, '2'))).announced).toBeNull();
    const results = [];
    for (const role of ['bot', 'worker', 'scheduler']) results.push(await recordConfigStart(deps, start(role, B, '3')));
    expect(results.map((x) => x.announced !== null)).toEqual([true, false, false]);
    expect(results[1]!.previous).toEqual({ worker: A });
    expect(r.audits).toHaveLength(1);
    expect(r.audits[0]).toMatchObject({ action: 'config.changed', pin: B, previous: A, changed: [{ name: 'CALLBACK_SECRET', secret: true }, { name: 'EXEC_MAX_DRIFT_PCT', from: '2', to: '3' }] });
    expect(r.sent.map((s) => s.chatId)).toEqual([1, 2]);
    expect(r.sent[0]!.notice).toMatchObject({ kind: 'config.changed', change: { pin: B, previous: A, roles: ['bot'] } });
    // Back to the first configuration: announced again, once.
    for (const role of ['bot', 'worker']) await recordConfigStart(deps, start(role, A, '2'));
    expect(r.audits).toHaveLength(2);
    expect(r.audits[1]).toMatchObject({ pin: A, previous: B });
    expect((await currentPins(db)).map((p) => [p.role, p.pin])).toEqual([['bot', A], ['scheduler', B], ['worker', A]]);
  });

  it('preflight: ✗ when live roles beat with different pins, ✓ when they agree, ⚠ without pins', async () => {
    const db = new TypeOrmUnitOfWork(t.ds());
    const beat = (role: string, pin: string | null) =>
      db.exec(`INSERT INTO heartbeats (role, instance, pid, host, started_at, beat_at, config_pin) VALUES ($1, $1 || '-1', 1, 'h', now(), now(), $2)`, [role, pin]);
    const check = configPinCheck({ db, staleMs: 60_000 });
    expect(await check.run()).toMatchObject({ level: 'pass', saw: 'no role running: nothing to compare' });
    await beat('bot', A);
    await beat('worker', A);
    expect(await check.run()).toMatchObject({ level: 'pass', saw: expect.stringContaining(`pin ${A.slice(0, 12)} on 2 live processes`) });
    expect(await configPinCheck({ db, staleMs: 60_000, expected: B }).run()).toMatchObject({ level: 'warn' });
    await beat('scheduler', B);
    const failed = await check.run();
    expect(failed.level).toBe('fail');
    expect(failed.saw).toContain(`scheduler@h ${B.slice(0, 12)}`);
    expect(failed.saw).toContain(`bot@h ${A.slice(0, 12)}`);
    expect(failed.fix).toMatch(/Restart every role with the same settings/);
    // A stale beat is a stopped process: it no longer counts.
    await db.exec(`UPDATE heartbeats SET beat_at = now() - interval '10 minutes' WHERE role = 'scheduler'`);
    expect((await check.run()).level).toBe('pass');
    await db.exec(`UPDATE heartbeats SET config_pin = NULL WHERE role = 'worker'`);
    expect((await check.run()).level).toBe('warn');
  });
});
