import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKisConnection, type KisConnection } from '../../../../src/adapters/brokers/kis/connection.js';
import { isDataProviderError } from '../../../../src/adapters/market-data/errors.js';
import { KisQuoteProvider } from '../../../../src/adapters/market-data/kis/index.js';
import { seoul, type KisEmulator } from '../../../../src/dev/kis/server.js';
import { cleanRedis, uniquePrefix } from '../../../helpers/env.js';
import { ACCOUNT, APP_KEY, APP_SECRET, closeRedis, newRedis, startEmulator } from '../brokers/kis-test-broker.js';

/**
 * KR quotes from KIS (주식현재가 호가/예상체결, FHKST01010200) against the KIS
 * emulator: level 1 of the book as the port's Quote, KRX codes only, the
 * connection's token, a code KIS does not know.
 */

const ASKING = '/uapi/domestic-stock/v1/quotations/inquire-asking-price-exp-ccn';

let emu: KisEmulator;
let prefix: string;
let connection: KisConnection;
let asked: { path: string; trId: string | null; query: URLSearchParams }[];
/** Fields written over the asking-price answer's output1 (what the real KIS fills and the emulator leaves blank). */
let overwrite: Record<string, string>;

beforeEach(async () => {
  emu = await startEmulator({ quotes: { '069500': { price: 35_010, bid: 35_005, ask: 35_015, bidSize: 1_200, askSize: 800 } } });
  emu.setClock(seoul('2024-01-08', '10:15:00'));
  prefix = uniquePrefix();
  asked = [];
  overwrite = {};
  connection = createKisConnection({
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
    fetch: async (input, init) => {
      const u = new URL(String(input));
      asked.push({ path: u.pathname, trId: new Headers(init?.headers).get('tr_id'), query: u.searchParams });
      const res = await fetch(input, init);
      if (u.pathname !== ASKING || Object.keys(overwrite).length === 0) return res;
      const body = (await res.json()) as { output1: Record<string, string> };
      body.output1 = { ...body.output1, ...overwrite };
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    },
  });
});
afterEach(async () => {
  await emu.close();
  await closeRedis();
  await cleanRedis(prefix);
});

describe('KisQuoteProvider', () => {
  it('reads bid, ask and their sizes from the asking-price TR, KRX market J', async () => {
    const q = await new KisQuoteProvider({ connection }).latestQuote('069500');
    expect(q).toMatchObject({ symbol: '069500', bid: 35_005, ask: 35_015, bidSize: 1_200, askSize: 800 });
    const call = asked.find((a) => a.path === ASKING);
    expect(call?.trId).toBe('FHKST01010200');
    expect(call?.query.get('FID_COND_MRKT_DIV_CODE')).toBe('J');
    expect(call?.query.get('FID_INPUT_ISCD')).toBe('069500');
  });

  it('stamps the quote with the time KIS took it (KST), or the connection clock when KIS gives none', async () => {
    // The emulator leaves aspr_acpt_hour blank: the quote is as of the request.
    const q = await new KisQuoteProvider({ connection }).latestQuote('069500');
    expect(Date.parse(q.time)).toBe(seoul('2024-01-08', '10:15:00'));
  });

  it('aspr_acpt_hour is the KST time of the book on the day it was taken', async () => {
    overwrite = { aspr_acpt_hour: '101403' };
    expect((await new KisQuoteProvider({ connection }).latestQuote('069500')).time).toBe('2024-01-08T10:14:03+09:00');
    // Before Monday's book forms, KIS still shows Friday's last one: it is dated on the previous KRX session.
    emu.setClock(seoul('2024-01-08', '07:50:00'));
    overwrite = { aspr_acpt_hour: '153000' };
    expect((await new KisQuoteProvider({ connection }).latestQuote('069500')).time).toBe('2024-01-05T15:30:00+09:00');
  });

  it('refuses a US symbol before any request', async () => {
    const err = await new KisQuoteProvider({ connection }).latestQuote('SPY').catch((e: unknown) => e);
    expect(isDataProviderError(err) && err.kind).toBe('bad_request');
    expect(asked.filter((a) => a.path === ASKING)).toHaveLength(0);
  });

  it('a code KIS has no quote for is not_found', async () => {
    const err = await new KisQuoteProvider({ connection }).latestQuote('999999').catch((e: unknown) => e);
    expect(isDataProviderError(err) && err.kind).toBe('not_found');
  });
});
