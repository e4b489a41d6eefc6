import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDefaultData } from '../../../../src/adapters/bars/seed.js';
import type { BarsStore } from '../../../../src/adapters/bars/store.js';
import { SampleCsvProvider } from '../../../../src/adapters/market-data/csv/sample-csv-provider.js';
import { SyntheticProvider } from '../../../../src/adapters/market-data/synthetic/synthetic-provider.js';
import { exchangeSessions } from '../../../../src/adapters/market-data/synthetic/exchange-sessions.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import { loadDefaultUniverse } from '../../../../src/adapters/market-data/universe/default-universe.js';
import { openBarsTestEnv, seriesDiff, type BarsTestEnv } from './helpers.js';

let env: BarsTestEnv;
let store: BarsStore;
// The first 40 symbols of the bundled universe (SPY among them, which the real sample covers).
const universe = loadDefaultUniverse().entries.slice(0, 40);
const endDate = '2025-11-21';
const SAMPLES = ['GL', 'RVLV', 'SPY'];

beforeAll(async () => {
  env = await openBarsTestEnv();
  store = env.store();
});
afterAll(async () => {
  await env.close();
});

describe('seedDefaultData', () => {
  it('stores the real samples (not demo) and the synthetic universe (DEMO) for every other symbol', async () => {
    const r = await seedDefaultData(store, { endDate, universe });
    expect(r.upToDate).toBe(false);
    expect(r.sampleSymbols).toEqual(SAMPLES);
    expect(r.demoSymbols).toBe(39);

    const symbols = await store.listSymbols();
    expect(symbols).toHaveLength(42);
    for (const s of symbols) {
      if (SAMPLES.includes(s.symbol)) expect(s, s.symbol).toMatchObject({ source: 'sample', demo: false });
      else expect(s, s.symbol).toMatchObject({ source: 'synthetic', demo: true, barCount: 2520, lastDate: endDate });
    }

    // Exactly what the providers serve.
    const loaded = await store.loadUniverse();
    const synthetic = new SyntheticProvider({ universe, sessions: exchangeSessions(endDate, 2520) });
    for (const e of universe.filter((x) => !SAMPLES.includes(x.symbol))) {
      expect(seriesDiff(loaded.get(e.symbol), synthetic.series(e.symbol))).toBeUndefined();
    }
    const spy = await new SampleCsvProvider().allBars('SPY');
    const got = loaded.get('SPY')!;
    expect(got.dates).toEqual(spy.map((b) => b.date));
    expect([...got.close]).toEqual(spy.map((b) => b.close));
  });

  it('does nothing when already seeded: up to date, nothing written', async () => {
    const fp = (await store.fingerprint()).fingerprint;
    const r = await seedDefaultData(store, { endDate, universe });
    expect(r).toMatchObject({ upToDate: true, demoSymbols: 39, reseeded: 0 });
    expect((await store.fingerprint()).fingerprint).toBe(fp);
  });

  it('re-seeds only what changed, and keeps real bars a user imported for a demo symbol', async () => {
    await store.writeBars([{ symbol: 'AAPL', bars: [{ date: '2025-11-21', open: 270, high: 272, low: 268, close: 271, volume: 5e7 }] }], { source: 'csv:AAPL.csv', demo: false });
    expect(await store.deleteSymbols(['NVDA'])).toBe(2520);

    const r = await seedDefaultData(store, { endDate, universe });
    expect(r.upToDate).toBe(false);
    expect(r.reseeded).toBe(2);
    expect(r.synthetic!.symbols.map((s) => [s.symbol, s.skipped ? 'kept' : s.inserted])).toEqual([
      ['AAPL', 'kept'],
      ['NVDA', 2520],
    ]);
    expect(r.demoSymbols).toBe(38);
    expect(await store.listSymbols({ symbols: ['AAPL', 'NVDA'] })).toEqual([
      expect.objectContaining({ symbol: 'AAPL', source: 'csv:AAPL.csv', demo: false, barCount: 1 }),
      expect.objectContaining({ symbol: 'NVDA', source: 'synthetic', demo: true, barCount: 2520 }),
    ]);
    expect((await seedDefaultData(store, { endDate, universe })).upToDate).toBe(true);
  });

  it('rolls the synthetic history to a new end date (replacing it) and honours a sessions list', async () => {
    const r = await seedDefaultData(store, { endDate: '2025-11-24', universe });
    expect(r.upToDate).toBe(false);
    const msft = (await store.loadSeries('MSFT'))!;
    expect(msft.dates.length).toBe(2520);
    expect(msft.dates.at(-1)).toBe('2025-11-24');
    expect(seriesDiff(msft, new SyntheticProvider({ universe, endDate: '2025-11-24' }).series('MSFT'))).toBeUndefined();

    const sessions = weekdaySessions('2025-11-28', 300).filter((d) => d !== '2025-11-27'); // a holiday
    await seedDefaultData(store, { endDate: '2025-11-26', sessions, universe });
    const after = (await store.loadSeries('MSFT'))!;
    expect(after.dates).toEqual(sessions.filter((d) => d <= '2025-11-26'));
    expect((await store.listSymbols({ symbols: ['SPY'] }))[0]).toMatchObject({ source: 'sample', demo: false });
    expect((await store.listSymbols({ symbols: ['AAPL'] }))[0]).toMatchObject({ source: 'csv:AAPL.csv', demo: false });
  });

  it('two processes seeding at once: one does the work, both end up seeded', async () => {
    const a = env.store();
    const b = env.store();
    const [ra, rb] = await Promise.all([seedDefaultData(a, { endDate: '2025-11-21', universe }), seedDefaultData(b, { endDate: '2025-11-21', universe })]);
    expect([ra.upToDate, rb.upToDate].sort()).toEqual([false, true]);
    expect((await seedDefaultData(store, { endDate: '2025-11-21', universe })).upToDate).toBe(true);
  });

  it('rejects a bad end date', async () => {
    await expect(seedDefaultData(store, { endDate: '2025-02-30' })).rejects.toThrow(/YYYY-MM-DD/);
  });
});
