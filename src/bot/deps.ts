import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { TableUnitOfWork } from '../adapters/db/port.js';
import type { PicksRepo } from '../trading/scan/picks-repo.js';
import type { AuditLog } from '../trading/audit/audit-log.js';
import type { Role } from '../lib/roles.js';
import type { TimeInForceSource } from '../lib/time-in-force.js';
import type { PreflightRunner } from '../trading/preflight/types.js';
import type { JobProducer } from '../jobs/producer.js';
import type { MetricsPort } from '../adapters/metrics/port.js';
import type { KillSwitch } from '../trading/kill-switch/kill-switch.js';
import type { StatusSources } from '../trading/status/status.js';
import type { UserFairnessStore } from '../adapters/redis/fairness/port.js';
import type { StuckDeps } from '../trading/execution/stuck.js';
import type { BrokerClock } from '../adapters/brokers/port.js';
import type { Notifier } from '../trading/notifier.js';

/**
 * The settings the bot reads: a slice of the app's parsed configuration
 * (the app's Config satisfies it), so the face does not depend on app/.
 */
export interface BotConfig {
  telegram: { token: string; apiRoot: string; allowed: ReadonlyMap<number, Role>; callbackKey: Buffer };
  local: { enabled: boolean };
  redis: { prefix: string };
  execution: { windowMs: number };
  /** Per user: commands and button presses a minute, how many at once, and jobs waiting or running at once. */
  fairness: { perMinute: number; burst: number; maxQueued: number };
  /** The broker and its time in force (what a /close confirm says the sale will be); absent: IOC. */
  broker?: TimeInForceSource;
  /** The KIS commission (a fraction of each fill's value) that KR backtests charge; absent: the default rate. */
  kr?: { commissionRate: number };
}

/** What the bot process needs; built once by the bot role. */
export interface BotDeps {
  config: BotConfig;
  log: Logger;
  audit: AuditLog;
  killSwitch: KillSwitch;
  jobs: JobProducer;
  /** Fail-fast Redis connection (update de-duplication, refusal throttling). */
  redis: Redis;
  metrics: MetricsPort;
  /** Per-user rate buckets and work slots, shared by every bot replica. */
  fairness: UserFairnessStore;
  status: StatusSources;
  /**
   * Publishes a typed notice to a chat: rendered (charts included) and sent
   * through the outbox. The bot uses it where a reply needs a chart (the
   * /promote card); without it those replies are text only.
   */
  notifier?: Notifier;
  /** Postgres: approvals and settings are decided in the bot process, atomically, so a tap gets its answer at once. */
  ds: DataSource;
  /** Postgres as the use cases take it (the unit-of-work port over `ds`). */
  uow: TableUnitOfWork;
  picks: PicksRepo;
  /** Scrubs secrets from text that may be shown to a user. */
  scrub: (text: string) => string;
  now: () => number;
  /**
   * Held while an update is handled (the app's ForegroundGate): background
   * computation pauses while a person waits. Absent in tests.
   */
  foreground?: () => () => void;
  /** /stuck and /resolve (broker look-ups, never orders); absent when this process has no broker configured. */
  stuck?: StuckDeps;
  /** The broker's own clock (Alpaca), cached and shared: Approve is refused while it says closed. Absent: our calendar alone. */
  brokerClock?: { name: string; read(): Promise<BrokerClock> };
  /** /preflight (admin): the installation's checks, the same list as `courtside preflight`. */
  preflight?: PreflightRunner;
}
