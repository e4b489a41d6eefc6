/**
 * /status's broker account line from its sources (issue 19, item 6): collectStatus over a private
 * database and the real Alpaca adapter against the Alpaca trading emulator — the flags as Alpaca
 * reports them, and a broker that does not answer, which must never fail /status.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../../src/dev/alpaca-trading/server.js';
import { statusView } from '../../../../src/bot/views/status-view.js';
import { collectStatus, type StatusSources } from '../../../../src/trading/status/status.js';
import { testAlpacaBroker } from '../../adapters/brokers/alpaca-test-broker.js';
import { makeSchedDb, silentLog, type SchedDb } from '../../jobs/scheduler/setup.js';

const KEY_ID = 'PKSTATUSFLAGS001';
const SECRET = 'status_flags_secret_do_not_log_1';

let db: SchedDb;
let emu: AlpacaTradingEmulator;
/** Accepts connections and never answers: a broker hanging. */
let silent: Server;
beforeAll(async () => {
  db = await makeSchedDb();
  emu = await startAlpacaTradingEmulator({ keyId: KEY_ID, secretKey: SECRET, cash: 100_000, quotes: {} });
  silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  silent?.closeAllConnections();
  await new Promise<void>((r) => (silent ? silent.close(() => r()) : r()));
  await emu?.close();
  await db?.close();
});

function sources(baseUrl: string): StatusSources {
  const broker = testAlpacaBroker({ keyId: KEY_ID, secretKey: SECRET, baseUrl, logger: silentLog }, { name: 'alpaca-paper' });
  return {
    db: db.uow,
    redis: { ping: async () => 'PONG' },
    queues: { depths: async () => ({}) },
    killSwitch: { state: async () => ({ engaged: false, epoch: null, reason: null, changedBy: null, changedAt: null, postgres: false, redis: false }) },
    mode: 'test',
    startedAt: Date.now(),
    staleMs: 60_000,
    timeoutMs: 300,
    brokerAccount: { name: broker.name, account: () => broker.account(), scrub: (t) => t.split(SECRET).join('[redacted]') },
  };
}

const brokerLines = (text: string) => text.split('\n').filter((l) => l.includes('Broker '));

describe('/status: the broker account', () => {
  it('shows the flags Alpaca reports, and trading allowed once they are cleared', async () => {
    emu.setAccountFlags({ account_blocked: true });
    const blocked = await collectStatus(sources(emu.url));
    expect(blocked.brokerAccount).toEqual({ broker: 'alpaca-paper', readable: true, hasFlags: true, status: 'ACTIVE', blocking: ['account_blocked'] });
    expect(brokerLines(statusView(blocked).text)).toEqual(['⚠️ Broker alpaca-paper: account_blocked — new entries are refused; exits and /kill still run (account status ACTIVE)']);

    emu.setAccountFlags({ account_blocked: false });
    const allowed = await collectStatus(sources(emu.url));
    expect(brokerLines(statusView(allowed).text)).toEqual(['Broker alpaca-paper: account ACTIVE, trading allowed']);
  });

  it('a broker that does not answer: /status answers within the probe timeout and says the account is unreadable', async () => {
    const t0 = Date.now();
    const s = await collectStatus(sources(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`));
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(s.db.ok).toBe(true);
    expect(s.brokerAccount).toEqual({ broker: 'alpaca-paper', readable: false, error: 'alpaca-paper account read timed out after 300 ms' });
    expect(brokerLines(statusView(s).text)[0]).toMatch(/^⚠️ Broker alpaca-paper: broker account unreadable: alpaca-paper account read timed out after 300 ms/);
  });

  it('bad keys: unreadable with the broker\'s reason, the secret never shown', async () => {
    const broker = testAlpacaBroker({ keyId: KEY_ID, secretKey: `${SECRET}-wrong`, baseUrl: emu.url, logger: silentLog }, { name: 'alpaca-paper' });
    const s = await collectStatus({ ...sources(emu.url), timeoutMs: 1_000, brokerAccount: { name: 'alpaca-paper', account: () => broker.account(), scrub: (t) => t.split(SECRET).join('[redacted]') } });
    expect(s.brokerAccount?.readable).toBe(false);
    const text = statusView(s).text;
    expect(brokerLines(text)[0]).toMatch(/^⚠️ Broker alpaca-paper: broker account unreadable: .*HTTP 403.*check APCA_API_KEY_ID/);
    expect(text).not.toContain(SECRET);
  });
});
