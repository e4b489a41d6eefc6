import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

/** Admin connection (the `postgres` database) used to create and drop the throwaway databases. */
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const DB_PREFIX = 'courtside_bench_';
const KEY_PREFIX = 'csbench-';

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function deleteKeys(pattern: string, keep?: (key: string) => boolean): Promise<number> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  await r.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 2000);
      cursor = next;
      const doomed = keep ? keys.filter((k) => !keep(k)) : keys;
      if (doomed.length) deleted += await r.unlink(...doomed);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return deleted;
}

/**
 * Everything a benchmark run borrows from the machine — throwaway Postgres databases named
 * `courtside_bench_<pid>[_n]`, Redis prefixes `csbench-<pid>-<hex>`, a temp home directory —
 * created on first use and removed by cleanup(), also on Ctrl-C.
 */
export class BenchResources {
  private readonly databases: string[] = [];
  private readonly prefixes: string[] = [];
  private readonly dirs: string[] = [];
  private readonly teardowns: (() => Promise<unknown>)[] = [];
  private cleaned: Promise<string[]> | null = null;

  /** Runs `fn` at cleanup before anything is removed (last registered, first run), e.g. stopping the app. */
  onCleanup(fn: () => Promise<unknown>): void {
    this.teardowns.unshift(fn);
  }

  /** Drops databases and keys left behind by bench runs whose process is gone. */
  static async sweepLeftovers(): Promise<string[]> {
    const notes: string[] = [];
    const rows = await admin((c) => c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '${DB_PREFIX}%'`));
    for (const { datname } of rows.rows) {
      const pid = Number(/^courtside_bench_(\d+)/.exec(datname)?.[1]);
      if (pid && pid !== process.pid && !alive(pid)) {
        await admin((c) => c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)).catch(() => undefined);
        notes.push(`dropped leftover database ${datname}`);
      }
    }
    const n = await deleteKeys(`${KEY_PREFIX}*`, (key) => {
      const pid = Number(/^csbench-(\d+)-/.exec(key)?.[1]);
      return !pid || pid === process.pid || alive(pid);
    });
    if (n > 0) notes.push(`deleted ${n} leftover Redis keys of dead bench runs`);
    return notes;
  }

  /** Creates an empty database (the app creates its schema by migrating at start) and returns its URL. */
  async database(): Promise<string> {
    const name = `${DB_PREFIX}${process.pid}${this.databases.length ? `_${this.databases.length}` : ''}`;
    await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.query(`CREATE DATABASE "${name}"`);
    });
    this.databases.push(name);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** A Redis prefix no other run or test uses; every key under it is deleted at cleanup. */
  redisPrefix(): string {
    const p = `${KEY_PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`;
    this.prefixes.push(p);
    return p;
  }

  tempDir(): string {
    const d = mkdtempSync(join(tmpdir(), 'courtside-bench-'));
    this.dirs.push(d);
    return d;
  }

  /** Removes everything created; idempotent. Returns what was removed. */
  cleanup(): Promise<string[]> {
    this.cleaned ??= (async () => {
      const done: string[] = [];
      for (const t of this.teardowns) await t().catch(() => undefined);
      for (const p of this.prefixes) {
        const n = await deleteKeys(`${p}:*`).catch(() => -1);
        done.push(n >= 0 ? `Redis ${p}:* (${n} keys)` : `Redis ${p}:* (FAILED to clean)`);
      }
      for (const name of this.databases) {
        const ok = await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
          () => true,
          () => false,
        );
        done.push(ok ? `database ${name}` : `database ${name} (FAILED to drop)`);
      }
      for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
      return done;
    })();
    return this.cleaned;
  }
}
