import { describe, expect, it } from 'vitest';
import { createKisDataProvider } from '../../../../src/adapters/market-data/kis/index.js';
import type { Bar } from '../../../../src/engine/bars.js';
import { seoul } from '../../../../src/dev/kis/server.js';
import { ACCOUNT, APP_KEY, APP_SECRET, newRedis, useKisEmulator } from '../brokers/kis-test-broker.js';

/**
 * KIS shows today's daily row while the session runs, with the prices so
 * far: the provider leaves it out until KRX closes, and does not cache a
 * range that includes today before then (the gap would stay in the cache).
 */

const t = useKisEmulator();

// 2024-01-05 (Fri) and 2024-01-08 (Mon) were KRX sessions; 15:30 KST was the close.
const BARS = [
  { date: '2024-01-05', open: 10_000, high: 10_100, low: 9_900, close: 10_050, volume: 1000 },
  { date: '2024-01-08', open: 10_050, high: 10_200, low: 10_000, close: 10_150, volume: 400 },
];
const RANGE = { from: '2024-01-05', to: '2024-01-08' };

/** A cache in a Map that counts its writes. */
function mapCache() {
  const m = new Map<string, Bar[]>();
  return { m, writes: [] as string[], get: (k: string) => m.get(k), set(k: string, b: Bar[]) { this.writes.push(k); m.set(k, b); } };
}

function provider(cache?: ReturnType<typeof mapCache>) {
  return createKisDataProvider({
    connectionOptions: { server: 'real', baseUrl: t.emu.url, appKey: APP_KEY, appSecret: APP_SECRET, account: ACCOUNT, maxRps: 1000, redis: newRedis(), keyPrefix: t.prefix, now: () => t.emu.now(), sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) },
    ...(cache ? { cache } : {}),
  });
}

describe('KisDataProvider and today', () => {
  it('during the session (10:00 KST) today\'s partial row is left out and the range is not cached', async () => {
    t.emu.setBars('069500', BARS);
    const cache = mapCache();
    expect(await provider(cache).dailyBars('069500', RANGE)).toEqual([BARS[0]]);
    expect(cache.writes).toEqual([]);
  });

  it('after the close (15:30 KST) today\'s row is in, even where a partial answer was asked for earlier', async () => {
    t.emu.setBars('069500', BARS);
    const cache = mapCache();
    const p = provider(cache);
    await p.dailyBars('069500', RANGE);
    t.emu.setClock(seoul('2024-01-08', '15:30:00'));
    expect(await p.dailyBars('069500', RANGE)).toEqual(BARS);
  });

  it('a range that ends before today is cached as before', async () => {
    t.emu.setBars('069500', BARS);
    const cache = mapCache();
    expect(await provider(cache).dailyBars('069500', { from: '2024-01-05', to: '2024-01-05' })).toEqual([BARS[0]]);
    expect(cache.writes).toHaveLength(1);
  });
});
