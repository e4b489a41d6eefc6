import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBrokerError } from '../../../../src/adapters/brokers/errors.js';
import { createKisBroker, iocRefusal, krxCalendarHours, type KisBroker } from '../../../../src/adapters/brokers/kis/index.js';
import type { OrderRequest } from '../../../../src/adapters/brokers/port.js';
import { seoul, type KisEmulator } from '../../../../src/dev/kis/server.js';
import { cleanRedis, uniquePrefix } from '../../../helpers/env.js';
import { ACCOUNT, APP_KEY, APP_SECRET, closeRedis, newRedis, startEmulator } from './kis-test-broker.js';

/**
 * The KIS broker's defaults come from the engine's KRX rules: the calendar
 * (holidays, the 10:00 open of the year's first session, CSAT hours) moves
 * the single-price auctions, and limits go on the KRX ETF tick of the day.
 * The emulator itself knows neither late opens nor holidays, so a refusal
 * here can only be the adapter's own, before anything is sent.
 */

let emu: KisEmulator;
let prefix: string;
let broker: KisBroker;

beforeEach(async () => {
  emu = await startEmulator({ quotes: { '069500': { price: 10_005, bid: 10_000, ask: 10_005 } } });
  prefix = uniquePrefix();
  // No tick and no hours: the defaults under test.
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
  });
});
afterEach(async () => {
  await emu.close();
  await closeRedis();
  await cleanRedis(prefix);
});

const buy = (cid: string, limitPrice = 10_005): OrderRequest => ({ clientOrderId: cid, symbol: '069500', side: 'buy', qty: 1, type: 'limit', limitPrice, timeInForce: 'ioc' });

/** Gets the token first, so that any request counted afterwards would be the order's. */
async function tokenInHand(): Promise<number> {
  await broker.account();
  return emu.counters().requests;
}

describe('KIS broker defaults from the KRX calendar and ticks', () => {
  it('2026-01-02, the first session of 2026, opens at 10:00: an IOC at 09:30 (the opening auction) is refused locally', async () => {
    emu.setClock(seoul('2026-01-02', '09:30:00'));
    const before = await tokenInHand();
    const err = await broker.submitOrder(buy('cs-late-1')).catch((e: unknown) => e);
    expect(isBrokerError(err, 'rejected'), String(err)).toBe(true);
    expect(String(err)).toMatch(/opening single-price auction \(09:30–10:00 KST\)/);
    expect(emu.counters().requests).toBe(before);
    expect(emu.orders()).toHaveLength(0);
  });

  it('an IOC on a KRX holiday (Seollal, 2026-02-17, a Tuesday) is refused locally', async () => {
    emu.setClock(seoul('2026-02-17', '10:30:00'));
    const before = await tokenInHand();
    const err = await broker.submitOrder(buy('cs-hol-1')).catch((e: unknown) => e);
    expect(isBrokerError(err, 'rejected'), String(err)).toBe(true);
    expect(String(err)).toMatch(/closed on 2026-02-17/);
    expect(emu.counters().requests).toBe(before);
  });

  it('an IOC at 10:05 on 2026-01-02 is sent, on the ETF tick (5 won at 10,000: 10,007 buys at 10,005)', async () => {
    emu.setClock(seoul('2026-01-02', '10:05:00'));
    const o = await broker.submitOrder(buy('cs-late-2', 10_007));
    expect(o.brokerOrderId).toMatch(/^20260102-/);
    // A stock's tick at 10,007 is 10 won (10,000); the ETF tick keeps 10,005.
    expect(emu.orders()[0]).toMatchObject({ pdno: '069500', price: 10_005, ordDvsn: '11' });
  });

  it('the calendar moves the closing auction with a CSAT late close (2025-11-13: 10:00–16:30)', () => {
    const at = (t: string) => iocRefusal(seoul('2025-11-13', t), krxCalendarHours);
    expect(at('09:45:00')).toMatch(/opening single-price auction \(09:30–10:00/);
    expect(at('16:10:00')).toBeNull();
    expect(at('16:25:00')).toMatch(/closing single-price auction \(16:20–16:30/);
    expect(at('16:30:00')).toMatch(/outside its session/);
  });

  it('the KIS request rate lives under kis-rate, not alpaca, in Redis', async () => {
    await broker.account();
    const keys = await newRedis().keys(`${prefix}:*`);
    expect(keys.some((k) => k.startsWith(`${prefix}:kis-rate:`))).toBe(true);
    expect(keys.filter((k) => k.includes('alpaca'))).toEqual([]);
  });
});
