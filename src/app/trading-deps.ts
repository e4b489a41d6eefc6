import { marketHoursFor } from '../engine/market-hours.js';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { alpacaKeyTag, RedisRequestBudget } from '../adapters/brokers/alpaca/rate-budget.js';
import { AlpacaBroker, ALPACA_LIVE_URL, ALPACA_PAPER_URL, type SharedValue } from '../adapters/brokers/alpaca/alpaca-broker.js';
import { PaperBroker } from '../adapters/brokers/paper/paper-broker.js';
import type { Broker } from '../adapters/brokers/port.js';
import type { Config } from './config/config.js';
import { AlpacaDataProvider } from '../adapters/market-data/alpaca/alpaca-data-provider.js';
import type { QuoteProvider } from '../adapters/market-data/port.js';
import { StoredBarQuotes } from '../adapters/market-data/stored/bar-quotes.js';
import { messageRefKey } from '../bot/outbox/delivery.js';
import { unfinishedReason } from '../bot/views/execution-reasons.js';
import type { ExecutionQueueDeps } from '../jobs/handlers/execution.js';
import { CircuitBreaker } from '../trading/circuit-breaker/circuit-breaker.js';
import type { ExecutionDeps } from '../trading/execution/execute.js';
import type { ExitDeps } from '../trading/execution/exits.js';
import { dollarAdvFromBars } from '../trading/execution/liquidity-source.js';
import { closesFromBars } from '../trading/risk/closes-source.js';
import { adminChatIds } from '../trading/alerts/alerts.js';
import { portfolioRiskGate } from '../trading/risk/portfolio-gate.js';
import { recipientsFor } from '../trading/settings/recipients.js';
import type { AppContext } from './context.js';
import { orderTimeInForce } from '../lib/time-in-force.js';
import { krxMarketHoursFor, krxOrderHoursFor } from '../engine/krx-hours.js';
import type { MarketLane } from '../jobs/handlers/execution.js';
import { createKrTradingDeps } from './kr-trading-deps.js';
import type { KrxHoursOf } from '../adapters/brokers/kis/index.js';
import type { CalendarOverridesPort } from '../trading/calendar/overrides-source.js';

/** The broker orders go to and the quotes execution re-prices with, as configured. */
export interface TradingDeps {
  broker: Broker;
  quotes: QuoteProvider;
  /** Where quotes come from, for messages ("quotes: stored bars" says they are not live). */
  quoteSource: 'alpaca' | 'kis' | 'stored-bars';
}

/**
 * Builds the configured broker. BROKER=paper (default) trades in Postgres
 * against Alpaca quotes when keys are set, otherwise against the latest stored
 * bar (local mode and demo data). Alpaca paper/live use the REST v2 adapter.
 */
export function createTradingDeps(config: Config, ds: DataSource, logger: Logger, shared?: SharedBrokerState): TradingDeps {
  const alpaca = config.broker.alpaca;
  const quotes: QuoteProvider = alpaca
    ? new AlpacaDataProvider({ keyId: alpaca.keyId, secretKey: alpaca.secretKey, ...(alpaca.dataUrl ? { baseUrl: alpaca.dataUrl } : {}), logger })
    : new StoredBarQuotes(ds, config.broker.paper.spreadBps);
  const quoteSource = alpaca ? 'alpaca' : 'stored-bars';
  if (config.broker.kind === 'paper') {
    const paper = config.broker.paper;
    const broker = new PaperBroker({
      ds,
      quoteSource: (s) => quotes.latestQuote(s),
      ...(quotes.latestQuotes ? { quotesSource: (syms: string[]) => quotes.latestQuotes!(syms) } : {}),
      slippageBps: paper.slippageBps,
      startingCash: paper.startingCash,
      marketHours: marketHoursFor(config),
      logger,
    });
    return { broker, quotes, quoteSource };
  }
  if (!alpaca) throw new Error(`BROKER=${config.broker.kind} needs APCA_API_KEY_ID and APCA_API_SECRET_KEY`);
  const baseUrl = alpaca.tradingUrl ?? (config.broker.kind === 'alpaca-live' ? ALPACA_LIVE_URL : ALPACA_PAPER_URL);
  const broker = new AlpacaBroker({
    keyId: alpaca.keyId,
    secretKey: alpaca.secretKey,
    baseUrl,
    name: config.broker.kind,
    logger,
    ...(shared
      ? {
          clockCache: redisValue(shared.redis, `${shared.prefix}:broker:${alpacaKeyTag(alpaca.keyId)}:clock`),
          // One budget per API key across every process (bot, workers): Alpaca counts per key.
          budget: new RedisRequestBudget({
            redis: shared.redis,
            prefix: shared.prefix,
            keyTag: alpacaKeyTag(alpaca.keyId),
            maxPerMinute: alpaca.maxRpm,
            reservedPerMinute: alpaca.reservedRpm,
            broker: config.broker.kind,
            logger,
          }),
        }
      : {}),
  });
  return { broker, quotes, quoteSource };
}

