import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKisBroker } from '../../../../src/adapters/brokers/kis/index.js';
import { createKisConnection, type KisConnectionOptions } from '../../../../src/adapters/brokers/kis/connection.js';
import { isDataProviderError } from '../../../../src/adapters/market-data/errors.js';
import { createKisDataProvider, describeKisBars, type KisDataProvider } from '../../../../src/adapters/market-data/kis/index.js';
import { seoul, type KisBar, type KisEmulator } from '../../../../src/dev/kis/server.js';
import { cleanRedis, uniquePrefix } from '../../../helpers/env.js';
import { ACCOUNT, APP_KEY, APP_SECRET, closeRedis, makeBroker, newRedis, startEmulator } from '../brokers/kis-test-broker.js';

/**
 * KIS daily prices (FHKST03010100) against the KIS emulator: paging back by
 * date 100 rows at a time, adjusted vs original prices, KR-only symbols, the
 * broker's token and rate, EGW00201 retried, rows on closed days refused.
 */

const CHART = '/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice';

let emu: KisEmulator;
let prefix: string;

beforeEach(async () => {
  emu = await startEmulator();
  // After the close of a day past every planted bar: during a session today's row is left out (kis-data-provider-today.test.ts).
  emu.setClock(seoul('2025-03-04', '16:00:00'));
  prefix = uniquePrefix();
});
afterEach(async () => {
  await emu.close();
  await closeRedis();
  await cleanRedis(prefix);
});

/** Every daily-price request the provider sent: its query. */
interface Seen {
  calls: URLSearchParams[];
  fetch: typeof fetch;
}
function spy(): Seen {
  const calls: URLSearchParams[] = [];
  return {
    calls,
    fetch: async (input, init) => {
      const u = new URL(String(input));
      if (u.pathname === CHART) calls.push(u.searchParams);
      return fetch(input, init);
    },
  };
}

function connectionOptions(extra: Partial<KisConnectionOptions> = {}): KisConnectionOptions {
  return {
    server: 'real',
    baseUrl: emu.url,
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    account: ACCOUNT,
    maxRps: 1000,
    redis: newRedis(),
    keyPrefix: prefix,
    now: () => emu.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
    ...extra,
  };
}

function provider(extra: Partial<KisConnectionOptions> = {}, prices?: 'adjusted' | 'original'): KisDataProvider {
  return createKisDataProvider({ connectionOptions: connectionOptions(extra), ...(prices ? { prices } : {}) });
}

/**
 * The first n weekdays from 2024-01-02 that were KRX sessions, by KRX's
 * holiday list written out here (2024: 1 Jan; Seollal 9–12 Feb; 1 Mar;
 * 10 Apr election; 1, 6, 15 May; 6 Jun; 15 Aug; Chuseok 16–18 Sep; 1 Oct (Armed Forces Day, a one-off holiday); 3, 9 Oct;
 * 25, 31 Dec; then 1 Jan 2025), independent of the engine's calendar; good
 * up to 2025-01-24.
 */
const KRX_2024_CLOSED = new Set(['2024-01-01', '2024-02-09', '2024-02-12', '2024-03-01', '2024-04-10', '2024-05-01', '2024-05-06', '2024-05-15', '2024-06-06', '2024-08-15', '2024-09-16', '2024-09-17', '2024-09-18', '2024-10-01', '2024-10-03', '2024-10-09', '2024-12-25', '2024-12-31', '2025-01-01']);
function sessions2024(n: number): string[] {
  const out: string[] = [];
  for (let t = Date.parse('2024-01-02T00:00:00Z'); out.length < n; t += 86_400_000) {
    const d = new Date(t);
    const iso = d.toISOString().slice(0, 10);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !KRX_2024_CLOSED.has(iso)) out.push(iso);
  }
  return out;
}

/** Planted bars: distinct whole-won prices per day; `original` (unadjusted) twice the adjusted ones before 2024-06-03. */
function plant(dates: string[]): KisBar[] {
  return dates.map((date, i) => {
    const close = 10_000 + 5 * i;
    const bar: KisBar = { date, open: close - 10, high: close + 20, low: close - 30, close, volume: 1000 + i };
    if (date < '2024-06-03') bar.original = { open: 2 * (close - 10), high: 2 * (close + 20), low: 2 * (close - 30), close: 2 * close };
    return bar;
  });
}

const compact = (iso: string) => iso.replaceAll('-', '');
const dayBefore = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const asBars = (bars: KisBar[]) => bars.map(({ date, open, high, low, close, volume }) => ({ date, open, high, low, close, volume }));

