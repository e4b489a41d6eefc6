/**
 * /status per market (issue 15, item 6) from the sources the app wires (statusMarkets, as
 * context.ts builds them): BROKER_KR=kis-virtual against the KIS emulator — the KR broker line with
 * the account in won and the shared token's expiry in KST — KR DEMO bars older than the last closed
 * KRX session flagged stale, and a KIS server that never answers, which must not hold /status up.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BarsStore } from '../../../../src/adapters/bars/store.js';
import { loadConfig } from '../../../../src/app/config/config.js';
import { createKrTradingDeps } from '../../../../src/app/kr-trading-deps.js';
import { statusMarkets } from '../../../../src/app/status-markets.js';
import { statusView } from '../../../../src/bot/views/status-view.js';
import { startKisEmulator, type KisEmulator } from '../../../../src/dev/kis/server.js';
import type { Bar } from '../../../../src/engine/bars.js';
import { XKRX_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { collectStatus, type StatusSources } from '../../../../src/trading/status/status.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { makeSchedDb, silentLog, type SchedDb } from '../../jobs/scheduler/setup.js';

const APP_KEY = 'PSstatusMarketsAppKey0c4d1e9f7a2b5c8d';
const APP_SECRET = 'statusMarketsSecret+Zq4Wd7Yf1Hj3Kl6Nx9Cv2Bm5';
const ACCOUNT = '50004321-01';
const CODE = '069500';

let db: SchedDb;
let emu: KisEmulator;
let redis: Redis;
let prefix: string;
/** Accepts connections and never answers: KIS hanging. */
let silent: Server;

/** The session before the last closed KRX session: one session behind, so stale. */
function staleDay(): string {
  const now = Date.now();
  const today = XKRX_CALENDAR.dateOf(now);
  const info = XKRX_CALENDAR.sessionInfo(today);
  const lastClosed = info !== null && now >= info.close ? today : XKRX_CALENDAR.previousSession(today);
  return XKRX_CALENDAR.previousSession(lastClosed);
}

beforeAll(async () => {
  db = await makeSchedDb();
  emu = await startKisEmulator({ server: 'virtual', appKey: APP_KEY, appSecret: APP_SECRET, account: ACCOUNT, maxRps: 1000, cash: 7_500_000, quotes: {} });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  prefix = uniquePrefix();
  silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const last = staleDay();
  const bars: Bar[] = [XKRX_CALENDAR.previousSession(last), last].map((date) => ({ date, open: 35_000, high: 35_100, low: 34_900, close: 35_050, volume: 100_000 }));
  await new BarsStore(db.ds).writeBars([{ symbol: CODE, bars }], { source: 'test-kr', demo: true });
});
afterAll(async () => {
  silent?.closeAllConnections();
  await new Promise<void>((r) => (silent ? silent.close(() => r()) : r()));
  await emu?.close();
  await redis?.quit();
  if (prefix) await cleanRedis(prefix);
  await db?.close();
});

function config(url: string) {
  return loadConfig({ REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', BROKER_KR: 'kis-virtual', KIS_APP_KEY: APP_KEY, KIS_APP_SECRET: APP_SECRET, KIS_ACCOUNT: ACCOUNT, KIS_API_URL: url, KIS_MAX_RPS: '100' });
}

function sources(url: string, timeoutMs: number): StatusSources {
  const cfg = config(url);
  return {
    db: db.uow,
    redis: { ping: async () => 'PONG' },
    queues: { depths: async () => ({}) },
    killSwitch: { state: async () => ({ engaged: false, epoch: null, reason: null, changedBy: null, changedAt: null, postgres: false, redis: false }) },
    mode: 'test',
    startedAt: Date.now(),
    staleMs: 60_000,
    timeoutMs,
    markets: statusMarkets({ config: cfg, ds: db.ds, log: silentLog, shared: { redis, prefix }, scrub: (t) => t.split(APP_SECRET).join('[redacted]') }),
  };
}

/** The lines of one market's part of /status (from its session line to the next market's). */
function marketLines(text: string, market: 'US' | 'KR'): string[] {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${market} · `));
  const rest = lines.slice(i + 1);
  const end = rest.findIndex((l) => !l.startsWith('   '));
  return [lines[i]!, ...(end < 0 ? rest : rest.slice(0, end))];
}

describe('/status per market with KIS', () => {
  it('the KR broker line in won, the token expiry in KST, stale DEMO data flagged; the US part beside it', async () => {
    const s = await collectStatus(sources(emu.url, 2_000));
    const text = statusView(s).text;
    const kr = marketLines(text, 'KR');
    expect(kr[0]).toMatch(/^KR · KRX: (open — closes \d{4}-\d\d-\d\d \d\d:\d\d KST|closed — opens \d{4}-\d\d-\d\d \d\d:\d\d KST.*, closes \d\d:\d\d KST)/);
    expect(kr).toContain('   Broker kis-virtual: account reachable · cash ₩7,500,000 · equity ₩7,500,000');
    // The token the account read obtained, as KIS's shared store holds it, shown on the Seoul clock.
    const token = await createKrTradingDeps(config(emu.url), db.ds, silentLog, { redis, prefix })!.connection.tokens.read();
    expect(token).not.toBeNull();
    const kst = XKRX_CALENDAR.formatIso(token!.expiresAt).slice(0, 16).replace('T', ' ');
    expect(kr).toContainEqual(expect.stringMatching(new RegExp(`^   KIS token expires ${kst} KST \\(in (1d 0h|23h) \\d+m\\)$`)));
    expect(kr).toContainEqual(expect.stringMatching(new RegExp(`^   ⚠️ Data: 1 symbol \\(DEMO\\), newest bar ${staleDay()} — STALE: the last closed KRX session is \\d{4}-\\d\\d-\\d\\d$`)));
    expect(emu.counters()).toMatchObject({ tokensIssued: 1, ordersReceived: 0 });

    const us = marketLines(text, 'US');
    expect(us[0]).toMatch(/^US · NYSE: (open|closed) — .* ET/);
    expect(us.slice(1)).toEqual(['   Broker paper: simulated book in Postgres (no broker account to reach)', '   Data: no US bars stored']);
    expect(text).not.toContain(APP_SECRET);
  });

  it('a KIS server that never answers: /status answers within the timeout, the account unreachable', async () => {
    const t0 = Date.now();
    const s = await collectStatus(sources(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, 300));
    expect(Date.now() - t0).toBeLessThan(2_000);
    const kr = marketLines(statusView(s).text, 'KR');
    expect(kr).toContain('   ⚠️ Broker kis-virtual: account unreachable: kis-virtual account read timed out after 300 ms');
    // The token lives in Redis (keyed by server, app key and account): still shown while KIS hangs.
    expect(kr).toContainEqual(expect.stringMatching(/^   KIS token expires \d{4}-\d\d-\d\d \d\d:\d\d KST \(in /));
  });
});
