import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { PicksRepo } from '../scan/picks-repo.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/config.js';
import type { JobProducer } from '../jobs/producer.js';
import type { Metrics } from '../metrics/metrics.js';
import type { KillSwitch } from '../safety/kill-switch.js';
import type { StatusSources } from '../ops/status.js';

/** What the bot process needs; built once by the bot role. */
export interface BotDeps {
  config: Config;
  log: Logger;
  audit: AuditLog;
  killSwitch: KillSwitch;
  jobs: JobProducer;
  /** Fail-fast Redis connection (update de-duplication, refusal throttling). */
  redis: Redis;
  metrics: Metrics;
  status: StatusSources;
  /** Postgres: approvals and settings are decided in the bot process, atomically, so a tap gets its answer at once. */
  ds: DataSource;
  picks: PicksRepo;
  /** Scrubs secrets from text that may be shown to a user. */
  scrub: (text: string) => string;
  now: () => number;
}
