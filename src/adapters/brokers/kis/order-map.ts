import type { Redis } from 'ioredis';
import type { OrderSide } from '../port.js';
import { COMPARE_AND_DELETE, type KisKeys } from './keys.js';

/** An order the bot placed, as remembered in Redis under its client order id. */
export interface MappedOrder {
  /** `YYYYMMDD-ODNO`. */
  brokerOrderId: string;
  /** KRX_FWDG_ORD_ORGNO: needed to cancel it. */
  orgNo: string;
  symbol: string;
  side: OrderSide;
  qty: number;
  /** The limit price sent (on the tick). */
  price: number;
}

/** An order POST that was attempted: until mapped, its outcome may be unknown. */
export interface Attempt {
  symbol: string;
  side: OrderSide;
  qty: number;
  price: number;
  /** Ms since the epoch. */
  at: number;
}

/** KIS lists orders for three months; the map is kept a little longer. */
const KEEP_MS = 100 * 86_400_000;

/**
 * Records both directions at once, unless the broker order is already mapped
 * to ANOTHER client id (then returns that id and changes nothing).
 * KEYS: byClientId, byOrderId, bySymbol. ARGV: cid, json, oid, ttlMs.
 */
const RECORD = `
local other = redis.call('GET', KEYS[2])
if other and other ~= ARGV[1] then return other end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[4])
redis.call('SADD', KEYS[3], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return ARGV[1]`;

/**
 * KIS has no client order id, so the adapter keeps the map client order id
 * ↔ broker order id in Redis (per account), for every process; plus the
 * markers of attempted POSTs and the in-flight locks.
 */
export class KisOrderMap {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KisKeys,
  ) {}

  async byClientId(cid: string): Promise<MappedOrder | null> {
    const v = await this.redis.get(this.keys.byClientId(cid));
    return v ? (JSON.parse(v) as MappedOrder) : null;
  }

  async clientIdOf(brokerOrderId: string): Promise<string | null> {
    return this.redis.get(this.keys.byOrderId(brokerOrderId));
  }

  /** The client ids of many broker order ids (null where none). */
  async clientIdsOf(brokerOrderIds: string[]): Promise<(string | null)[]> {
    if (brokerOrderIds.length === 0) return [];
    return this.redis.mget(...brokerOrderIds.map((id) => this.keys.byOrderId(id)));
  }

  /** Maps `cid` ↔ the order; returns the client id that holds the order afterwards (another one: not recorded). */
  async record(cid: string, m: MappedOrder): Promise<string> {
    const r = await this.redis.eval(RECORD, 3, this.keys.byClientId(cid), this.keys.byOrderId(m.brokerOrderId), this.keys.bySymbol(m.symbol), cid, JSON.stringify(m), m.brokerOrderId, String(KEEP_MS));
    return String(r);
  }

  /** Broker order ids the bot placed in `symbol`. */
  async botOrderIds(symbol: string): Promise<string[]> {
    return this.redis.smembers(this.keys.bySymbol(symbol));
  }

  async attempt(cid: string): Promise<Attempt | null> {
    const v = await this.redis.get(this.keys.attempt(cid));
    return v ? (JSON.parse(v) as Attempt) : null;
  }

  async markAttempt(cid: string, a: Attempt): Promise<void> {
    await this.redis.set(this.keys.attempt(cid), JSON.stringify(a), 'PX', KEEP_MS);
  }

  /** The POST was definitely refused: the order may be sent again. */
  async clearAttempt(cid: string): Promise<void> {
    await this.redis.del(this.keys.attempt(cid));
  }

  /** Takes the (symbol, side) lock for `cid`; returns null when taken, else the client id holding it. */
  async lockInFlight(symbol: string, side: OrderSide, cid: string, ttlMs: number): Promise<string | null> {
    const key = this.keys.inFlight(symbol, side);
    if ((await this.redis.set(key, cid, 'PX', ttlMs, 'NX')) === 'OK') return null;
    const holder = await this.redis.get(key);
    if (holder === cid) {
      await this.redis.pexpire(key, ttlMs);
      return null;
    }
    return holder ?? '';
  }

  /** Keeps the lock for `ttlMs` more (an unknown outcome holds it until resolved or expired). */
  async holdInFlight(symbol: string, side: OrderSide, ttlMs: number): Promise<void> {
    await this.redis.pexpire(this.keys.inFlight(symbol, side), ttlMs);
  }

  async releaseInFlight(symbol: string, side: OrderSide, cid: string): Promise<void> {
    await this.redis.eval(COMPARE_AND_DELETE, 1, this.keys.inFlight(symbol, side), cid);
  }
}
