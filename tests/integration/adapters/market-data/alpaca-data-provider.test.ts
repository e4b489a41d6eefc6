import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bar } from '../../../../src/engine/bars.js';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../../../src/dev/alpaca-data/server.js';
import { AlpacaDataProvider, type AlpacaDataProviderOptions } from '../../../../src/adapters/market-data/alpaca/alpaca-data-provider.js';
import { DataProviderError } from '../../../../src/adapters/market-data/errors.js';
import { generateSyntheticBars } from '../../../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import { captureLogs } from './capture-logs.js';

const KEY_ID = 'PKTESTKEYID0001';
const SECRET = 'alpaca_secret_SHOULD_NEVER_SHOW_42';
const ADJUSTED = generateSyntheticBars({ symbol: 'MSFT', sessions: weekdaySessions('2024-12-31', 450), dollarAdv: 8e9 });
// Raw prices include a dividend-sized step the adjusted series has removed.
const RAW: Bar[] = ADJUSTED.map((b) => (b.date < '2024-05-15' ? { ...b, open: b.open + 1, high: b.high + 1, low: b.low + 1, close: b.close + 1 } : b));
const ALL = { from: '2020-01-01', to: '2025-01-01' };

let emu: AlpacaDataEmulator;
const logs = captureLogs();
const errors: unknown[] = [];

function provider(over: Partial<AlpacaDataProviderOptions> = {}) {
  return new AlpacaDataProvider({
    keyId: KEY_ID,
    secretKey: SECRET,
    baseUrl: emu.url,
    feed: 'iex',
    logger: logs.logger,
    maxRetries: 2,
    retry: { baseDelayMs: 1, maxDelayMs: 2_000, timeoutMs: 2_000 },
    ...over,
  });
}

async function failure(p: Promise<unknown>): Promise<DataProviderError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  errors.push(e);
  expect(e).toBeInstanceOf(DataProviderError);
  return e as DataProviderError;
}

beforeAll(async () => {
  emu = await startAlpacaDataEmulator({
    keyId: KEY_ID,
    secretKey: SECRET,
    bars: { MSFT: ADJUSTED },
    rawBars: { MSFT: RAW },
    quotes: { MSFT: { bid: 401.1, ask: 401.2, bidSize: 3, askSize: 5, time: '2024-12-31T20:59:59.123456Z' } },
    pageSize: 200,
    sipAllowed: false,
  });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.requests.length = 0;
});

