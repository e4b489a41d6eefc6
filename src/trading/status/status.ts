import type { SqlSession } from '../../adapters/db/port.js';
import type { HealthProbe, QueueDepths } from '../../adapters/redis/port.js';
import { withTimeout } from '../../lib/timeout.js';
import { currentAlerts, type AlertView } from '../alerts/alerts.js';
import { DataCheckStore, type DataCheckSummary } from '../data-check/store.js';
import { owedCancels, type OwedCancel } from '../kill-switch/cancel-owed.js';
import type { KillSwitchState } from '../kill-switch/kill-switch.js';
import { readBrokerAccountStatus, type BrokerAccountSource, type BrokerAccountStatus } from './broker-account.js';
import { readHeartbeats, type HeartbeatView } from './heartbeat.js';
import { collectHypothesesStatus, type HypothesesStatus, type HypothesesStatusSources } from './hypotheses.js';
import { collectMarketsStatus, withAccount, type MarketStatus, type MarketsStatusSources } from './markets.js';

/** One health probe's answer. */
export interface ProbeResult {
  ok: boolean;
  ms: number;
  /** The probe's error message when it failed. */
  error?: string;
}

/** Everything /status and /readyz report. */
export interface SystemStatus {
  mode: string;
  uptimeMs: number;
  killSwitch: KillSwitchState;
  /** Cancel-alls a kill owes and no worker has proven yet, oldest first; null when Postgres could not be read. */
  cancelOwed: OwedCancel[] | null;
  db: ProbeResult;
  redis: ProbeResult;
  /** Job counts per queue and state; null when the queues could not be read. */
  queues: Record<string, Record<string, number>> | null;
  heartbeats: HeartbeatView[];
  /** Open alerts (dead-man, failures, reconciliation), newest first; empty when none or unreadable. */
  alerts: AlertView[];
  /**
   * The hypothesis generator, the counts per state and the incubation queue;
   * absent when this process has no hypotheses sources, null when they could
   * not be read.
   */
  hypotheses?: HypothesesStatus | null;
  /**
   * The broker account's status and trading flags (issue 19); absent when
   * this process has no broker account source (the simulated paper broker).
   */
  brokerAccount?: BrokerAccountStatus;
  /** The configuration pin this process started with (issue 20); absent before it is computed. Heartbeats carry each role's. */
  configPin?: string | null;
  /**
   * The last calendar check of the US data (`courtside data check`, issue 21): `last` null when
   * none was run; `error` when it could not be read. Read from Postgres, never recomputed here
   * (a check re-reads every stored bar).
   */
  dataCheck?: { last: DataCheckSummary | null } | { error: string };
  /**
   * Per market (issue 15): the session now, the broker (the US one's account is the
   * `brokerAccount` read above, not read twice) and the stored data's health; absent when
   * this process has no market sources.
   */
  markets?: MarketStatus[];
}

/** The last data check, or why it cannot be read (never throws). */
export async function readDataCheck(db: SqlSession): Promise<{ last: DataCheckSummary | null } | { error: string }> {
  try {
    return { last: await new DataCheckStore(db).latest('US') };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** What {@link collectStatus} reads, each behind its port. */
export interface StatusSources {
  db: SqlSession;
  redis: HealthProbe;
  queues: QueueDepths;
  killSwitch: { state(): Promise<KillSwitchState> };
  mode: string;
  startedAt: number;
  staleMs: number;
  timeoutMs: number;
  /** The generator and the incubation queue (issue 14); absent = /status has no hypotheses section. */
  hypotheses?: HypothesesStatusSources;
  /** The configured broker's account read (read within `timeoutMs`); absent = /status has no broker line. */
  brokerAccount?: BrokerAccountSource;
  /** This process's configuration pin, set at start-up once computed (settings change by restart only). */
  configPin?: string | null;
  /** Each market's session, broker and data (read within `timeoutMs`); absent = /status has no markets section. */
  markets?: Omit<MarketsStatusSources, 'db'>;
  /** Where a section that could not be read says why (a pino logger fits); absent = not logged. */
  log?: StatusLog;
}

/** Where /status notes, at debug, why a section it shows as unknown could not be read. */
export interface StatusLog {
  debug(obj: object, msg: string): void;
}

/** A rejection handler that notes why `what` could not be read and stands in `fallback` (how /status shows it unknown). */
function unreadable<T>(log: StatusLog | undefined, what: string, fallback: T): (err: unknown) => T {
  return (err) => {
    log?.debug({ err }, `${what} could not be read; /status shows it as unknown`);
    return fallback;
  };
}

/** Times one probe with a timeout; never throws. */
export async function probe(fn: () => Promise<unknown>, timeoutMs: number, what: string): Promise<ProbeResult> {
  const t0 = performance.now();
  try {
    await withTimeout(fn(), timeoutMs, what);
    return { ok: true, ms: performance.now() - t0 };
  } catch (err) {
    return { ok: false, ms: performance.now() - t0, error: err instanceof Error ? err.message : String(err) };
  }
}

export async function collectStatus(src: StatusSources): Promise<SystemStatus> {
  const [db, redis, killSwitch, queues, heartbeats, alerts, cancelOwed, hypotheses, brokerAccount, dataCheck, markets] = await Promise.all([
    probe(() => src.db.rows('SELECT 1'), src.timeoutMs, 'postgres ping'),
    probe(() => src.redis.ping(), src.timeoutMs, 'redis ping'),
    src.killSwitch.state(),
    src.queues.depths().catch(unreadable(src.log, 'queue depths', null)),
    readHeartbeats(src.db, src.staleMs).catch(unreadable(src.log, 'heartbeats', [])),
    currentAlerts(src.db, src.log),
    owedCancels(src.db).catch(unreadable(src.log, 'owed cancels', null)),
    src.hypotheses
      ? withTimeout(collectHypothesesStatus({ log: src.log, ...src.hypotheses }), src.timeoutMs, 'hypotheses status').catch(unreadable(src.log, 'hypotheses status', null))
      : Promise.resolve(undefined),
    src.brokerAccount ? readBrokerAccountStatus(src.brokerAccount, src.timeoutMs) : Promise.resolve(undefined),
    withTimeout(readDataCheck(src.db), src.timeoutMs, 'data check').catch((err: unknown) => ({ error: err instanceof Error ? err.message : String(err) })),
    src.markets ? collectMarketsStatus({ db: src.db, ...src.markets }, src.timeoutMs) : Promise.resolve(undefined),
  ]);
  return {
    mode: src.mode,
    uptimeMs: Date.now() - src.startedAt,
    killSwitch,
    cancelOwed,
    db,
    redis,
    queues,
    heartbeats,
    alerts,
    ...(hypotheses !== undefined ? { hypotheses } : {}),
    ...(brokerAccount !== undefined ? { brokerAccount } : {}),
    ...(src.configPin !== undefined ? { configPin: src.configPin } : {}),
    dataCheck,
    ...(markets !== undefined ? { markets: withAccount(markets, 'US', brokerAccount) } : {}),
  };
}
