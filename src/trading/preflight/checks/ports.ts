/**
 * What the preflight checks read, as small ports: the app wires them from its
 * services (src/app/preflight-ports.ts), tests plant faults in fakes. A port
 * that cannot run because a service it needs is down throws
 * {@link PreflightBlocked} (from ../types.js) naming that service.
 */
import type { KillSwitchState } from '../../kill-switch/verdict.js';

/** Postgres as the preflight sees it. */
export interface PostgresProbe {
  /** Where it is (host:port/database, never the password). */
  readonly where: string;
  /** Answers when the server runs a query; resolves to its version string. */
  ping(): Promise<string>;
  /** Migrations this build knows that the database has not applied, oldest first. */
  pendingMigrations(): Promise<string[]>;
  /** The server's clock (SELECT now()). */
  serverNow(): Promise<Date>;
}

/** What Redis keeps across a restart (CONFIG GET appendonly / save). */
export interface RedisPersistence {
  /** `yes` or `no`. */
  appendonly: string;
  /** The RDB snapshot rules (`3600 1 300 100`), empty when snapshots are off. */
  save: string;
}

export interface RedisProbe {
  readonly where: string;
  ping(): Promise<void>;
  /** Throws when the server refuses CONFIG (some managed services do). */
  persistence(): Promise<RedisPersistence>;
}

/** A Bot API answer as the preflight needs it. */
export type BotApiAnswer<T> = { ok: true; result: T } | { ok: false; status: number; description: string };

export interface TelegramProbe {
  getMe(): Promise<BotApiAnswer<{ id: number; username?: string }>>;
  getWebhookInfo(): Promise<BotApiAnswer<{ url: string; pending_update_count?: number; last_error_message?: string; last_error_date?: number }>>;
}

/** One data source in the bars store: its symbols grouped. */
export interface DatasetRow {
  source: string;
  demo: boolean;
  symbols: number;
  /** Newest bar date of the source, YYYY-MM-DD. */
  lastDate: string;
}

export interface BarsProbe {
  datasets(): Promise<DatasetRow[]>;
}

export interface KillSwitchProbe {
  state(): Promise<KillSwitchState>;
}
