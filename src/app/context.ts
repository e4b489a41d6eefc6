import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { AuditLog } from '../trading/audit/audit-log.js';
import { migrationSetting, type Config } from './config/config.js';
import { createDataSource } from '../adapters/db/data-source.js';
import { ensureDatabase } from '../adapters/db/ensure-database.js';
import { migrateAs } from '../adapters/db/migrate.js';
import { JobProducer } from '../jobs/producer.js';
import { assertRegistryConsistent } from '../jobs/registry.js';
import { createLogger, type Logger } from '../lib/logging/logger.js';
import { makeScrubber } from '../lib/logging/scrub.js';
import type { Metrics } from '../adapters/metrics/metrics.js';
import type { BlobStore } from '../adapters/redis/blob-store.js';
import type { Outbox } from '../bot/outbox/outbox.js';
import type { StatusSources } from '../trading/status/status.js';
import { openRedis, whenReady } from '../adapters/redis/connections.js';
import { redisSilentError } from '../lib/service-unreachable.js';
import { KILL_SWITCH_REPAIR_INTERVAL_MS, type KillSwitch } from '../trading/kill-switch/kill-switch.js';
import type { DestinationStream } from 'pino';
import type { BarsStore } from '../adapters/bars/store.js';
import type { ChartRenderer } from '../adapters/charts/port.js';
import type { ScanData } from '../trading/scan/data-port.js';
import type { PicksRepo } from '../trading/scan/picks-repo.js';
import type { Alerts } from '../trading/alerts/alerts.js';
import type { TableUnitOfWork } from '../adapters/db/port.js';
import { RedisHealthProbe } from '../adapters/redis/health.js';
import type { Notifier } from '../trading/notifier.js';
import { HypothesisStore } from '../trading/hypotheses/store.js';
import { buildSlots } from '../engine/schedule/slots.js';
import { bullmqHypothesesQueue } from './hypotheses-queue-status.js';
import type { ForegroundGate } from '../adapters/compute/foreground-gate.js';
import type { Broker } from '../adapters/brokers/port.js';
import { createTradingDeps } from './trading-deps.js';
import { assembleServices } from './services.js';
import { statusMarkets } from './status-markets.js';

/** Shared resources of one process, whatever roles it runs. */
export interface AppContext {
  config: Config;
  log: Logger;
  scrub: (text: string) => string;
  ds: DataSource;
  /** Postgres as the use cases see it (over `ds`). */
  uow: TableUnitOfWork;
  /** Fail-fast connection for request paths. */
  redis: Redis;
  jobs: JobProducer;
  audit: AuditLog;
  killSwitch: KillSwitch;
  metrics: Metrics;
  blobs: BlobStore;
  notifier: Outbox;
  /** The Notifier port: typed notices rendered for chat and sent through the outbox. */
  publisher: Notifier;
  instanceId: string;
  startedAt: number;
  mode: string;
  statusSources: StatusSources;
  bars: BarsStore;
  picks: PicksRepo;
  charts: ChartRenderer;
  scanData: ScanData;
  /** De-duplicated admin alerts (failures, dead-man, reconciliation). */
  alerts: Alerts;
  /**
   * Held while a person waits (a bot update, an approval, a command, a
   * delivery); the evaluation pool pauses meanwhile. One per process, so
   * local mode's roles share it.
   */
  foreground: ForegroundGate;
  close(): Promise<void>;
}

export interface ContextOptions {
  /** Log destination (tests capture it to check no secret leaks). */
  logDestination?: DestinationStream;
  /** Run migrations at start-up (default true; `courtside migrate` does it explicitly). */
  migrate?: boolean;
}

/**
 * Opens Postgres (creating the database and applying migrations under an
 * advisory lock) and Redis, and builds the services every role shares.
 */
