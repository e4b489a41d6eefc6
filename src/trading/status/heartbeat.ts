import { hostname } from 'node:os';
import { z } from 'zod';
import type { SqlSession, TableSession } from '../../adapters/db/port.js';
import type { LivenessMarks } from '../../adapters/redis/port.js';
import { pgInt, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';

/** Where a missed beat is reported (a pino logger fits). */
export interface HeartbeatLog {
  warn(obj: object, msg: string): void;
}

/** A role's sign of life: a Postgres row (history, /status) and a liveness mark (Redis) that expires when stale. */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date();

  constructor(
    private readonly db: TableSession,
    private readonly marks: LivenessMarks,
    readonly role: string,
    readonly instance: string,
    private readonly intervalMs: number,
    private readonly staleMs: number,
    private readonly log: HeartbeatLog,
    /** The configuration pin this process started with (issue 20): /status and preflight compare the roles' pins. */
    private readonly configPin: string | null = null,
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
    await Promise.allSettled([this.db.tables.manifests.heartbeats.remove(this.role, this.instance), this.marks.clear(this.role, this.instance)]);
  }

  async beat(): Promise<void> {
    const results = await Promise.allSettled([
      this.db.tables.manifests.heartbeats.beat({ role: this.role, instance: this.instance, pid: process.pid, host: hostname(), startedAt: this.startedAt, configPin: this.configPin }),
      this.marks.mark(this.role, this.instance, this.staleMs),
    ]);
    for (const r of results) if (r.status === 'rejected') this.log.warn({ err: r.reason, role: this.role }, 'heartbeat not recorded');
  }
}

/** One process's latest beat, as /status lists it. */
export interface HeartbeatView {
  role: string;
  instance: string;
  pid: number;
  host: string;
  ageMs: number;
  stale: boolean;
  /** The configuration pin the process started with (null: a release before pins, or none computed). */
  pin: string | null;
}

const HeartbeatRow = z.object({ role: pgText, instance: pgText, pid: pgInt, host: pgText, beat_at: pgTimestamp, config_pin: pgText.nullable() });

/**
 * Heartbeats from Postgres, newest first, with staleness judged against
 * `staleMs`. Processes silent for over a day are left out: long gone, not news.
 *
 * Reviewed SQL on a plain session, not the typed table: /status
 * (`StatusSources.db`) and preflight (`ConfigPinCheckDeps.db`) hand in a SqlSession.
 */
export async function readHeartbeats(db: SqlSession, staleMs: number, now = Date.now()): Promise<HeartbeatView[]> {
  const rows = await rowsOf(
    db,
    HeartbeatRow,
    `SELECT role, instance, pid, host, beat_at, config_pin FROM heartbeats WHERE beat_at > now() - interval '1 day' ORDER BY beat_at DESC LIMIT 50`,
  );
  return rows.map((r) => {
    const ageMs = Math.max(0, now - r.beat_at.getTime());
    return { role: r.role, instance: r.instance, pid: r.pid, host: r.host, ageMs, stale: ageMs > staleMs, pin: r.config_pin };
  });
}