describe('KisDataProvider', () => {
  it('pages a 250-session range back three times (100 rows a call) and returns exactly the planted bars, oldest first', async () => {
    const dates = sessions2024(250);
    const planted = plant(dates);
    emu.setBars('069500', [...planted].reverse());
    const s = spy();
    const p = provider({ fetch: s.fetch });
    const bars = await p.dailyBars('069500', { from: dates[0]!, to: dates[249]! });
    expect(bars).toEqual(asBars(planted));
    expect(s.calls).toHaveLength(3);
    // Newest first, 100 a call: each follow-up asks up to the day before the oldest row it has.
    expect(s.calls.map((q) => q.get('FID_INPUT_DATE_2'))).toEqual([compact(dates[249]!), compact(dayBefore(dates[150]!)), compact(dayBefore(dates[50]!))]);
    expect(s.calls.every((q) => q.get('FID_INPUT_DATE_1') === dates[0]!.replaceAll('-', ''))).toBe(true);
    expect(s.calls.every((q) => q.get('FID_ORG_ADJ_PRC') === '0' && q.get('FID_PERIOD_DIV_CODE') === 'D' && q.get('FID_COND_MRKT_DIV_CODE') === 'J')).toBe(true);
  });

  it('adjusted (FID_ORG_ADJ_PRC=0) by default, original (1) when asked; both labelled price only', async () => {
    const dates = sessions2024(120).filter((d) => d >= '2024-05-27' && d <= '2024-06-07');
    const planted = plant(sessions2024(120)).filter((b) => dates.includes(b.date));
    emu.setBars('069500', planted);
    const range = { from: '2024-05-27', to: '2024-06-07' };
    const adjusted = provider();
    expect(await adjusted.dailyBars('069500', range)).toEqual(asBars(planted));
    const s = spy();
    const original = provider({ fetch: s.fetch }, 'original');
    const raw = await original.dailyBars('069500', range);
    expect(raw).toEqual(planted.map((b) => ({ date: b.date, open: (b.original ?? b).open, high: (b.original ?? b).high, low: (b.original ?? b).low, close: (b.original ?? b).close, volume: b.volume })));
    expect(raw[0]!.close).toBe(2 * planted[0]!.close);
    expect(s.calls.map((q) => q.get('FID_ORG_ADJ_PRC'))).toEqual(['1']);
    expect(adjusted.adjustment).toBe('price_only');
    expect(describeKisBars(original)).toBe('kis (original, price only — not total return)');
  });

  it('refuses a US symbol with a typed error and sends nothing', async () => {
    const p = provider();
    const err = await p.dailyBars('SPY', { from: '2024-01-02', to: '2024-01-31' }).catch((e: unknown) => e);
    expect(isDataProviderError(err, 'bad_request'), String(err)).toBe(true);
    expect(String(err)).toMatch(/SPY is a US symbol.*KRX codes only/);
    expect(emu.counters().requests).toBe(0);
  });

  it('the broker and the data provider use ONE token (tokenP once), in one process or two', async () => {
    emu.setBars('069500', plant(sessions2024(5)));
    // Two "processes": the broker and a data-only provider on their own Redis connections.
    const broker = makeBroker(emu, prefix);
    await broker.account();
    await provider().dailyBars('069500', { from: '2024-01-02', to: '2024-01-31' });
    expect(emu.counters().tokenCalls).toBe(1);
    // One process: the broker built on the provider's connection.
    const prefix2 = `${prefix}-shared`;
    const connection = createKisConnection(connectionOptions({ keyPrefix: prefix2 }));
    emu.advanceClock(61_000); // a new prefix has no token yet; KIS issues one a minute
    const p = createKisDataProvider({ connection });
    const b = createKisBroker({ ...connectionOptions({ keyPrefix: prefix2 }), connection });
    await Promise.all([p.dailyBars('069500', { from: '2024-01-02', to: '2024-01-31' }), b.account()]);
    expect(emu.counters().tokenCalls).toBe(2);
    expect(emu.counters().tokenRefusals).toBe(0);
    await cleanRedis(prefix2);
  });

  it('EGW00201 is retried and the bars arrive; past the retries it is rate_limited', async () => {
    const planted = plant(sessions2024(5));
    emu.setBars('069500', planted);
    const p = provider();
    emu.injectFaults({ kind: 'rate_limit', path: CHART, count: 2 });
    expect(await p.dailyBars('069500', { from: '2024-01-02', to: '2024-01-31' })).toEqual(asBars(planted));
    expect(emu.pendingFaults()).toHaveLength(0);
    emu.injectFaults({ kind: 'rate_limit', path: CHART, count: 10 });
    const err = await p.dailyBars('069500', { from: '2024-01-02', to: '2024-01-30' }).catch((e: unknown) => e);
    expect(isDataProviderError(err, 'rate_limited'), String(err)).toBe(true);
    expect((err as { retryable: boolean }).retryable).toBe(true);
  });

  it('a row on a date KRX was closed is a bad_response naming the date', async () => {
    emu.setBars('069500', [...plant(sessions2024(3)), { date: '2024-01-06', open: 10_000, high: 10_000, low: 10_000, close: 10_000, volume: 1 }]);
    const err = await provider().dailyBars('069500', { from: '2024-01-02', to: '2024-01-10' }).catch((e: unknown) => e);
    expect(isDataProviderError(err, 'bad_response'), String(err)).toBe(true);
    expect(String(err)).toMatch(/2024-01-06.*closed/);
  });

  it('a code KIS has nothing for gives no bars', async () => {
    await expect(provider().dailyBars('123456', { from: '2024-01-02', to: '2024-01-31' })).resolves.toEqual([]);
  });
});
