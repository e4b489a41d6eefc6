import type { Redis } from 'ioredis';
import { currentAlerts, type AlertView } from '../alerts/alerts.js';
import type { DataSource } from 'typeorm';
import type { JobProducer } from '../../jobs/producer.js';
import type { QueueName } from '../../jobs/registry.js';
import { withTimeout } from '../../adapters/redis/connections.js';
import type { KillSwitch, KillSwitchState } from '../kill-switch/kill-switch.js';
import { readHeartbeats, type HeartbeatView } from './heartbeat.js';

/** Everything /status and /readyz report. */
export interface SystemStatus {
  mode: string;
  uptimeMs: number;
  killSwitch: KillSwitchState;
  db: { ok: boolean; ms: number; error?: string };
  redis: { ok: boolean; ms: number; error?: string };
  queues: Record<QueueName, Record<string, number>> | null;
  heartbeats: HeartbeatView[];
  /** Open alerts (dead-man, failures, reconciliation), newest first; empty when none or unreadable. */
  alerts: AlertView[];
}

export interface StatusSources {
  ds: DataSource;
  redis: Redis;
  jobs: JobProducer;
  killSwitch: KillSwitch;
  mode: string;
  startedAt: number;
  staleMs: number;
  timeoutMs: number;
}

/** Times one probe with a timeout; never throws. */
export async function probe(fn: () => Promise<unknown>, timeoutMs: number, what: string): Promise<{ ok: boolean; ms: number; error?: string }> {
  const t0 = performance.now();
  try {
    await withTimeout(fn(), timeoutMs, what);
    return { ok: true, ms: performance.now() - t0 };
  } catch (err) {
    return { ok: false, ms: performance.now() - t0, error: err instanceof Error ? err.message : String(err) };
  }
}

export async function collectStatus(src: StatusSources): Promise<SystemStatus> {
  const [db, redis, killSwitch, queues, heartbeats, alerts] = await Promise.all([
    probe(() => src.ds.query('SELECT 1'), src.timeoutMs, 'postgres ping'),
    probe(() => src.redis.ping(), src.timeoutMs, 'redis ping'),
    src.killSwitch.state(),
    src.jobs.depths().catch(() => null),
    readHeartbeats(src.ds, src.staleMs).catch(() => []),
    currentAlerts(src.ds),
  ]);
  return { mode: src.mode, uptimeMs: Date.now() - src.startedAt, killSwitch, db, redis, queues, heartbeats, alerts };
}
