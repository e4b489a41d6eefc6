/**
 * The KIS adapter's own session check honours the run-time KRX overrides (`courtside calendar
 * close|late-open --market krx`), read through the cached reader without a restart: a day closed
 * at run time refuses an IOC locally with nothing sent; a late open moves the opening auction and
 * the continuous start. Against the KIS emulator, which knows neither (so any refusal is the
 * adapter's own). The app's default wiring (createKrTradingDeps) reads the overrides too.
 */
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBrokerError } from '../../../../src/adapters/brokers/errors.js';
import { createKisBroker, type KisBroker } from '../../../../src/adapters/brokers/kis/index.js';
import { weekdayHours } from '../../../../src/adapters/brokers/kis/session.js';
import type { OrderRequest } from '../../../../src/adapters/brokers/port.js';
import { loadConfig } from '../../../../src/app/config/config.js';
import { createKrTradingDeps } from '../../../../src/app/kr-trading-deps.js';
import { seoul, type KisEmulator } from '../../../../src/dev/kis/server.js';
import { XKRX_CALENDAR, type ExchangeId } from '../../../../src/engine/calendar/exchange.js';
import type { CalendarOverride } from '../../../../src/engine/calendar/overrides.js';
import { krxSessionHoursWithOverrides } from '../../../../src/trading/calendar/krx-session-hours.js';
import { CachedCalendarOverrides, type CalendarOverridesPort } from '../../../../src/trading/calendar/overrides-source.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { ACCOUNT, APP_KEY, APP_SECRET, closeRedis, newRedis, startEmulator } from './kis-test-broker.js';

let emu: KisEmulator;
let prefix: string;
/** The `calendar_overrides` table as the test edits it while the adapter runs. */
let table: CalendarOverride[];
/** The cache's clock: the test moves it past the TTL to renew the read, as real time would. */
let cacheNow: number;
let broker: KisBroker;

beforeEach(async () => {
  emu = await startEmulator({ quotes: { '069500': { price: 10_005, bid: 10_000, ask: 10_005 } } });
  prefix = uniquePrefix();
  table = [];
  cacheNow = 0;
  const overrides = new CachedCalendarOverrides({ list: async () => [...table] }, { ttlMs: 30_000, clock: () => cacheNow });
  broker = createKisBroker({
    server: 'real',
    baseUrl: emu.url,
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    account: ACCOUNT,
    maxRps: 1000,
    redis: newRedis(),
    keyPrefix: prefix,
    now: () => emu.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
    hours: krxSessionHoursWithOverrides(overrides),
  });
});
afterEach(async () => {
  await emu.close();
  await closeRedis();
  await cleanRedis(prefix);
});

const buy = (cid: string): OrderRequest => ({ clientOrderId: cid, symbol: '069500', side: 'buy', qty: 1, type: 'limit', limitPrice: 10_005, timeInForce: 'ioc' });
const sell = (cid: string): OrderRequest => ({ ...buy(cid), side: 'sell' });
const close = (date: string): CalendarOverride => ({ exchange: 'XKRX', date, kind: 'close', openTime: null, reason: 'KRX system failure' });
const lateOpen = (date: string, openTime: string): CalendarOverride => ({ exchange: 'XKRX', date, kind: 'late_open', openTime, reason: 'KRX delayed open' });

/** The token first, so that a request counted afterwards would be the order's. */
async function requestsSoFar(): Promise<number> {
  await broker.account();
  return emu.counters().requests;
}

async function refusal(r: OrderRequest): Promise<unknown> {
  return broker.submitOrder(r).catch((e: unknown) => e);
}

describe('KIS session check with run-time KRX overrides', () => {
  it('a close added while running (Mon 2024-01-08): the next IOC, buy or sell, is refused locally with nothing sent', async () => {
    emu.setClock(seoul('2024-01-08', '10:00:00'));
    await broker.submitOrder(buy('cs-before'));
    expect(emu.orders()).toHaveLength(1);

    table.push(close('2024-01-08'));
    cacheNow += 30_000;
    const before = await requestsSoFar();
    for (const r of [buy('cs-closed-buy'), sell('cs-closed-sell')]) {
      const err = await refusal(r);
      expect(isBrokerError(err, 'rejected'), String(err)).toBe(true);
      expect(String(err)).toMatch(/KRX is closed on 2024-01-08 \(KST\)/);
    }
    expect(emu.counters().requests).toBe(before);
    expect(emu.orders()).toHaveLength(1);
  });

  it('a late open at 11:00 (Tue 2024-01-09) moves the opening auction to 10:30–11:00 and the continuous start to 11:00', async () => {
    table.push(lateOpen('2024-01-09', '11:00'));
    emu.setClock(seoul('2024-01-09', '10:00:00'));
    const before = await requestsSoFar();
    expect(String(await refusal(buy('cs-early')))).toMatch(/KRX is outside its session \(11:00–15:30 KST on 2024-01-09\)/);
    emu.setClock(seoul('2024-01-09', '10:45:00'));
    const err = await refusal(buy('cs-auction'));
    expect(String(err)).toMatch(/opening single-price auction \(10:30–11:00 KST\)/);
    expect(String(err)).toMatch(/send it again when the continuous session runs \(11:00–15:20 KST\)/);
    expect(emu.counters().requests).toBe(before);

    emu.setClock(seoul('2024-01-09', '11:05:00'));
    const o = await broker.submitOrder(buy('cs-after'));
    expect(o.brokerOrderId).toMatch(/^20240109-/);
    expect(emu.orders()).toHaveLength(1);
  });

  it('a day the override does not touch keeps the rule hours (09:00 continuous start)', async () => {
    table.push(close('2024-01-10'));
    emu.setClock(seoul('2024-01-08', '09:01:00'));
    await expect(broker.submitOrder(buy('cs-other-day'))).resolves.toMatchObject({ symbol: '069500' });
  });
});