/**
 * MARKET_HOURS=always for the KIS adapter's own auction check: a session wider
 * than the day, so no instant is inside an auction or outside the session
 * (tests of the fill path at any hour; never a production setting).
 */
const KRX_ALWAYS_IOC: KrxHoursOf = () => ({ openMin: -60, closeMin: 25 * 60 });

/**
 * Korea's broker and quotes as BROKER_KR says: KIS (virtual or live) with
 * KIS's order book as quotes, or the KR paper book (Postgres, in won) priced
 * from the latest stored KR bar. KIS checks the KRX session itself with the
 * run-time calendar overrides (`calendarOverrides`: pass the process's shared
 * reader, the one the entry gate reads; default a cached reader over `ds`).
 */
export function createKrTrading(config: Config, ds: DataSource, logger: Logger, shared?: SharedBrokerState, options: { calendarOverrides?: CalendarOverridesPort } = {}): TradingDeps {
  const always = krxMarketHoursFor(config).name === 'always';
  const kisOptions = always ? { hours: KRX_ALWAYS_IOC } : options.calendarOverrides ? { calendarOverrides: options.calendarOverrides } : {};
  const kis = createKrTradingDeps(config, ds, logger.child({ market: 'KR' }), shared, kisOptions);
  if (kis) return { broker: kis.broker, quotes: kis.quotes, quoteSource: 'kis' };
  const quotes = new StoredBarQuotes(ds, config.broker.paper.spreadBps);
  const broker = new PaperBroker({
    ds,
    market: 'KR',
    quoteSource: (s) => quotes.latestQuote(s),
    quotesSource: (syms: string[]) => quotes.latestQuotes(syms),
    slippageBps: config.broker.paper.slippageBps,
    startingCash: config.kr.paper.startingCash,
    // KIS_COMMISSION_BPS: config keeps it as a fraction, the paper book takes basis points.
    commissionBps: config.kr.commissionRate * 10_000,
    marketHours: krxMarketHoursFor(config),
    logger: logger.child({ market: 'KR' }),
  });
  return { broker, quotes, quoteSource: 'stored-bars' };
}

/**
 * Korea's order path (issue 15): the KR broker with the KR limits in won
 * (EXEC_*_KR), KRX hours, the KR traded-value floor in the liquidity gate's
 * place of the dollar one, and IOC orders (KIS takes IOC limit orders only
 * outside the auctions; the paper book fills or cancels at once).
 */
export function krLane(app: AppContext, trading: TradingDeps): MarketLane {
  const kr = app.config.kr;
  const hours = krxOrderHoursFor(app.config);
  const us = executionDeps(app, trading);
  const { entryTimeInForce: _tif, dayCancelAfterMs: _day, ...rest } = us;
  const { minPrice: _minPrice, maxPrice: _maxPrice, ...usLimits } = us.limits ?? {};
  const execution: ExecutionDeps = {
    ...rest,
    market: 'KR',
    limits: {
      ...usLimits,
      perOrderBudget: kr.execution.perOrderBudget,
      dailyBudget: kr.execution.dailyBudget,
      ...(kr.execution.minPrice !== undefined ? { minPrice: kr.execution.minPrice } : {}),
      ...(kr.execution.maxPrice !== undefined ? { maxPrice: kr.execution.maxPrice } : {}),
      // The same gate on the same bars (close × volume): for a KRX code that is won traded.
      minDollarAdv: kr.execution.minTradedValue,
    },
    marketHours: hours,
    logger: app.log.child({ component: 'execution', market: 'KR' }),
  };
  const { timeInForce: _exitTif, dayCancelAfterMs: _exitDay, ...usExits } = exitDeps(app, trading);
  return {
    broker: trading.broker,
    marketHours: hours,
    execution,
    exits: { ...usExits, market: 'KR', logger: app.log.child({ component: 'exits', market: 'KR' }) },
    // No benchmark: there is no real KR index series in the store, and a synthetic one must never be shown as real.
    marks: { db: app.uow, market: 'KR', broker: trading.broker, startingCash: kr.paper.startingCash, audit: app.audit, logger: app.log.child({ component: 'mark-to-market', market: 'KR' }) },
    reconcile: { db: app.uow, market: 'KR', broker: trading.broker, audit: app.audit, logger: app.log.child({ component: 'reconcile', market: 'KR' }), scrub: app.scrub },
  };
}

/** What every process shares about the broker (its clock answer, its request budget): Redis under the app's prefix. */
export interface SharedBrokerState {
  redis: Redis;
  prefix: string;
}

/** One Redis key as a {@link SharedValue}. */
function redisValue(redis: Redis, key: string): SharedValue {
  return {
    get: () => redis.get(key),
    set: async (value, ttlMs) => {
      await redis.set(key, value, 'PX', Math.max(1, Math.floor(ttlMs)));
    },
  };
}

