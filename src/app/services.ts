import { CachingChartRenderer } from '../adapters/charts/caching-renderer.js';
import { randomBytes } from 'node:crypto';
import { loadKrEtfUniverse } from '../adapters/market-data/universe/kr-universe.js';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Config } from './config/config.js';
import type { AppContext } from './context.js';
import { TypeOrmUnitOfWork } from '../adapters/db/unit-of-work.js';
import { RedisKillSwitchMirror } from '../adapters/redis/kill-switch-mirror.js';
import { BlobStore } from '../adapters/redis/blob-store.js';
import { BarsStore } from '../adapters/bars/store.js';
import { LocalChartRenderer } from '../adapters/charts/local-renderer.js';
import { QuickChartRenderer } from '../adapters/charts/quickchart-renderer.js';
import { Metrics } from '../adapters/metrics/metrics.js';
import { ForegroundGate } from '../adapters/compute/foreground-gate.js';
import type { JobProducer } from '../jobs/producer.js';
import type { Logger } from '../lib/logging/logger.js';
import { AuditLog } from '../trading/audit/audit-log.js';
import { KillSwitch } from '../trading/kill-switch/kill-switch.js';
import { Outbox } from '../bot/outbox/outbox.js';
import { ChatPublisher } from '../bot/outbox/publisher.js';
import { marketHoursFor } from '../engine/market-hours.js';
import { PicksRepo } from '../trading/scan/picks-repo.js';
import { StoreScanData } from '../trading/scan/store-scan-data.js';
import { adminChatIds, Alerts } from '../trading/alerts/alerts.js';

/** The connections a process opened; {@link assembleServices} builds everything else on them. */
export interface OpenedConnections {
  config: Config;
  log: Logger;
  scrub: (text: string) => string;
  ds: DataSource;
  redis: Redis;
  jobs: JobProducer;
}

/** What differs between a role's context and the preflight's: how it names itself, what /status reads, how it closes. */
export type ContextExtras = Pick<AppContext, 'mode' | 'statusSources' | 'close' | 'startedAt'>;

/** The services every {@link AppContext} holds, built on its connections (no I/O here). */
export type SharedServices = Omit<AppContext, keyof ContextExtras>;

/**
 * Builds the services of an {@link AppContext} on opened connections: ONE place for the
 * audit chain, kill switch, outbox, charts, bars store, alerts…, so `createContext` (every
 * role) and `openPreflightContext` (the CLI's preflight, which must not wait on any service)
 * read the same classes wired the same way. Performs no I/O.
 */
export function assembleServices(c: OpenedConnections): SharedServices {
  const { config, log, ds, redis, jobs } = c;
  const uow = new TypeOrmUnitOfWork(ds, log.child({ component: 'db' }));
  const audit = new AuditLog(uow);
  const killSwitch = new KillSwitch(uow, new RedisKillSwitchMirror(redis, `${config.redis.prefix}:killswitch`), audit, log.child({ component: 'killswitch' }));
  const blobs = new BlobStore(redis, config.redis.prefix);
  const notifier = new Outbox(jobs, blobs);
  const bars = new BarsStore(ds, { cacheDir: join(config.home, 'cache'), logger: log.child({ component: 'bars' }) });
  // Equal specs draw once a minute: every user's /positions of the one book is the same chart (see CachingChartRenderer).
  const charts = new CachingChartRenderer(config.charts.quickchartUrl ? new QuickChartRenderer({ baseUrl: config.charts.quickchartUrl }) : new LocalChartRenderer());
  const publisher = new ChatPublisher({ outbox: notifier, charts, callbackKey: config.telegram.callbackKey, hours: marketHoursFor(config), log });
  return {
    config,
    log,
    scrub: c.scrub,
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
    bars,
    picks: new PicksRepo(uow),
    charts,
    scanData: new StoreScanData(bars, loadKrEtfUniverse),
    foreground: new ForegroundGate(),
    alerts: new Alerts({ db: uow, notifier: publisher, admins: adminChatIds(config.telegram.allowed), log: log.child({ component: 'alerts' }) }),
  };
}
