/**
 * The worker's start-up look at the broker account (issue 19, item 6): the real Alpaca adapter
 * against the Alpaca trading emulator, real alerts in a private database, the admins' messages as
 * the bot renders them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../../src/dev/alpaca-trading/server.js';
import { Alerts, currentAlerts } from '../../../../src/trading/alerts/alerts.js';
import { accountBlockedAlertKey, checkAccountFlagsAtStartup, type AccountFlagsCheckLog } from '../../../../src/trading/status/account-flags-check.js';
import { testAlpacaBroker } from '../../adapters/brokers/alpaca-test-broker.js';
import { makeSchedDb, silentLog, type SchedDb } from '../../jobs/scheduler/setup.js';
import { sink } from '../alerts/sink.js';

const KEY_ID = 'PKFLAGSCHECK0001';
const SECRET = 'flags_check_secret_do_not_log_01';
const ADMIN = 11;

let db: SchedDb;
let emu: AlpacaTradingEmulator;
beforeAll(async () => {
  db = await makeSchedDb();
  emu = await startAlpacaTradingEmulator({ keyId: KEY_ID, secretKey: SECRET, cash: 100_000, quotes: {} });
});
afterAll(async () => {
  await emu?.close();
  await db?.close();
});
afterEach(async () => {
  emu.setAccountFlags({ trading_blocked: false, account_blocked: false, trade_suspended_by_user: false });
  await db.ds.query('DELETE FROM alerts');
});

/** A logger that keeps every line. */
function recordingLog(): AccountFlagsCheckLog & { lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = [];
  return {
    lines,
    info: (obj, msg) => void lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => void lines.push({ level: 'warn', obj, msg }),
  };
}

const scrub = (t: string) => t.split(SECRET).join('[redacted]');
const broker = () => testAlpacaBroker({ keyId: KEY_ID, secretKey: SECRET, baseUrl: emu.url, logger: silentLog }, { name: 'alpaca-paper' });

describe('checkAccountFlagsAtStartup', () => {
  it('a blocked account: logged with its flags, one critical alert naming them (not repeated on the next start); cleared: resolved', async () => {
    emu.setAccountFlags({ trading_blocked: true, trade_suspended_by_user: true });
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [ADMIN], log: silentLog });
    const log = recordingLog();

    const found = await checkAccountFlagsAtStartup({ broker: broker(), alerts, log, scrub });
    expect(found).toEqual({ kind: 'blocked', broker: 'alpaca-paper', flags: ['trading_blocked', 'trade_suspended_by_user'], status: 'ACTIVE' });
    expect(log.lines).toEqual([expect.objectContaining({ level: 'warn', obj: { broker: 'alpaca-paper', flags: ['trading_blocked', 'trade_suspended_by_user'], accountStatus: 'ACTIVE' } })]);
    expect(log.lines[0]!.msg).toMatch(/new entries are refused .*exits and \/kill still run/);

    const open = await currentAlerts(db.uow);
    expect(open.map((a) => [a.key, a.severity])).toEqual([[accountBlockedAlertKey('alpaca-paper'), 'critical']]);
    expect(s.sent.map((m) => m.chatId)).toEqual([ADMIN]);
    expect(s.texts[0]).toContain('alpaca-paper reports the account cannot trade (trading_blocked, trade_suspended_by_user; account status ACTIVE): new entries are refused before the broker; exits and /kill still run.');
    expect(s.texts[0]).toMatch(/Clear it at the broker, then check \/status/);

    // Another worker starting on the same blocked account: counted, no second message.
    await checkAccountFlagsAtStartup({ broker: broker(), alerts, log: recordingLog(), scrub });
    expect(s.sent).toHaveLength(1);

    emu.setAccountFlags({ trading_blocked: false, trade_suspended_by_user: false });
    const clear = recordingLog();
    expect(await checkAccountFlagsAtStartup({ broker: broker(), alerts, log: clear, scrub })).toEqual({ kind: 'allowed', broker: 'alpaca-paper', status: 'ACTIVE' });
    expect(clear.lines).toEqual([{ level: 'info', obj: { broker: 'alpaca-paper', accountStatus: 'ACTIVE', flags: [] }, msg: 'broker account allows trading' }]);
    expect(await currentAlerts(db.uow)).toEqual([]);
    expect(s.sent).toHaveLength(2); // the "recovered" message
  });

  it('an allowed account with no earlier alert: logged, nothing raised', async () => {
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [ADMIN], log: silentLog });
    const log = recordingLog();
    expect((await checkAccountFlagsAtStartup({ broker: broker(), alerts, log, scrub })).kind).toBe('allowed');
    expect(log.lines.map((l) => l.level)).toEqual(['info']);
    expect(s.sent).toEqual([]);
    expect(await currentAlerts(db.uow)).toEqual([]);
  });

  it('an unreadable account never fails the start: a scrubbed warning within the timeout, no alert', async () => {
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [ADMIN], log: silentLog });
    const hanging = { name: 'alpaca-paper', account: () => new Promise<never>(() => undefined) };
    const log = recordingLog();
    const t0 = Date.now();
    const found = await checkAccountFlagsAtStartup({ broker: hanging, alerts, log, scrub, timeoutMs: 200 });
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(found).toEqual({ kind: 'unreadable', broker: 'alpaca-paper', error: 'alpaca-paper account read timed out after 200 ms' });
    expect(log.lines.map((l) => l.level)).toEqual(['warn']);

    const failing = {
      name: 'alpaca-paper',
      account: () => {
        throw new Error(`HTTP 401 with key ${SECRET}`);
      },
    };
    const secretLog = recordingLog();
    const bad = await checkAccountFlagsAtStartup({ broker: failing, alerts, log: secretLog, scrub });
    expect(bad).toEqual({ kind: 'unreadable', broker: 'alpaca-paper', error: 'HTTP 401 with key [redacted]' });
    expect(JSON.stringify(secretLog.lines)).not.toContain(SECRET);
    expect(s.sent).toEqual([]);
    expect(await currentAlerts(db.uow)).toEqual([]);
  });

  it('a broker without account flags (the simulated paper broker): logged as such, no alert', async () => {
    const s = sink();
    const alerts = new Alerts({ db: db.uow, notifier: s.notifier, admins: [ADMIN], log: silentLog });
    const paper = { name: 'paper', account: async () => ({ cash: 1, equity: 1, buyingPower: 1 }) };
    expect(await checkAccountFlagsAtStartup({ broker: paper, alerts, log: recordingLog(), scrub })).toEqual({ kind: 'no_flags', broker: 'paper' });
    expect(s.sent).toEqual([]);
  });
});
