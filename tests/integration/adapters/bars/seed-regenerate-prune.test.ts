import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDefaultData } from '../../../../src/adapters/bars/seed.js';
import type { BarsStore } from '../../../../src/adapters/bars/store.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import { loadDefaultUniverse } from '../../../../src/adapters/market-data/universe/default-universe.js';
import { isSession } from '../../../../src/engine/calendar/index.js';
import { openBarsTestEnv, type BarsTestEnv } from './helpers.js';

/**
 * Issue 13, item 10: when a newer DEMO generator regenerates the dataset, DEMO
 * symbols that are no longer in the seed's universe must not keep the old
 * generator's bars (weekdays, holidays included): they are removed. Real bars
 * are never touched, in the universe or not.
 */
const END = '2026-12-04';
const pick = (syms: string[]) => loadDefaultUniverse().entries.filter((e) => syms.includes(e.symbol));
const OLD = pick(['SPY', 'TOL', 'MSFT', 'NVDA', 'KO', 'AMD']);
const NEW = pick(['SPY', 'TOL', 'MSFT']);

let env: BarsTestEnv;
let store: BarsStore;

beforeAll(async () => {
  env = await openBarsTestEnv();
  store = env.store();
});
afterAll(async () => {
  await env.close();
});

/** Every stored symbol with its source and DEMO flag. */
async function stored(): Promise<Record<string, string>> {
  return Object.fromEntries((await store.listSymbols()).map((s) => [s.symbol, `${s.source}${s.demo ? ' DEMO' : ''}`]));
}

describe('regenerating DEMO data removes DEMO symbols that left the universe', () => {
  it('drops old-generator DEMO symbols outside the universe, keeps real bars everywhere, and says which', async () => {
    // A dataset written by generator 1 (Monday–Friday, holidays included), before versions were recorded.
    await seedDefaultData(store, { endDate: END, universe: OLD, sessions: weekdaySessions(END, 600) });
    await env.ds.query(`UPDATE bar_seeds SET seed_key = 'seeded-by-generator-1', generator_version = NULL`);
    // Real bars: KO over its DEMO bars (not in the new universe), ZZZ never DEMO (not in any universe).
    await store.writeBars([{ symbol: 'KO', bars: [{ date: '2026-12-04', open: 70, high: 71, low: 69, close: 70.5, volume: 1e6 }] }], { source: 'csv:KO.csv', demo: false });
    await store.writeBars([{ symbol: 'ZZZ', bars: [{ date: '2026-12-04', open: 10, high: 11, low: 9, close: 10.5, volume: 1e5 }] }], { source: 'csv:ZZZ.csv', demo: false });
    // An open position in a DEMO symbol that leaves the universe: its bars stay (marks and stop checks need them).
    await env.ds.query(`INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at) VALUES ('NVDA', 'donchian', 5, 100, now())`);
    const realBefore = await store.listSymbols({ symbols: ['KO', 'ZZZ', 'SPY'] });
    expect(await stored()).toMatchObject({ AMD: 'synthetic DEMO', NVDA: 'synthetic DEMO' });

    const r = await seedDefaultData(store, { endDate: END, universe: NEW });
    expect(r.regenerated).toBe(true);
    expect(await stored()).toEqual({
      GL: 'sample',
      KO: 'csv:KO.csv',
      MSFT: 'synthetic DEMO',
      NVDA: 'synthetic DEMO',
      RVLV: 'sample',
      SPY: 'sample',
      TOL: 'synthetic DEMO',
      ZZZ: 'csv:ZZZ.csv',
    });
    expect(r.removedDemoSymbols).toEqual(['AMD']);
    // Real bars untouched: same versions as before.
    expect(await store.listSymbols({ symbols: ['KO', 'ZZZ', 'SPY'] })).toEqual(realBefore);
    // No DEMO bar anywhere falls off the calendar's sessions any more.
    const off = (await env.ds.query(`SELECT b.symbol, b.date::text AS date FROM bars_daily b JOIN bar_symbols s USING (symbol) WHERE s.demo AND b.symbol <> 'NVDA'`)) as { date: string }[];
    expect(off.filter((x) => !isSession(x.date))).toEqual([]);
  });

  it('a seed that regenerates nothing never removes DEMO symbols (a smaller universe is not a reason to delete)', async () => {
    const r = await seedDefaultData(store, { endDate: END, universe: pick(['SPY', 'TOL']) });
    expect(r.regenerated).toBe(false);
    expect(r.removedDemoSymbols).toEqual([]);
    expect((await store.listSymbols({ symbols: ['MSFT'] }))[0]).toMatchObject({ source: 'synthetic', demo: true });
  });
});
