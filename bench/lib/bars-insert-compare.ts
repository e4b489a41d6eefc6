/**
 * Why the bars bulk path stays on `pg` (src/adapters/bars/store.ts, top
 * comment): the same bars written through BarsStore (binary COPY into a
 * fresh table) and through TypeORM's query builder (multi-row INSERT in
 * chunks), each into its own throwaway migrated database, same triggers.
 * Not a registered section (run it on its own):
 *
 *   npx tsx bench/lib/bars-insert-compare.ts [--symbols=100] [--bars=2500] [--chunk=4000]
 *
 * Needs Postgres at BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres, trust auth).
 */
import pg from 'pg';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/adapters/db/data-source.js';
import { migrateWithLock } from '../../src/adapters/db/migrate.js';
import { BarsStore } from '../../src/adapters/bars/store.js';
import type { Bar } from '../../src/engine/bars.js';

const ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const { values } = parseArgs({ options: { symbols: { type: 'string', default: '100' }, bars: { type: 'string', default: '2500' }, chunk: { type: 'string', default: '4000' } } });
const SYMBOLS = Number(values.symbols);
const BARS = Number(values.bars);
/** Rows per INSERT: 8 parameters a row, under Postgres's 65,535 parameters a statement. */
const CHUNK = Number(values.chunk);

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh migrated database; its DataSource and how to drop it. */
async function freshDatabase(tag: string): Promise<{ ds: DataSource; drop(): Promise<void> }> {
  const name = `cs_barsbench_${process.pid}_${tag}`;
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN);
  url.pathname = `/${name}`;
  const ds = createDataSource(url.toString(), { poolSize: 4, applicationName: 'bars-insert-compare' });
  await ds.initialize();
  await migrateWithLock(ds);
  return {
    ds,
    drop: async () => {
      await ds.destroy();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Deterministic bars: a random walk per symbol over consecutive weekdays. */
function makeBars(): { symbol: string; bars: Bar[] }[] {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const days: string[] = [];
  for (let t = Date.UTC(2010, 0, 4); days.length < BARS; t += 86_400_000) {
    const d = new Date(t).getUTCDay();
    if (d !== 0 && d !== 6) days.push(new Date(t).toISOString().slice(0, 10));
  }
  const out: { symbol: string; bars: Bar[] }[] = [];
  for (let s = 0; s < SYMBOLS; s++) {
    let close = 20 + 100 * rnd();
    const bars = days.map((date) => {
      const open = close * (1 + (rnd() - 0.5) * 0.02);
      close = open * (1 + (rnd() - 0.5) * 0.03);
      const high = Math.max(open, close) * (1 + rnd() * 0.01);
      const low = Math.min(open, close) * (1 - rnd() * 0.01);
      return { date, open, high, low, close, volume: Math.floor(1e5 + rnd() * 1e6) };
    });
    out.push({ symbol: `S${String(s).padStart(4, '0')}`, bars });
  }
  return out;
}

async function countRows(ds: DataSource): Promise<{ bars: number; symbols: number }> {
  const [r] = (await ds.query(`SELECT (SELECT count(*)::int FROM bars_daily) AS bars, (SELECT count(*)::int FROM bar_symbols) AS symbols`)) as { bars: number; symbols: number }[];
  return r!;
}

async function viaCopy(items: { symbol: string; bars: Bar[] }[], concurrency: number): Promise<number> {
  const db = await freshDatabase(`copy${concurrency}`);
  try {
    const store = new BarsStore(db.ds, { writeConcurrency: concurrency });
    const t0 = performance.now();
    await store.writeBars(items, { source: 'bench', demo: false });
    const ms = performance.now() - t0;
    check(await countRows(db.ds));
    return ms;
  } finally {
    await db.drop();
  }
}

/** The same rows through TypeORM: query-builder INSERTs of CHUNK rows, one transaction per 20,000 rows (the store's batch). */
async function viaTypeOrm(items: { symbol: string; bars: Bar[] }[]): Promise<number> {
  const db = await freshDatabase('typeorm');
  try {
    // Without entity metadata the query builder takes the columns in the objects' key order.
    const rows = items.flatMap((it) => it.bars.map((b) => ({ symbol: it.symbol, date: b.date, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, source: 'bench' })));
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += 20_000) {
      const batch = rows.slice(i, i + 20_000);
      await db.ds.transaction(async (m) => {
        for (let j = 0; j < batch.length; j += CHUNK) {
          await m.createQueryBuilder().insert().into('bars_daily', ['symbol', 'date', 'open', 'high', 'low', 'close', 'volume', 'source']).values(batch.slice(j, j + CHUNK)).execute();
        }
      });
    }
    const ms = performance.now() - t0;
    check(await countRows(db.ds));
    return ms;
  } finally {
    await db.drop();
  }
}

function check(got: { bars: number; symbols: number }): void {
  if (got.bars !== SYMBOLS * BARS || got.symbols !== SYMBOLS) throw new Error(`wrote ${got.bars} bars / ${got.symbols} symbols, expected ${SYMBOLS * BARS} / ${SYMBOLS}`);
}

const items = makeBars();
const rows = SYMBOLS * BARS;
const line = (what: string, ms: number) => console.log(`${what.padEnd(44)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${Math.round(rows / (ms / 1000)).toLocaleString('en-US').padStart(10)} rows/s`);
console.log(`${SYMBOLS} symbols × ${BARS} bars = ${rows.toLocaleString('en-US')} rows, fresh migrated database each`);
// Each path twice, interleaved; the better run of each is reported (the first warms the server's caches).
const best = { copy2: Infinity, copy1: Infinity, orm: Infinity };
for (let round = 0; round < 2; round++) {
  best.copy2 = Math.min(best.copy2, await viaCopy(items, 2));
  best.copy1 = Math.min(best.copy1, await viaCopy(items, 1));
  best.orm = Math.min(best.orm, await viaTypeOrm(items));
}
line('BarsStore.writeBars (binary COPY, 2 conns)', best.copy2);
line('BarsStore.writeBars (binary COPY, 1 conn)', best.copy1);
line(`TypeORM query builder INSERT (${CHUNK}-row chunks)`, best.orm);
console.log(`COPY (1 conn) is ${(best.orm / best.copy1).toFixed(1)}× faster than the TypeORM insert`);