export async function createContext(config: Config, opts: ContextOptions = {}): Promise<AppContext> {
  assertRegistryConsistent();
  const log = createLogger({ level: config.log.level, secrets: config.secrets, ...(opts.logDestination ? { destination: opts.logDestination } : {}) });
  const scrub = makeScrubber(config.secrets);
  await ensureDatabase(config.db.migrationUrl, migrationSetting(config), log);
  const ds = createDataSource(config.db.url);
  await ds.initialize();
  if (opts.migrate !== false) {
    const applied = await migrateAs(config.db, ds, log);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
  }
  // The first failure of an outage says which address, why and the fix (openRedis); repeats are not logged.
  let redisProblem: Error | null = null;
  const redis = openRedis(config.redis.url, 'producer', (err) => {
    redisProblem = err;
    log.warn({ err: err.message }, 'redis connection problem');
  });
  redis.on('ready', () => (redisProblem = null));
  const REDIS_WAIT_MS = 5_000;
  if (!(await whenReady(redis, REDIS_WAIT_MS))) {
    // The process still starts (/kill works without Redis; the rest answers "Queue unavailable" until it is back).
    const problem: Error = redisProblem ?? redisSilentError(config.redis.url, REDIS_WAIT_MS);
    log.error(`${problem.message} Until then commands answer "Queue unavailable"; /kill still works.`);
  }
  // A queue's error is the connection's (reported above once per outage): debug only, never unhandled.
  const jobs = new JobProducer(redis, config.redis.prefix, config.queueTimeoutMs, (err) => log.debug({ err: err.message }, 'queue connection error'));
  const services = assembleServices({ config, log, scrub, ds, redis, jobs });
  const { uow, killSwitch, bars } = services;
  await killSwitch.syncMirror().catch((err: unknown) => log.warn({ err }, 'could not mirror the kill switch into Redis yet'));
  // Redis keeps nothing across a restart without persistence: restore the mirror whenever it comes back.
  redis.on('ready', () => void killSwitch.syncMirror().catch((err: unknown) => log.warn({ err }, 'could not re-mirror the kill switch')));
  // A store that fell behind (a kill held only in Redis while Postgres was down) is repaired even when nobody reads the switch.
  const killSwitchRepair = setInterval(() => void killSwitch.syncMirror().catch((err: unknown) => log.debug({ err }, 'kill switch repair pass failed; the next pass retries')), KILL_SWITCH_REPAIR_INTERVAL_MS);
  killSwitchRepair.unref();
  const startedAt = Date.now();
  const mode = `${config.local.enabled ? 'local' : config.telegram.webhook ? 'telegram (webhook)' : 'telegram (polling)'} · paper`;
  // /status reads the configured broker's account (its status and trading flags). Built on first use, so a
  // process that never answers /status opens no broker client; it shares the key's request budget in Redis.
  // The simulated paper broker keeps no account flags: no broker line for it.
  let statusBroker: Broker | null = null;
  const brokerAccount: StatusSources['brokerAccount'] =
    config.broker.kind === 'paper'
      ? undefined
      : {
          name: config.broker.kind,
          scrub,
          account: () => (statusBroker ??= createTradingDeps(config, ds, log.child({ component: 'status-broker' }), { redis, prefix: config.redis.prefix }).broker).account(),
        };
  const statusSources: StatusSources = {
    db: uow,
    log: log.child({ component: 'status' }),
    redis: new RedisHealthProbe(redis),
    queues: jobs,
    killSwitch,
    mode,
    startedAt,
    staleMs: config.heartbeat.staleMs,
    timeoutMs: 1_000,
    // The generator runs for US only (scheduler-role enqueues hypotheses.session for 'US').
    hypotheses: {
      store: new HypothesisStore(uow, services.audit),
      queue: bullmqHypothesesQueue(jobs.queues.hypotheses, 1_000),
      markets: ['US'],
      slots: config.schedule.enabled ? buildSlots(config.schedule.spec).filter((s) => s.kind === 'hypotheses') : [],
    },
    ...(brokerAccount ? { brokerAccount } : {}),
    // Each market's session, broker (BROKER / BROKER_KR; the KIS token's expiry) and stored data.
    markets: statusMarkets({ config, ds, log, shared: { redis, prefix: config.redis.prefix }, scrub }),
  };
  return {
    ...services,
    startedAt,
    mode,
    statusSources,
    async close() {
      clearInterval(killSwitchRepair);
      await bars.idle().catch((err: unknown) => log.debug({ err }, 'bars store writes still failing at close'));
      await jobs.close();
      redis.disconnect();
      if (ds.isInitialized) await ds.destroy().catch((err: unknown) => log.debug({ err }, 'database pool close failed'));
    },
  };
}
