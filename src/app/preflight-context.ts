/**
 * The app's services for `courtside preflight`, built without waiting on any
 * of them: {@link createContext} creates the database, migrates and waits for
 * Redis — a preflight must do none of that (it reports a pending migration,
 * it does not apply it) and must not hang on a dead service. Postgres's first
 * connection is started here and awaited by each check under its own
 * timeout (`pgReady`); Redis connects in the background the same way.
 *
 * The services are the same classes createContext builds, so the checks
 * (src/app/preflight-checks.ts) read them exactly as a running role does.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from './config/config.js';
import type { AppContext } from './context.js';
import { createDataSource } from '../adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../adapters/db/unit-of-work.js';
import { openRedis } from '../adapters/redis/connections.js';
import { RedisKillSwitchMirror } from '../adapters/redis/kill-switch-mirror.js';
import { RedisHealthProbe } from '../adapters/redis/health.js';
import { BlobStore } from '../adapters/redis/blob-store.js';
import { BarsStore } from '../adapters/bars/store.js';
import { LocalChartRenderer } from '../adapters/charts/local-renderer.js';
import { Metrics } from '../adapters/metrics/metrics.js';
import { ForegroundGate } from '../adapters/compute/foreground-gate.js';
import { JobProducer } from '../jobs/producer.js';
import { createLogger } from '../lib/logging/logger.js';
import { makeScrubber } from '../lib/logging/scrub.js';
import { AuditLog } from '../trading/audit/audit-log.js';
import { KillSwitch } from '../trading/kill-switch/kill-switch.js';
import { Outbox } from '../bot/outbox/outbox.js';
import { ChatPublisher } from '../bot/outbox/publisher.js';
import { marketHoursFor } from '../engine/market-hours.js';
import { PicksRepo } from '../trading/scan/picks-repo.js';
import { StoreScanData } from '../trading/scan/store-scan-data.js';
import { adminChatIds, Alerts } from '../trading/alerts/alerts.js';

/** How long the CLI lets Postgres take to accept the first connection (the driver's own default is 10 s). */
const PG_CONNECT_TIMEOUT_MS = 2_500;

export interface PreflightContext {
  app: AppContext;
  /** Settles when Postgres's first connection was made (rejects with the driver's error). */
  pgReady: Promise<unknown>;
}

/** Services for one preflight run from the command line; `app.close()` releases them. */
export function openPreflightContext(config: Config): PreflightContext {
  // The CLI prints its own report: the library's log lines would only repeat it.
  const log = createLogger({ level: 'silent', secrets: config.secrets });
  const scrub = makeScrubber(config.secrets);
  const ds = createDataSource(config.db.url, { poolSize: 3, applicationName: 'courtside-preflight' });
  // A server that accepts but never answers must not hold the command for the driver's 10 s.
  ds.setOptions({ extra: { ...(ds.options.extra as object), connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS } });
  const pgReady = ds.initialize();
  pgReady.catch(() => undefined);
  const redis = openRedis(config.redis.url, 'producer', () => undefined);
  const jobs = new JobProducer(redis, config.redis.prefix, config.queueTimeoutMs, () => undefined);
  const uow = new TypeOrmUnitOfWork(ds);
  const audit = new AuditLog(uow);
  const killSwitch = new KillSwitch(uow, new RedisKillSwitchMirror(redis, `${config.redis.prefix}:killswitch`), audit);
  const blobs = new BlobStore(redis, config.redis.prefix);
  const notifier = new Outbox(jobs, blobs);
  const bars = new BarsStore(ds, { cacheDir: join(config.home, 'cache'), logger: log.child({ component: 'bars' }) });
  const charts = new LocalChartRenderer();
  const publisher = new ChatPublisher({ outbox: notifier, charts, callbackKey: config.telegram.callbackKey, hours: marketHoursFor(config), log });
  const startedAt = Date.now();
  const mode = `preflight · ${config.broker.kind}`;
  const app: AppContext = {
    config,
    log,
    scrub,
    ds,
    uow,
    redis,
    jobs,
    audit,
    killSwitch,
    metrics: new Metrics(),
    blobs,
    notifier,
    publisher,
    instanceId: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    startedAt,
    mode,
    statusSources: { db: uow, redis: new RedisHealthProbe(redis), queues: jobs, killSwitch, mode, startedAt, staleMs: config.heartbeat.staleMs, timeoutMs: 1_000 },
    bars,
    picks: new PicksRepo(uow),
    charts,
    scanData: new StoreScanData(bars),
    foreground: new ForegroundGate(),
    alerts: new Alerts({ db: uow, notifier: publisher, admins: adminChatIds(config.telegram.allowed), log }),
    async close() {
      await jobs.close().catch(() => undefined);
      redis.disconnect();
      // A connection still being tried ends by its own timeout; one made is closed now.
      await pgReady.then(
        () => ds.destroy().catch(() => undefined),
        () => undefined,
      );
    },
  };
  return { app, pgReady };
}
