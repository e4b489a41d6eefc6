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
import type { Config } from './config/config.js';
import type { AppContext } from './context.js';
import { assembleServices } from './services.js';
import { createDataSource } from '../adapters/db/data-source.js';
import { openRedis } from '../adapters/redis/connections.js';
import { RedisHealthProbe } from '../adapters/redis/health.js';
import { JobProducer } from '../jobs/producer.js';
import { createLogger } from '../lib/logging/logger.js';
import { makeScrubber } from '../lib/logging/scrub.js';

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
  // Each check awaits it under its own timeout and reports the error; this only keeps it from being unhandled.
  pgReady.catch((err: unknown) => log.debug({ err }, 'postgres first connection failed'));
  const redis = openRedis(config.redis.url, 'producer', (err) => log.debug({ err: err.message }, 'redis not reachable yet; the Redis check reports it'));
  const jobs = new JobProducer(redis, config.redis.prefix, config.queueTimeoutMs, (err) => log.debug({ err: err.message }, 'queue connection error'));
  const services = assembleServices({ config, log, scrub, ds, redis, jobs });
  const startedAt = Date.now();
  const mode = `preflight · ${config.broker.kind}`;
  const { uow, killSwitch } = services;
  const app: AppContext = {
    ...services,
    startedAt,
    mode,
    statusSources: { db: uow, redis: new RedisHealthProbe(redis), queues: jobs, killSwitch, mode, startedAt, staleMs: config.heartbeat.staleMs, timeoutMs: 1_000 },
    async close() {
      await jobs.close().catch((err: unknown) => log.debug({ err }, 'queue close failed'));
      redis.disconnect();
      // A connection still being tried ends by its own timeout; one made is closed now.
      await pgReady.then(
        () => ds.destroy().catch((err: unknown) => log.debug({ err }, 'database pool close failed')),
        (err: unknown) => log.debug({ err }, 'postgres never connected; the Postgres check reports it'),
      );
    },
  };
  return { app, pgReady };
}
