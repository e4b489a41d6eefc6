import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import pg from 'pg';
import { summarize } from './stats.js';
import { ms, type Table } from './table.js';

async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/**
 * The floor under every command on this machine, right now: one Postgres round trip, one
 * durable commit (the WAL flush every audit transaction pays), and one Redis round trip.
 * Uses its own table in the throwaway database (dropped with it).
 */
export async function measureFloor(dbUrl: string, redisUrl: string, n = 100): Promise<Table> {
  const c = new pg.Client({ connectionString: dbUrl });
  c.on('error', () => undefined);
  await c.connect();
  const r = new Redis(redisUrl, { lazyConnect: true });
  await r.connect();
  try {
    await c.query('CREATE TABLE IF NOT EXISTS bench_floor (id serial PRIMARY KEY, v text)');
    const select = await timeEach(n, () => c.query('SELECT 1'));
    const commit = await timeEach(n, () => c.query("INSERT INTO bench_floor (v) VALUES ('x')"));
    const txn = await timeEach(n, async () => {
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock(42)');
      await c.query('SELECT id FROM bench_floor ORDER BY id DESC LIMIT 1');
      await c.query("INSERT INTO bench_floor (v) VALUES ('x')");
      await c.query('COMMIT');
    });
    await c.query('SET synchronous_commit = off');
    const lazy = await timeEach(n, () => c.query("INSERT INTO bench_floor (v) VALUES ('x')"));
    const ping = await timeEach(n, () => r.ping());
    const row = (what: string, v: number[]) => {
      const s = summarize(v);
      return [what, ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max)];
    };
    return {
      title: 'Floor: raw round trips on this machine (measured just before the runs)',
      columns: ['operation', 'p50', 'p90', 'p99', 'max'],
      rows: [
        row('Postgres SELECT 1', select),
        row('Postgres INSERT, autocommit (synchronous_commit=on: WAL flush)', commit),
        row('Postgres audit-shaped txn: BEGIN, advisory lock, head SELECT, INSERT, COMMIT', txn),
        row('Postgres INSERT, synchronous_commit=off', lazy),
        row('Redis PING', ping),
      ],
      notes: [`${n} sequential calls each, one connection, from this process.`],
    };
  } finally {
    await c.end().catch(() => undefined);
    r.disconnect();
  }
}
