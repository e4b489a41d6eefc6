import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDefaultData } from '../../../../src/adapters/bars/seed.js';
import { StoredBarQuotes } from '../../../../src/adapters/market-data/stored/bar-quotes.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import { loadDefaultUniverse } from '../../../../src/adapters/market-data/universe/default-universe.js';
import { holidaysOf, isSession, sessionsOf } from '../../../../src/engine/calendar/index.js';
import { XKRX_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { dataCliPerFile, runData } from './data-cli.js';

/**
 * Issue 13 item 10: synthetic DEMO bars fall only on exchange sessions, and a
 * store seeded by the old (weekday) generator is re-seeded once, announced,
 * by `courtside data seed`. A small universe file keeps it fast (the bundled
 * 900 symbols take 15–30 s).
 */
const END = '2026-12-04';
const SMALL = ['SPY', 'TOL', 'MSFT', 'NVDA', 'KO'];
const universe = loadDefaultUniverse().entries.filter((e) => SMALL.includes(e.symbol));

const stage = dataCliPerFile('cs-demo-sessions-');
let universeFile: string;

beforeAll(async () => {
  universeFile = join(stage.dir, 'small.csv');
  await writeFile(universeFile, `symbol,adv_dollar\n${universe.map((e) => `${e.symbol},${e.advDollar ?? ''}`).join('\n')}\n`);
});

/** `courtside data <args>`; `out` is stdout and stderr in the order they came. */
async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const r = await runData(...args);
  return { code: r.code, out: r.all };
}

/** Per calendar year: how many bars each US DEMO symbol holds, and any DEMO bar (US or KR) off its exchange's sessions. */
async function demoBarsByYear(): Promise<{ perYear: Map<string, Map<number, number>>; offSession: string[] }> {
  const rows = (await stage.env.ds.query(
    `SELECT b.symbol, s.market, to_char(b.date, 'YYYY-MM-DD') AS date FROM bars_daily b JOIN bar_symbols s USING (symbol) WHERE s.demo ORDER BY 1, 2`,
  )) as { symbol: string; market: string; date: string }[];
  const perYear = new Map<string, Map<number, number>>();
  const offSession: string[] = [];
  for (const r of rows) {
    // Per-year counts are the US DEMO's (checked against NYSE years below).
    if (r.market === 'US') {
      const y = Number(r.date.slice(0, 4));
      const m = perYear.get(r.symbol) ?? new Map<number, number>();
      m.set(y, (m.get(y) ?? 0) + 1);
      perYear.set(r.symbol, m);
    }
    // Each market's DEMO bars fall on its own exchange's sessions (the KR DEMO on KRX's, issue 15).
    if (!(r.market === 'KR' ? XKRX_CALENDAR.isSession(r.date) : isSession(r.date))) offSession.push(`${r.symbol} ${r.date}`);
  }
  return { perYear, offSession };
}

describe('DEMO bars follow the exchange calendar (generator v2)', () => {
  it('a store seeded by the old weekday generator is re-seeded once by `courtside data seed`, announced; real bars and DEMO symbols keep working', async () => {
    const store = stage.env.store();
    // The old generator: the same PRNG over Monday–Friday "sessions" (holidays included),
    // recorded before datasets carried a generator version.
    await seedDefaultData(store, { endDate: END, universe, sessions: weekdaySessions(END, 2520) });
    await stage.env.ds.query(`UPDATE bar_seeds SET seed_key = 'seeded-by-generator-1'`);
    await stage.env.ds.query(`DO $$ BEGIN IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'bar_seeds' AND column_name = 'generator_version') THEN UPDATE bar_seeds SET generator_version = NULL; END IF; END $$`);
    const before = await demoBarsByYear();
    expect(before.offSession.length).toBeGreaterThan(0); // the fixture really is the old data: e.g. TOL 2025-12-25
    const spyBefore = (await store.listSymbols({ symbols: ['SPY'] }))[0]!;
    // A real symbol a user imported over a DEMO one is never touched.
    await store.writeBars([{ symbol: 'KO', bars: [{ date: '2026-12-04', open: 70, high: 71, low: 69, close: 70.5, volume: 1e6 }] }], { source: 'csv:KO.csv', demo: false });

    const r = await cli('seed', '--universe', universeFile, '--end-date', END);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/DEMO data regenerated: generator v1 → v2 \(bars only on exchange sessions; holidays removed\)/);

    const after = await demoBarsByYear();
    expect(after.offSession).toEqual([]);
    expect([...after.perYear.keys()].sort()).toEqual(['MSFT', 'NVDA', 'TOL']);
    // Every full calendar year inside the history holds exactly the calendar's sessions.
    for (const [symbol, years] of after.perYear) {
      const ys = [...years.keys()].sort();
      for (const y of ys.slice(1, -1)) expect(`${symbol} ${y}: ${years.get(y)}`).toBe(`${symbol} ${y}: ${sessionsOf(y).length}`);
      expect(years.get(2026)).toBe(sessionsOf(2026).filter((d) => d <= END).length);
    }
    // Christmas, Thanksgiving and Good Friday of 2025 are gone.
    const tol = (await store.loadSeries('TOL'))!;
    for (const h of holidaysOf(2025).filter((x) => /Christmas|Thanksgiving|Good Friday/.test(x.name))) expect(tol.dates).not.toContain(h.date);

    expect((await store.listSymbols({ symbols: ['SPY'] }))[0]).toMatchObject({ source: 'sample', demo: false, version: spyBefore.version });
    expect((await store.listSymbols({ symbols: ['KO'] }))[0]).toMatchObject({ source: 'csv:KO.csv', demo: false, barCount: 1 });
    // Positions and picks on DEMO symbols are marked from the latest stored bar: still there, on a session.
    const quote = await new StoredBarQuotes(stage.env.ds, 10).latestQuote('TOL');
    expect(quote.time.slice(0, 10)).toBe(END);

    // Once: the next seed is a no-op and announces nothing.
    const again = await cli('seed', '--universe', universeFile, '--end-date', END);
    expect(again.out).toMatch(/already stored/);
    expect(again.out).not.toMatch(/regenerated/);
    const status = await cli('status', '--json');
    expect(JSON.parse(status.out)).toMatchObject({ demoGenerator: 2 });
  });

  it('a fresh seed has no DEMO bar on a holiday and says nothing about regenerating', async () => {
    await stage.env.ds.query(`TRUNCATE bars_daily`);
    await stage.env.ds.query(`DELETE FROM bar_seeds`);
    const r = await cli('seed', '--universe', universeFile, '--end-date', '2025-12-31');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/regenerated/);
    const { offSession, perYear } = await demoBarsByYear();
    expect(offSession).toEqual([]);
    expect(perYear.get('TOL')?.get(2025)).toBe(sessionsOf(2025).length);
  });
});
