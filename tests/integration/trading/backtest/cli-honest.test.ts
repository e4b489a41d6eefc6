import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDefaultData } from '../../../../src/adapters/bars/seed.js';
import { BarsStore } from '../../../../src/adapters/bars/store.js';
import { loadDefaultUniverse } from '../../../../src/adapters/market-data/universe/default-universe.js';
import { createBacktestCommand } from '../../../../src/cli/commands/backtest.js';
import { dataCommand } from '../../../../src/cli/commands/data.js';
import { scanCommand } from '../../../../src/cli/commands/scan.js';
import { createTestDatabase } from '../../../helpers/pg.js';
import { setProcessEnv } from '../../../helpers/process-env.js';
import { runInProcess as run } from './run-in-process.js';
import { openWithBacktestSchema } from './schema.js';

/**
 * Issue 13 items 7 and 13 through `courtside backtest`, `courtside scan` and
 * `courtside data import` (in process, with main.ts's exit-code mapping): unknown
 * symbols are errors naming the closest known ones; one bar validation for a
 * CSV backtest and an import; CSV errors that stop a run say so; a CSV run
 * reports the CSV as its source; JSON prices and money carry no float noise.
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let tmp: string;
let restoreEnv = () => {};

beforeAll(async () => {
  db = await createTestDatabase();
  ds = await openWithBacktestSchema(db.url);
  tmp = mkdtempSync(join(tmpdir(), 'cs-bt-honest-'));
  restoreEnv = setProcessEnv({ DATABASE_URL: db.url, COURTSIDE_HOME: join(tmp, 'home') });
  // The real samples and two DEMO symbols.
  await seedDefaultData(new BarsStore(ds), { endDate: '2026-12-04', universe: loadDefaultUniverse().entries.filter((e) => ['TOL', 'MSFT'].includes(e.symbol)) });
});
afterAll(async () => {
  restoreEnv();
  await ds?.destroy();
  await db?.drop();
});

const backtest = (...args: string[]) => run(createBacktestCommand({ databaseUrl: () => db.url, progress: false, demoEndDate: () => '2026-12-04' }), args);

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

describe('courtside backtest / scan tell the truth', () => {
  it('a typo in a universe file is an error naming the closest known symbols (backtest and scan), not a run on invented bars', async () => {
    const uni = file('typo.csv', 'symbol\nSPY\nAPPL\n');
    const bt = await backtest('--strategy', 'donchian', '--universe', uni, '--json');
    expect(bt.code).toBe(2);
    expect(bt.err).toMatch(/unknown symbol APPL \(closest: [^)]*AAPL/);
    expect(bt.out).toBe('');
    expect(((await ds.query(`SELECT count(*)::int AS n FROM backtest_runs`)) as { n: number }[])[0]!.n).toBe(0);

    // scan only knows stored symbols: TOLL is not one, TOL is.
    const scanUni = file('scan-typo.csv', 'symbol\nTOLL\nMSFT\n');
    const sc = await run(scanCommand, ['--universe', scanUni, '--json']);
    expect(sc.code).toBe(2);
    expect(sc.err).toMatch(/unknown symbol TOLL \(closest: TOL/);
  });

  it('a CSV run on the same bars as a stored bars-store run reports the CSV, not the bars store', async () => {
    const uni = file('spy.csv', 'symbol\nSPY\n');
    const stored = await backtest('--strategy', 'donchian', '--universe', uni, '--json');
    expect(stored.code, stored.err).toBe(0);
    expect(JSON.parse(stored.out).data.source).toBe('bars-store');
    const csv = await backtest('--strategy', 'donchian', '--csv', 'data/ohlcv/SPY.csv', '--json');
    expect(csv.code, csv.err).toBe(0);
    expect(csv.err).not.toMatch(/reused/);
    expect(JSON.parse(csv.out).data.source).toBe('csv:SPY.csv');
  });

  it('a bar with high below low is refused by a CSV backtest exactly as by `data import`', async () => {
    const bad = file('HILO.csv', 'date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,1000\n2024-01-03,10.5,9,10,9.5,1000\n2024-01-04,10,11,9,10.5,900\n');
    const imp = await run(dataCommand, ['import', bad]);
    expect(imp.code).toBe(1);
    const why = /2024-01-03 ohlc_inconsistent \(rejected\): (.+)/.exec(imp.out)?.[1];
    expect(why, imp.out).toBeDefined();
    const bt = await backtest('--strategy', 'donchian', '--csv', bad, '--no-store');
    expect(bt.code).toBe(2);
    expect(bt.err).toContain(why!);
    expect(bt.err).toMatch(/HILO\.csv.*2024-01-03/);
  });

  it('CSV errors that stop a backtest do not claim the line was ignored', async () => {
    const dup = file('DUP.csv', 'date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,1000\n2024-01-02,10,11,9,10.6,1000\n');
    const bt = await backtest('--strategy', 'donchian', '--csv', dup, '--no-store');
    expect(bt.code).toBe(2);
    expect(bt.err).toMatch(/DUP\.csv line 3: duplicate date 2024-01-02/);
    expect(bt.err).not.toMatch(/ignored/);
    expect(bt.err).toMatch(/nothing was backtested/);
  });

  it('--json prices are on the tick and money in cents (no float noise); scan --json too', async () => {
    const r = await backtest('--strategy', 'all', '--csv', 'data/ohlcv/GL.csv', 'data/ohlcv/RVLV.csv', 'data/ohlcv/SPY.csv', '--json', '--no-store');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { trades: Record<string, number>[]; metrics: Record<string, number | null> };
    expect(j.trades.length).toBeGreaterThan(10);
    const cents = (v: number | null | undefined) => v === null || v === undefined || Math.abs(v * 100 - Math.round(v * 100)) < 1e-6;
    const noisy: string[] = [];
    for (const t of j.trades) {
      for (const k of ['entryPrice', 'exitPrice', 'pnl', 'commission']) if (!cents(t[k]) || String(t[k]).split('.')[1]?.length! > 2) noisy.push(`${k}=${t[k]}`);
    }
    for (const k of ['initialEquity', 'finalEquity', 'grossProfit', 'grossLoss', 'expectancy', 'avgWin', 'avgLoss']) {
      const v = j.metrics[k];
      if (v !== null && v !== undefined && String(v).split('.')[1]?.length! > 2) noisy.push(`metrics.${k}=${v}`);
    }
    expect(noisy).toEqual([]);

    const scan = await run(scanCommand, ['--json']);
    expect(scan.code, scan.err).toBe(0);
    const picks = (JSON.parse(scan.out) as { picks: Record<string, unknown>[] }).picks;
    const long: string[] = [];
    const walk = (o: unknown, path: string) => {
      if (typeof o === 'number' && !Number.isInteger(o) && String(o).replace(/^-?\d+\.?/, '').length > 6) long.push(`${path}=${o}`);
      else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) walk(v, `${path}.${k}`);
    };
    walk(picks, 'picks');
    expect(long.join(' ')).toBe('');
  });
});
