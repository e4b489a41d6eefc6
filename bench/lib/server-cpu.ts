import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';

/** CPU seconds (user + system) of a local process from /proc, or null if unreadable. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after "(comm)": state is [0], utime is [11], stime is [12] (clock ticks, normally 100/s).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export interface ServerCpuSample {
  /** CPU seconds of each Postgres backend serving the bench database (empty if not on this machine). */
  pg: Map<number, number>;
  /** CPU seconds of the Redis server (shared with everyone else using it), or null. */
  redis: number | null;
}

/**
 * Reads the CPU time Postgres (the backends connected to our throwaway database) and Redis
 * spend, when both run on this machine: with the app's own CPU this gives the whole cost of a
 * command, which is what bounds throughput on a small box.
 */
export class ServerCpu {
  private constructor(
    private readonly admin: pg.Client,
    private readonly dbName: string,
    private readonly redisPid: number | null,
  ) {}

  static async open(dbUrl: string, redisUrl: string): Promise<ServerCpu> {
    const admin = new pg.Client({ connectionString: dbUrl });
    admin.on('error', () => undefined); // the database is dropped under it at cleanup
    await admin.connect();
    const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    let redisPid: number | null = null;
    try {
      await r.connect();
      const info = await r.info('server');
      redisPid = Number(/process_id:(\d+)/.exec(info)?.[1]) || null;
    } catch {
      redisPid = null;
    } finally {
      r.disconnect();
    }
    return new ServerCpu(admin, decodeURIComponent(new URL(dbUrl).pathname.slice(1)), redisPid);
  }

  async sample(): Promise<ServerCpuSample> {
    const rows = await this.admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [this.dbName]);
    const pgCpu = new Map<number, number>();
    for (const { pid } of rows.rows) {
      const s = cpuSeconds(pid);
      if (s !== null) pgCpu.set(pid, s);
    }
    return { pg: pgCpu, redis: this.redisPid ? cpuSeconds(this.redisPid) : null };
  }

  /** CPU seconds spent between two samples (backends that appeared count from zero; ones that left are missed). */
  static delta(a: ServerCpuSample, b: ServerCpuSample): { pg: number | null; redis: number | null } {
    let pgSum = 0;
    for (const [pid, s] of b.pg) pgSum += s - (a.pg.get(pid) ?? 0);
    return { pg: b.pg.size > 0 ? pgSum : null, redis: a.redis !== null && b.redis !== null ? b.redis - a.redis : null };
  }

  async close(): Promise<void> {
    await this.admin.end().catch(() => undefined);
  }
}