describe('AlpacaDataProvider against the emulator', () => {
  it('pages with next_page_token, sends key headers, asks for 1Day bars with all adjustments on the chosen feed', async () => {
    const bars = await provider().dailyBars('msft', ALL);
    expect(bars).toEqual(ADJUSTED);
    expect(emu.requests).toHaveLength(3); // 200 + 200 + 50
    expect(emu.requests.every((r) => r.authHeaders && r.status === 200)).toBe(true);
    expect(emu.requests[0]!.path).toBe('/v2/stocks/MSFT/bars');
    expect(emu.requests[0]!.query).toEqual({
      timeframe: '1Day',
      start: '2020-01-01T00:00:00Z',
      end: '2025-01-01T23:59:59Z',
      adjustment: 'all',
      feed: 'iex',
      limit: '10000',
    });
    expect(emu.requests[1]!.query['page_token']).toBeTruthy();
    // Nothing secret in the query string.
    expect(JSON.stringify(emu.requests)).not.toContain(SECRET);
  });

  it('returns adjusted prices, which differ from what adjustment=raw serves', async () => {
    const range = { from: '2024-05-01', to: '2024-05-03' };
    const bars = await provider().dailyBars('MSFT', range);
    expect(bars.map((b) => b.date)).toEqual(['2024-05-01', '2024-05-02', '2024-05-03']);
    const res = await fetch(`${emu.url}/v2/stocks/MSFT/bars?timeframe=1Day&start=2024-05-01&end=2024-05-03&adjustment=raw&feed=iex`, {
      headers: { 'APCA-API-KEY-ID': KEY_ID, 'APCA-API-SECRET-KEY': SECRET },
    });
    const raw = (await res.json()) as { bars: { t: string; c: number }[] };
    expect(raw.bars[0]!.t).toBe('2024-05-01T04:00:00Z');
    expect(raw.bars[0]!.c).toBeCloseTo(bars[0]!.close + 1, 6);
  });

  it('includes both ends of the range across a DST change and returns [] when there is no data', async () => {
    const bars = await provider().dailyBars('MSFT', { from: '2024-11-01', to: '2024-11-05' });
    expect(bars.map((b) => b.date)).toEqual(['2024-11-01', '2024-11-04', '2024-11-05']);
    expect(await provider().dailyBars('NODATA', ALL)).toEqual([]);
  });

  it('returns the latest quote', async () => {
    expect(await provider().latestQuote('msft')).toEqual({
      symbol: 'MSFT',
      bid: 401.1,
      ask: 401.2,
      bidSize: 3,
      askSize: 5,
      time: '2024-12-31T20:59:59.123456Z',
    });
    expect(emu.requests[0]!.query).toEqual({ feed: 'iex' });
    const e = await failure(provider().latestQuote('NOPE'));
    expect(e.kind).toBe('not_found');
  });

  it('retries 429 (honouring Retry-After) and 5xx, then succeeds', async () => {
    const sleeps: number[] = [];
    emu.injectFaults({ kind: 'rate_limit', retryAfterSeconds: 1 }, { kind: 'server_error', status: 503 });
    const bars = await provider({ sleep: async (ms) => void sleeps.push(ms) }).dailyBars('MSFT', { from: '2024-12-02', to: '2024-12-06' });
    expect(bars).toHaveLength(5);
    expect(emu.requests.map((r) => r.status)).toEqual([429, 503, 200]);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1_000);
  });

  it('gives up on persistent 5xx with a typed, retryable error', async () => {
    emu.injectFaults({ kind: 'server_error' }, { kind: 'server_error' }, { kind: 'server_error' });
    const e = await failure(provider().latestQuote('MSFT'));
    expect(e).toMatchObject({ kind: 'unavailable', retryable: true, attempts: 3 });
    expect(emu.requests).toHaveLength(3);
  });

  it('maps a wrong secret (403) to auth, not retried, pointing at the env vars', async () => {
    const e = await failure(provider({ secretKey: 'wrong-secret-xyz' }).dailyBars('MSFT', ALL));
    expect(e).toMatchObject({ kind: 'auth', retryable: false, status: 403 });
    expect(e.message).toMatch(/forbidden/);
    expect(e.message).toMatch(/APCA_API_SECRET_KEY/);
    expect(emu.requests).toHaveLength(1);
  });

  it('maps a SIP request on a plan without SIP to auth, suggesting the iex feed', async () => {
    const e = await failure(provider({ feed: 'sip' }).dailyBars('MSFT', ALL));
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/subscription does not permit/);
    expect(e.message).toMatch(/use feed "iex"/);
  });

  it('refuses to start without credentials', () => {
    expect(() => new AlpacaDataProvider({ keyId: '', secretKey: 'x' })).toThrow(/set APCA_API_KEY_ID and APCA_API_SECRET_KEY/);
  });

  it('reports truncated JSON and missing fields as bad_response', async () => {
    emu.injectFaults({ kind: 'garbage' });
    const g = await failure(provider().dailyBars('MSFT', ALL));
    expect(g.kind).toBe('bad_response');
    expect(g.message).toMatch(/not JSON/);

    emu.injectFaults({ kind: 'bad_shape' });
    const s = await failure(provider().dailyBars('MSFT', ALL));
    expect(s.kind).toBe('bad_response');
    expect(s.message).toMatch(/bars\.0\.c: /);

    emu.injectFaults({ kind: 'bad_shape' });
    const q = await failure(provider().latestQuote('MSFT'));
    expect(q.message).toMatch(/quote\.ap: /);
  });

  it('accepts bars: null as no data, and stops a looping page token', async () => {
    const nullBars = (async () => new Response(JSON.stringify({ bars: null, symbol: 'X', next_page_token: null }))) as typeof fetch;
    expect(await provider({ fetch: nullBars }).dailyBars('X', ALL)).toEqual([]);
    const loop = (async () => new Response(JSON.stringify({ bars: [], symbol: 'X', next_page_token: 'same' }))) as typeof fetch;
    const e = await failure(provider({ fetch: loop }).dailyBars('X', ALL));
    expect(e.message).toMatch(/would loop/);
  });

  it('never puts the keys in an error message or a log line', () => {
    // Runs last: checks everything the tests above threw and logged.
    expect(errors.length).toBeGreaterThanOrEqual(7);
    for (const e of errors) {
      for (const secret of [SECRET, KEY_ID]) {
        expect((e as Error).message).not.toContain(secret);
        expect(JSON.stringify(e)).not.toContain(secret);
        expect(String((e as Error).stack)).not.toContain(secret);
      }
    }
    expect(logs.lines.length).toBeGreaterThan(10);
    for (const l of logs.lines) {
      expect(l).not.toContain(SECRET);
      expect(l).not.toContain(KEY_ID);
    }
  });
});
