import { KisBroker, type KisBrokerDeps, type TickOf } from './kis-broker.js';
import { createKisConnection, type KisConnection, type KisConnectionOptions } from './connection.js';
import { krxCalendarHours, krxEtfTick } from './krx-defaults.js';
import { KisOrderMap } from './order-map.js';
import type { KrxHoursSource } from './session.js';

export { KisBroker, type TickOf } from './kis-broker.js';
export { createKisConnection, type KisConnection, type KisConnectionOptions } from './connection.js';
export { krxCalendarHours, krxEtfTick } from './krx-defaults.js';
export { KisAccountError, parseKisAccount, type KisAccount } from './account.js';
export { KisEnvSchema, kisSettingsFromEnv, type KisEnv, type KisSettings } from './env.js';
export { KIS_REAL_URL, KIS_VIRTUAL_URL, defaultMaxRps, trId, type KisServer } from './tr-ids.js';
export { iocRefusal, weekdayHours, type KrxHours, type KrxHoursOf, type KrxHoursSource } from './session.js';
export { KIS_CODES, kindOfCode } from './codes.js';
export { KisCallLog, endpointOf, type KisCallFailure, type KisCallFailureKind, type KisCallHealth, type KisCallMark, type KisEndpointKind } from './call-health.js';

/** The connection's options (see {@link KisConnectionOptions}) and the broker's own. */
export interface CreateKisBrokerOptions extends KisConnectionOptions {
  /** Tick size (KRW) at a price on the order's date; default the engine's KRX ETF tick ({@link krxEtfTick}). */
  tick?: TickOf;
  /**
   * The KRX session calendar; default the engine's KRX calendar ({@link krxCalendarHours}: holidays,
   * late opens, the CSAT close). The app passes it with the run-time overrides applied (a source that reads).
   */
  hours?: KrxHoursSource;
  /**
   * An existing connection, shared with the KIS daily-price provider in the
   * same process; the connection options are then not used (`redis` still
   * holds the order map).
   */
  connection?: KisConnection;
  /** Order timings (see {@link KisBrokerDeps}). */
  timings?: Pick<KisBrokerDeps, 'submitTimeoutMs' | 'maxSubmitRetries' | 'lookupAttempts' | 'inFlightLockMs' | 'unknownHoldMs' | 'lockWaitMs' | 'timeSlackMs' | 'pollMs' | 'closeSlippage'>;
}

/**
 * The KIS broker (`kis-virtual` / `kis-live`) with its shared parts wired:
 * the connection (token store and request rate, see {@link createKisConnection})
 * and the order map, all in Redis under `<keyPrefix>:kis:{tag}` (the tag
 * hashes server, app key and account). Throws {@link KisAccountError} for a
 * malformed account and `BrokerError` `auth` for a missing key or secret.
 */
export function createKisBroker(o: CreateKisBrokerOptions): KisBroker {
  const c = o.connection ?? createKisConnection(connectionOptions(o));
  return new KisBroker({
    server: c.server,
    account: c.account,
    http: c.http,
    orders: new KisOrderMap(o.redis, c.keys),
    now: c.now,
    sleep: c.sleep,
    tick: o.tick ?? krxEtfTick,
    hours: o.hours ?? krxCalendarHours,
    logger: c.logger,
    ...o.timings,
  });
}

/** The connection part of the broker's options. */
function connectionOptions(o: CreateKisBrokerOptions): KisConnectionOptions {
  const { tick: _tick, hours: _hours, timings: _timings, connection: _connection, ...rest } = o;
  return rest;
}
