import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';

/** A role's sign of life: a Postgres row (history, /status) and a Redis key that expires when stale. */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date();

  constructor(
    private readonly ds: DataSource,
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly role: string,
    readonly instance: string,
    private readonly intervalMs: number,
    private readonly staleMs: number,
    private readonly log: Logger,
  ) {}

  /** Beats now and then every interval. Failures are logged, never fatal: a missing beat is itself the signal. */
  start(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** On graceful shutdown: forget this instance, so /status lists only live or crashed processes. */
  async retire(): Promise<void> {
    this.stop();
    await Promise.allSettled([
      this.ds.query('DELETE FROM heartbeats WHERE role = $1 AND instance = $2', [this.role, this.instance]),
      this.redis.del(`${this.prefix}:heartbeat:${this.role}:${this.instance}`),
    ]);
  }

  async beat(): Promise<void> {
    const results = await Promise.allSettled([
      this.ds.query(
        `INSERT INTO heartbeats (role, instance, pid, host, started_at, beat_at) VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (role, instance) DO UPDATE SET pid = EXCLUDED.pid, host = EXCLUDED.host, beat_at = now()`,
        [this.role, this.instance, process.pid, hostname(), this.startedAt],
      ),
      this.redis.set(`${this.prefix}:heartbeat:${this.role}:${this.instance}`, String(Date.now()), 'PX', this.staleMs),
    ]);
    for (const r of results) if (r.status === 'rejected') this.log.warn({ err: r.reason, role: this.role }, 'heartbeat not recorded');
  }
}

export interface HeartbeatView {
  role: string;
  instance: string;
  pid: number;
  host: string;
  ageMs: number;
  stale: boolean;
}

/**
 * Heartbeats from Postgres, newest first, with staleness judged against
 * `staleMs`. Processes silent for over a day are left out: long gone, not news.
 */
export async function readHeartbeats(ds: DataSource, staleMs: number, now = Date.now()): Promise<HeartbeatView[]> {
  const rows = (await ds.query(`SELECT role, instance, pid, host, beat_at FROM heartbeats WHERE beat_at > now() - interval '1 day' ORDER BY beat_at DESC LIMIT 50`)) as {
    role: string;
    instance: string;
    pid: number;
    host: string;
    beat_at: Date;
  }[];
  return rows.map((r) => {
    const ageMs = Math.max(0, now - r.beat_at.getTime());
    return { role: r.role, instance: r.instance, pid: r.pid, host: r.host, ageMs, stale: ageMs > staleMs };
  });
}
