import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bar } from '../../../../src/engine/bars.js';
import { startPolygonEmulator, type PolygonEmulator } from '../../../../src/dev/polygon/server.js';
import { DataProviderError } from '../../../../src/adapters/market-data/errors.js';
import { PolygonProvider, type PolygonProviderOptions } from '../../../../src/adapters/market-data/polygon/polygon-provider.js';
import { generateSyntheticBars } from '../../../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import { captureLogs } from './capture-logs.js';

const API_KEY = 'pk_test_polygon_SECRET_9f8e7d';
// 600 sessions spanning several DST switches.
const ADJUSTED = generateSyntheticBars({ symbol: 'AAPL', sessions: weekdaySessions('2024-12-31', 600), dollarAdv: 5e9 });
// "Unadjusted" history: before a 4:1 split on 2024-06-10 prices were 4× higher.
const RAW: Bar[] = ADJUSTED.map((b) =>
  b.date < '2024-06-10' ? { ...b, open: b.open * 4, high: b.high * 4, low: b.low * 4, close: b.close * 4, volume: Math.round(b.volume / 4) } : b,
);
const ALL = { from: '2020-01-01', to: '2025-01-01' };

let emu: PolygonEmulator;
const logs = captureLogs();
const errors: unknown[] = [];

function provider(over: Partial<PolygonProviderOptions> = {}) {
  return new PolygonProvider({
    apiKey: API_KEY,
    baseUrl: emu.url,
    logger: logs.logger,
    maxRetries: 3,
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
  emu = await startPolygonEmulator({ apiKey: API_KEY, bars: { AAPL: ADJUSTED }, rawBars: { AAPL: RAW }, pageSize: 250 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.requests.length = 0;
});

describe('PolygonProvider against the emulator', () => {
  it('follows next_url across pages, sends the key only as a Bearer header, asks for adjusted data', async () => {
    const bars = await provider().dailyBars('aapl', ALL);
    expect(bars).toEqual(ADJUSTED);
    expect(emu.requests).toHaveLength(3); // 250 + 250 + 100
    expect(emu.requests.every((r) => r.auth === 'bearer' && r.status === 200)).toBe(true);
    expect(emu.requests[0]!.path).toBe('/v2/aggs/ticker/AAPL/range/1/day/2020-01-01/2025-01-01');
    expect(emu.requests[0]!.query).toEqual({ adjusted: 'true', sort: 'asc', limit: '50000' });
    expect(emu.requests[1]!.query).toHaveProperty('cursor');
  });

  it('gets split-adjusted prices, not the raw ones the same endpoint serves with adjusted=false', async () => {
    const before = { from: '2024-06-03', to: '2024-06-07' };
    const bars = await provider().dailyBars('AAPL', before);
    expect(bars).toEqual(ADJUSTED.filter((b) => b.date >= before.from && b.date <= before.to));
    // The emulator really does distinguish: the raw series differs for those dates.
    const rawRes = await fetch(`${emu.url}/v2/aggs/ticker/AAPL/range/1/day/2024-06-03/2024-06-07?adjusted=false`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    const raw = (await rawRes.json()) as { adjusted: boolean; results: { c: number }[] };
    expect(raw.adjusted).toBe(false);
    expect(raw.results[0]!.c).toBeCloseTo(bars[0]!.close * 4, 6);
  });

  it('dates bars by New York trading day across DST changes, inclusive range', async () => {
    const bars = await provider().dailyBars('AAPL', { from: '2024-03-08', to: '2024-03-12' });
    expect(bars.map((b) => b.date)).toEqual(['2024-03-08', '2024-03-11', '2024-03-12']);
  });

  it('returns [] for a ticker without data', async () => {
    expect(await provider().dailyBars('NODATA', ALL)).toEqual([]);
  });

  it('backs off on 429, honouring Retry-After, then succeeds', async () => {
    const sleeps: number[] = [];
    emu.injectFaults({ kind: 'rate_limit', retryAfterSeconds: 1 }, { kind: 'server_error', status: 502 });
    const p = provider({ sleep: async (ms) => void sleeps.push(ms), random: () => 0 });
    const bars = await p.dailyBars('AAPL', { from: '2024-12-02', to: '2024-12-06' });
    expect(bars).toHaveLength(5);
    expect(emu.requests.map((r) => r.status)).toEqual([429, 502, 200]);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1_000);
    expect(sleeps).toHaveLength(2);
  });

  it('really waits for Retry-After with the default sleep', async () => {
    emu.injectFaults({ kind: 'rate_limit', retryAfterSeconds: 1 });
    const t0 = Date.now();
    await provider().dailyBars('AAPL', { from: '2024-12-02', to: '2024-12-06' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('gives up on persistent 5xx with a retryable unavailable error', async () => {
    emu.injectFaults(...Array.from({ length: 4 }, () => ({ kind: 'server_error' as const })));
    const e = await failure(provider().dailyBars('AAPL', ALL));
    expect(e).toMatchObject({ kind: 'unavailable', retryable: true, status: 500, attempts: 4 });
    expect(e.message).toMatch(/try again later/);
    expect(emu.requests).toHaveLength(4);
  });

  it('reports a wrong key as auth, not retried, telling the user what to check', async () => {
    const e = await failure(provider({ apiKey: 'wrong-key-123' }).dailyBars('AAPL', ALL));
    expect(e).toMatchObject({ kind: 'auth', retryable: false, status: 401 });
    expect(e.message).toMatch(/Unknown API Key/);
    expect(e.message).toMatch(/check POLYGON_API_KEY/);
    expect(emu.requests).toHaveLength(1);
    expect(() => new PolygonProvider({ apiKey: ' ' })).toThrow(/set POLYGON_API_KEY/);
  });

  it('reports a garbage body and missing fields as bad_response, saying what was wrong', async () => {
    emu.injectFaults({ kind: 'garbage' });
    const g = await failure(provider().dailyBars('AAPL', ALL));
    expect(g.kind).toBe('bad_response');
    expect(g.message).toMatch(/not JSON/);

    emu.injectFaults({ kind: 'bad_shape' });
    const s = await failure(provider().dailyBars('AAPL', ALL));
    expect(s.kind).toBe('bad_response');
    expect(s.message).toMatch(/results\.0\.c: /);
  });

  it('times out a slow response and retries it', async () => {
    emu.injectFaults({ kind: 'delay', ms: 1_500 });
    const bars = await provider({ retry: { baseDelayMs: 1, timeoutMs: 300 } }).dailyBars('AAPL', { from: '2024-12-02', to: '2024-12-03' });
    expect(bars).toHaveLength(2);
  });

  it('uses the cache hook: a second call makes no request', async () => {
    const store = new Map<string, Bar[]>();
    const p = provider({ cache: { get: (k) => store.get(k), set: (k, v) => void store.set(k, v) } });
    const a = await p.dailyBars('AAPL', { from: '2024-12-02', to: '2024-12-06' });
    expect(emu.requests).toHaveLength(1);
    expect([...store.keys()]).toEqual(['polygon:day:adjusted:AAPL:2024-12-02:2024-12-06']);
    expect(await p.dailyBars('AAPL', { from: '2024-12-02', to: '2024-12-06' })).toEqual(a);
    expect(emu.requests).toHaveLength(1);
  });

  it('will not follow a next_url to another host', async () => {
    const page = { status: 'OK', results: [], next_url: 'https://evil.example/v2/aggs/ticker/AAPL/range/1/day/1/2?cursor=x' };
    const fakeFetch = (async () => new Response(JSON.stringify(page), { status: 200 })) as typeof fetch;
    const e = await failure(provider({ fetch: fakeFetch }).dailyBars('AAPL', ALL));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toMatch(/not following it/);
  });

  it('never puts the API key in an error message or a log line', () => {
    // Runs last: checks everything the tests above threw and logged.
    expect(errors.length).toBeGreaterThanOrEqual(5);
    for (const e of errors) {
      expect((e as Error).message).not.toContain(API_KEY);
      expect(JSON.stringify(e)).not.toContain(API_KEY);
      expect(String((e as Error).stack)).not.toContain(API_KEY);
    }
    expect(logs.lines.length).toBeGreaterThan(10);
    expect(logs.lines.some((l) => l.includes('retrying'))).toBe(true);
    for (const l of logs.lines) expect(l).not.toContain(API_KEY);
  });
});