/** What every order path shares: the database, the configured broker and quotes, the kill switch, the audit chain. */
function orderPathDeps(app: AppContext, trading: TradingDeps) {
  return { db: app.uow, broker: trading.broker, quotes: trading.quotes, killSwitch: app.killSwitch, audit: app.audit, scrub: app.scrub, waitTimeoutMs: app.config.execution.waitTimeoutMs };
}

/** The execution deps as configured: the real gates, broker and quotes, with the config's limits. */
export function executionDeps(app: AppContext, trading: TradingDeps): ExecutionDeps {
  const { windowMs: _window, waitTimeoutMs: _wait, tellPendingAfterMs: _tell, timeStopBars, ...limits } = app.config.execution;
  return {
    ...orderPathDeps(app, trading),
    dollarAdv: dollarAdvFromBars(app.uow),
    portfolioRisk: (c) => portfolioRiskGate({ db: app.uow, closes: closesFromBars(app.uow), settings: app.config.risk }, c),
    limits,
    timeStopBars,
    // Entries (new risk) are refused outside the session before anything reaches the broker.
    marketHours: marketHoursFor(app.config),
    ...dayOrders(app, (tif, dayCancelAfterMs) => ({ entryTimeInForce: tif, dayCancelAfterMs })),
    logger: app.log.child({ component: 'execution' }),
  };
}

/** Exit deps (stop / time stop / flatten) on the same broker and quotes. */
export function exitDeps(app: AppContext, trading: TradingDeps): ExitDeps {
  const x = app.config.exits;
  return {
    ...orderPathDeps(app, trading),
    limits: { limitBuffer: x.limitBuffer, timeStopLeadMinutes: x.timeStopLeadMinutes, exitsDuringKill: x.duringKill, requireOpenSession: x.requireOpenSession },
    // Exits follow the entries' time in force: an account that refuses IOC refuses IOC sells too.
    ...dayOrders(app, (timeInForce, dayCancelAfterMs) => ({ timeInForce, dayCancelAfterMs })),
    logger: app.log.child({ component: 'exits' }),
  };
}

/**
 * ALPACA_ENTRY_TIF and ALPACA_DAY_CANCEL_AFTER_S, as `shape` names them for an order path
 * (entries, exits). Only where the broker keeps resting orders (Alpaca); the paper broker fills
 * or cancels at once, so it keeps IOC.
 */
function dayOrders<T>(app: AppContext, shape: (tif: 'ioc' | 'day', dayCancelAfterMs: number) => T): T | Record<string, never> {
  const t = orderTimeInForce(app.config.broker);
  return t ? shape(t.tif, t.dayCancelAfterMs) : {};
}

/** The `executions` queue's deps, wired from the app's services and the configured broker. */
export function executionQueueDeps(app: AppContext, trading: TradingDeps, owedCancel: ExecutionQueueDeps['owedCancel']): ExecutionQueueDeps {
  return {
    db: app.uow,
    broker: trading.broker,
    execution: executionDeps(app, trading),
    exits: exitDeps(app, trading),
    marks: {
      db: app.uow,
      broker: trading.broker,
      benchmarkSymbol: app.config.exits.benchmark,
      startingCash: app.config.broker.paper.startingCash,
      audit: app.audit,
      logger: app.log.child({ component: 'mark-to-market' }),
    },
    reconcile: { db: app.uow, broker: trading.broker, audit: app.audit, logger: app.log.child({ component: 'reconcile' }), scrub: app.scrub },
    audit: app.audit,
    alerts: app.alerts,
    circuit: circuitBreaker(app),
    owedCancel,
    publisher: app.publisher,
    jobs: app.jobs,
    picks: app.picks,
    async cardOf(pickId) {
      const ref = await app.redis.get(messageRefKey(app.config.redis.prefix, `pick:${pickId}`)).catch((err: unknown) => {
        // Only which card to edit: without it the fill is told in a new message.
        app.log.debug({ err, pickId }, 'pick card reference not read; the fill goes in a new message');
        return null;
      });
      const m = ref?.match(/^(-?\d+):(\d+)$/);
      return m ? { chatId: Number(m[1]), messageId: Number(m[2]) } : null;
    },
    fillRecipients: () => recipientsFor('fills', app.uow, app.config.telegram.allowed),
    drift: { settings: app.config.risk, admins: () => adminChatIds(app.config.telegram.allowed) },
    unfinishedReason,
    tellPendingAfterMs: app.config.execution.tellPendingAfterMs,
    scrub: app.scrub,
  };
}

/**
 * The circuit breaker as configured: the CIRCUIT_* limits for every broker's
 * market (one today; a market with limits of its own gets them here, by broker name).
 */
export function circuitBreaker(app: AppContext): CircuitBreaker {
  const limits = app.config.circuit;
  return new CircuitBreaker({
    db: app.uow,
    killSwitch: app.killSwitch,
    alerts: app.alerts,
    audit: app.audit,
    limitsFor: () => limits,
    log: app.log.child({ component: 'circuit-breaker' }),
  });
}
