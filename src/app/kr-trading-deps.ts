import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { createKisBroker, createKisConnection, type KisConnection, type KisConnectionOptions, type KrxHoursSource } from '../adapters/brokers/kis/index.js';
import type { KisSettings } from '../adapters/brokers/kis/env.js';
import type { Broker } from '../adapters/brokers/port.js';
import { KisQuoteProvider } from '../adapters/market-data/kis/index.js';
import type { QuoteProvider } from '../adapters/market-data/port.js';
import { TypeOrmUnitOfWork } from '../adapters/db/unit-of-work.js';
import { errText } from '../lib/errors.js';
import { krxSessionHoursWithOverrides } from '../trading/calendar/krx-session-hours.js';
import { sharedCalendarOverrides, type CalendarOverridesPort } from '../trading/calendar/overrides-source.js';
import type { Config } from './config/config.js';

export type { KisConnection } from '../adapters/brokers/kis/index.js';

/**
 * The KR broker and the quotes KR execution re-prices with: the shape of
 * TradingDeps (trading-deps.ts), plus the KIS connection, from which the
 * status reads the shared token's expiry (`connection.tokens.read()`).
 */
export interface KrTradingDeps {
  broker: Broker;
  quotes: QuoteProvider;
  /** Where KR quotes come from: KIS's order book (FHKST01010200). */
  quoteSource: 'kis';
  connection: KisConnection;
}

/** What every process shares about KIS (token, request rate, order map): Redis under the app's prefix. */
export interface SharedKrBrokerState {
  redis: Redis;
  prefix: string;
}

export interface KrTradingOptions {
  /**
   * KRX hours of a KST date for the KIS adapter's own session check. Default: the KRX calendar
   * with its run-time overrides (`calendarOverrides`), so a day closed with
   * `courtside calendar close --market krx` refuses IOC orders locally and a late open moves the
   * opening auction, without a restart.
   */
  hours?: KrxHoursSource;
  /**
   * Where the run-time overrides are read (the process's cached reader, e.g.
   * `sharedCalendarOverrides(app.uow)`, shared with the entry gate). Default: a cached reader
   * over `ds`, one per DataSource, built on the first order.
   */
  calendarOverrides?: CalendarOverridesPort;
}

/**
 * Builds the KR broker as BROKER_KR says. kis-virtual / kis-live: the KIS
 * broker and the KIS quote provider on ONE connection per process (one
 * token, one request rate). BROKER_KR=paper: null — the KR paper book is
 * the market-aware PaperBroker, which the lead wires next to the US one.
 * KIS keeps its token, rate and order map in Redis, so kis-* needs `shared`.
 */
export function createKrTradingDeps(config: Config, ds: DataSource, logger: Logger, shared?: SharedKrBrokerState, options: KrTradingOptions = {}): KrTradingDeps | null {
  const kis = config.kr.kis;
  if (config.kr.broker === 'paper' || kis === null) return null;
  if (!shared) throw new Error(`BROKER_KR=${config.kr.broker} needs the shared Redis: KIS's one access token, request rate and order map live there`);
  const connectionOptions = kisConnectionOptions(kis, shared, logger);
  const connection = processConnection(shared.redis, kis, connectionOptions);
  const hours = options.hours ?? krxSessionHoursWithOverrides(options.calendarOverrides ?? lazyOverrides(ds), (err) => warnUnreadable(logger, err));
  const broker = createKisBroker({ ...connectionOptions, connection, hours });
  const quotes = new KisQuoteProvider({ connection, logger });
  return { broker, quotes, quoteSource: 'kis', connection };
}

function kisConnectionOptions(kis: KisSettings, shared: SharedKrBrokerState, logger: Logger): KisConnectionOptions {
  return {
    server: kis.server,
    baseUrl: kis.baseUrl,
    appKey: kis.appKey,
    appSecret: kis.appSecret,
    account: kis.account,
    maxRps: kis.maxRps,
    redis: shared.redis,
    keyPrefix: shared.prefix,
    now: Date.now,
    logger,
  };
}

/**
 * The process's connections, per Redis client and settings: the bot, the
 * worker and /status each build deps, and all of them must share one token
 * store and one rate limiter (the Redis keys are shared anyway; this also
 * shares the in-process token and pacing).
 */
const connections = new WeakMap<Redis, Map<string, KisConnection>>();

function processConnection(redis: Redis, kis: KisSettings, o: KisConnectionOptions): KisConnection {
  let mine = connections.get(redis);
  if (!mine) connections.set(redis, (mine = new Map()));
  const key = JSON.stringify([o.keyPrefix, kis.server, kis.baseUrl, kis.appKey, kis.account, kis.maxRps]);
  let c = mine.get(key);
  if (!c) mine.set(key, (c = createKisConnection(o)));
  return c;
}

/** One unit of work per DataSource for the default overrides reader (sharedCalendarOverrides caches per handle). */
const overridesByDs = new WeakMap<DataSource, CalendarOverridesPort>();

/** The cached overrides reader over `ds`, built on first use: a process that never orders opens nothing here. */
function lazyOverrides(ds: DataSource): CalendarOverridesPort {
  let port: CalendarOverridesPort | undefined;
  return {
    forExchange: (exchange) => {
      port ??= overridesByDs.get(ds) ?? sharedCalendarOverrides(new TypeOrmUnitOfWork(ds));
      overridesByDs.set(ds, port);
      return port.forExchange(exchange);
    },
  };
}

/** At most one warning a minute: every KR order asks, and the reason is the same until the database answers. */
let lastWarnAt = 0;
function warnUnreadable(logger: Logger, err: unknown): void {
  const now = Date.now();
  if (now - lastWarnAt < 60_000) return;
  lastWarnAt = now;
  logger.warn({ err: errText(err) }, 'KRX calendar overrides not read: the KIS adapter checks the session by the KRX rules (new entries are refused calendar_unknown meanwhile)');
}
