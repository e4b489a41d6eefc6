import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { BarsStore, type BarsStoreOptions } from '../../../../src/adapters/bars/store.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { generateSyntheticUniverse } from '../../../../src/adapters/market-data/synthetic/generate-universe.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import { loadDefaultUniverse } from '../../../../src/adapters/market-data/universe/default-universe.js';
import { createTestDatabase } from '../../../helpers/pg.js';

export interface BarsTestEnv {
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  ds: DataSource;
  cacheDir: string;
  store(opts?: BarsStoreOptions): BarsStore;
  close(): Promise<void>;
}

/** A fresh migrated database, a DataSource on it and a temporary cache folder. */
export async function openBarsTestEnv(): Promise<BarsTestEnv> {
  const db = await createTestDatabase();
  const ds = createDataSource(db.url, { poolSize: 6 });
  await ds.initialize();
  const cacheDir = await mkdtemp(join(tmpdir(), 'cs-bars-cache-'));
  return {
    db,
    ds,
    cacheDir,
    store: (opts = {}) => new BarsStore(ds, { cacheDir, diskMinBars: 0, ...opts }),
    close: async () => {
      await ds.destroy();
      await db.drop();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Deterministic synthetic series for the first `n` symbols of the default universe. */
export function syntheticSeries(n: number, endDate = '2025-11-21', sessions = 2520): Map<string, BarSeries> {
  const entries = loadDefaultUniverse().entries.slice(0, n);
  return generateSyntheticUniverse(entries, weekdaySessions(endDate, sessions));
}

/** First difference between two series (bit-exact comparison of every value), or undefined. */
export function seriesDiff(a: BarSeries | undefined, b: BarSeries | undefined): string | undefined {
  if (!a || !b) return `missing series: ${a ? 'second' : 'first'}`;
  if (a.symbol !== b.symbol) return `symbol ${a.symbol} vs ${b.symbol}`;
  if (a.dates.length !== b.dates.length) return `${a.symbol}: ${a.dates.length} vs ${b.dates.length} bars`;
  for (let i = 0; i < a.dates.length; i++) {
    if (a.dates[i] !== b.dates[i]) return `${a.symbol}[${i}] date ${a.dates[i]} vs ${b.dates[i]}`;
    for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) {
      if (!Object.is(a[k][i], b[k][i])) return `${a.symbol} ${a.dates[i]} ${k}: ${a[k][i]} vs ${b[k][i]}`;
    }
  }
  return undefined;
}

/** First difference between two universes (in any key order), or undefined. */
export function universeDiff(a: Map<string, BarSeries>, b: Map<string, BarSeries>): string | undefined {
  const ka = [...a.keys()].sort().join(',');
  const kb = [...b.keys()].sort().join(',');
  if (ka !== kb) return `symbols differ: ${ka.slice(0, 200)} vs ${kb.slice(0, 200)}`;
  for (const [sym, s] of a) {
    const d = seriesDiff(s, b.get(sym));
    if (d) return d;
  }
  return undefined;
}
