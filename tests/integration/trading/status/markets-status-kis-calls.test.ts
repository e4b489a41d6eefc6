/**
 * /status per market with KIS (issue 15): the KR broker's last good KIS call and, when the last
 * call failed after it, a warning — read from the record every process writes in Redis, through
 * the sources the app wires (statusMarkets) against the KIS emulator. The US part is unchanged.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/app/config/config.js';
import { createKrTradingDeps } from '../../../../src/app/kr-trading-deps.js';
import { statusMarkets } from '../../../../src/app/status-markets.js';
import { statusView } from '../../../../src/bot/views/status-view.js';
import { startKisEmulator, type KisEmulator } from '../../../../src/dev/kis/server.js';
import { XKRX_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { collectStatus, type StatusSources } from '../../../../src/trading/status/status.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { makeSchedDb, silentLog, type SchedDb } from '../../jobs/scheduler/setup.js';

const APP_KEY = 'PSstatusCallsAppKey3e8d1c9f7a2b5c8d0a';
const APP_SECRET = 'statusCallsSecret+Qz4Wd7Yf1Hj3Kl6Nx9Cv2Bm5';
const ACCOUNT = '50007654-01';

let db: SchedDb;
let emu: KisEmulator;
let redis: Redis;
let prefix: string;

beforeAll(async () => {
  db = await makeSchedDb();
  emu = await startKisEmulator({ server: 'virtual', appKey: APP_KEY, appSecret: APP_SECRET, account: ACCOUNT, maxRps: 1000, cash: 7_500_000, quotes: {} });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  prefix = uniquePrefix();
});
afterAll(async () => {
  await emu?.close();
  await redis?.quit();
  if (prefix) await cleanRedis(prefix);
  await db?.close();
});

const config = () =>
  loadConfig({ REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', BROKER_KR: 'kis-virtual', KIS_APP_KEY: APP_KEY, KIS_APP_SECRET: APP_SECRET, KIS_ACCOUNT: ACCOUNT, KIS_API_URL: emu.url, KIS_MAX_RPS: '100' });

function sources(): StatusSources {
  return {
    db: db.uow,
    redis: { ping: async () => 'PONG' },
    queues: { depths: async () => ({}) },
    killSwitch: { state: async () => ({ engaged: false, epoch: null, reason: null, changedBy: null, changedAt: null, postgres: false, redis: false }) },
    mode: 'test',
    startedAt: Date.now(),
    staleMs: 60_000,
    timeoutMs: 3_000,
    markets: statusMarkets({ config: config(), ds: db.ds, log: silentLog, shared: { redis, prefix }, scrub: (t) => t.split(APP_SECRET).join('[redacted]') }),
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

/** "14:02 KST": the time of a call on the Seoul clock. */
const kstTime = (ms: number) => `${XKRX_CALENDAR.formatIso(ms).slice(11, 16)} KST`;

describe('/status: the last KIS call per market', () => {
  it('the account read is the last good call; a later failed call is a warning naming it; US unchanged', async () => {
    const first = statusView(await collectStatus(sources())).text;
    const kr = marketLines(first, 'KR');
    expect(kr).toContain('   Broker kis-virtual: account reachable · cash ₩7,500,000 · equity ₩7,500,000');
    const good = kr.find((l) => l.startsWith('   KIS: last good call '));
    expect(good).toMatch(/^ {3}KIS: last good call \d\d:\d\d KST \(under a minute ago, balance\)$/);
    expect(marketLines(first, 'US').slice(1)).toEqual(['   Broker paper: simulated book in Postgres (no broker account to reach)', '   Data: no US bars stored']);

    // KIS's balance inquiry now fails on every attempt (a 500 with a KIS error body).
    emu.injectFaults({ kind: 'server_error', status: 500, path: '/uapi/domestic-stock/v1/trading/inquire-balance', count: 20 });
    const second = marketLines(statusView(await collectStatus(sources())).text, 'KR');
    expect(second).toContainEqual(expect.stringMatching(/^ {3}⚠️ Broker kis-virtual: account unreachable: /));
    const record = await createKrTradingDeps(config(), db.ds, silentLog, { redis, prefix })!.connection.calls.read();
    expect(record.lastFailure).toMatchObject({ endpoint: 'balance', error: 'server_error', status: 500, msgCd: 'EGW00002' });
    expect(second).toContain(
      `   ⚠️ KIS: the last call failed ${kstTime(record.lastFailure!.at)} (under a minute ago, balance: KIS server error, HTTP 500 EGW00002) after the last good call ${kstTime(record.lastGood!.at)} (under a minute ago, balance). Next: calls are retried; if it persists check KIS service notices`,
    );
    expect(second.join('\n')).not.toContain(APP_SECRET);
  });
});