describe('KIS session check: judged at the time after the hours are read', () => {
  /** An adapter whose hours source takes `ms` of the emulator's clock to answer (a slow database or cache renewal). */
  function slowHours(ms: number, asked: string[]): KisBroker {
    return createKisBroker({
      server: 'real',
      baseUrl: emu.url,
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      account: ACCOUNT,
      maxRps: 1000,
      redis: newRedis(),
      keyPrefix: prefix,
      now: () => emu.now(),
      sleep: (t) => new Promise((r) => setTimeout(r, Math.min(t, 20))),
      hours: async (kstDate) => {
        asked.push(kstDate);
        emu.advanceClock(ms);
        return weekdayHours(kstDate);
      },
    });
  }

  it('a read that ends inside the closing auction (15:19:59 + 2 s) refuses the IOC, nothing sent', async () => {
    const asked: string[] = [];
    const slow = slowHours(2_000, asked);
    emu.setClock(seoul('2024-01-08', '15:19:59'));
    const before = emu.counters().requests;
    const err = await slow.submitOrder(buy('cs-slow-auction')).catch((e: unknown) => e);
    expect(isBrokerError(err, 'rejected'), String(err)).toBe(true);
    expect(String(err)).toMatch(/closing single-price auction \(15:20–15:30 KST\)/);
    expect(emu.counters().requests).toBe(before);
    expect(emu.orders()).toHaveLength(0);
  });

  it('a read that crosses KST midnight judges on the new date, read again', async () => {
    const asked: string[] = [];
    const slow = slowHours(2_000, asked);
    emu.setClock(seoul('2024-01-07', '23:59:59'));
    const err = await slow.submitOrder(buy('cs-slow-midnight')).catch((e: unknown) => e);
    expect(asked).toEqual(['2024-01-07', '2024-01-08']);
    expect(String(err)).toMatch(/KRX is outside its session \(09:00–15:30 KST on 2024-01-08\)/);
    expect(emu.orders()).toHaveLength(0);
  });
});

describe('krxSessionHoursWithOverrides', () => {
  const port = (rows: CalendarOverride[]): CalendarOverridesPort => ({ forExchange: async (e: ExchangeId) => rows.filter((o) => o.exchange === e) });

  it('closed → null, a late open → its minutes, NYSE overrides ignored, the rules otherwise', async () => {
    const hours = krxSessionHoursWithOverrides(port([close('2024-01-08'), lateOpen('2024-01-09', '10:30'), { ...close('2024-01-10'), exchange: 'XNYS' }]));
    expect(await hours('2024-01-08')).toBeNull();
    expect(await hours('2024-01-09')).toEqual({ openMin: 630, closeMin: 930 });
    expect(await hours('2024-01-10')).toEqual({ openMin: 540, closeMin: 930 });
    expect(await hours('2024-01-13')).toBeNull(); // a Saturday
  });

  it('unreadable overrides: the rule hours, and the caller is told', async () => {
    const told: unknown[] = [];
    const hours = krxSessionHoursWithOverrides({ forExchange: async () => Promise.reject(new Error('db down')) }, (err) => told.push(err));
    expect(await hours('2024-01-08')).toEqual({ openMin: 540, closeMin: 930 });
    expect(told).toHaveLength(1);
  });
});

describe('the app wiring (createKrTradingDeps) reads the KRX overrides for the adapter', () => {
  it("a close of today's Seoul date refuses a KIS IOC locally, nothing sent", async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const today = XKRX_CALENDAR.dateOf(Date.now());
      const asked: ExchangeId[] = [];
      const calendarOverrides: CalendarOverridesPort = {
        forExchange: async (e) => {
          asked.push(e);
          return e === 'XKRX' ? [close(today)] : [];
        },
      };
      const config = loadConfig({ REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', BROKER_KR: 'kis-virtual', KIS_APP_KEY: APP_KEY, KIS_APP_SECRET: APP_SECRET, KIS_ACCOUNT: ACCOUNT, KIS_API_URL: emu.url, KIS_MAX_RPS: '100' });
      const deps = createKrTradingDeps(config, {} as DataSource, pino({ level: 'silent' }), { redis, prefix }, { calendarOverrides })!;
      const err = await deps.broker.submitOrder(buy('cs-wired')).catch((e: unknown) => e);
      expect(asked).toContain('XKRX');
      expect(String(err)).toMatch(new RegExp(`KRX is closed on ${today} \\(KST\\)`));
      expect(emu.counters().ordersReceived).toBe(0);
    } finally {
      await redis.quit();
    }
  });
});
