import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { OrderSide } from '../port.js';
import { COMPARE_AND_DELETE, type KisKeys } from './keys.js';
import { normalBrokerOrderId } from './orders.js';

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
  /** Ms since the epoch: just before the first POST. */
  at: number;
  /**
   * The latest instant (ms) the sender could have had KIS take the order:
   * look-ups never claim an order placed after it. Absent in markers written
   * before it existed (the reader's own bound applies then).
   */
  until?: number;
}

/** What {@link KisOrderMap.claim} found: this caller may POST, or the id is already taken. */
export type Claim = 'claimed' | 'mapped' | 'attempted';

/** An in-flight lock's value: a random owner, then the client order id (`<uuid>:<cid>`). */
export function lockOwner(cid: string): string {
  return `${randomUUID()}:${cid}`;
}

/** The client order id in a lock value. */
function cidOfOwner(owner: string): string {
  const i = owner.indexOf(':');
  return i < 0 ? owner : owner.slice(i + 1);
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
 * Claims a client order id for one POST, atomically: mapped already →
 * 'mapped'; an attempt marker already there → 'attempted'; else writes the
 * marker → 'claimed'. KEYS: byClientId, attempt. ARGV: json, ttlMs.
 */
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'mapped' end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return 'claimed' end
return 'attempted'`;

/** Extends the lock only while `owner` holds it: 1, else 0. KEYS: lock. ARGV: owner, ttlMs. */
const EXTEND_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** Deletes the lock while it belongs to client id ARGV[1] (any owner). KEYS: lock. */
const DELETE_IF_CID = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local i = string.find(v, ':', 1, true)
if i and string.sub(v, i + 1) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

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
    return this.redis.get(this.keys.byOrderId(normalBrokerOrderId(brokerOrderId)));
  }

  /** The client ids of many broker order ids (null where none). */
  async clientIdsOf(brokerOrderIds: string[]): Promise<(string | null)[]> {
    if (brokerOrderIds.length === 0) return [];
    return this.redis.mget(...brokerOrderIds.map((id) => this.keys.byOrderId(normalBrokerOrderId(id))));
  }

  /** Maps `cid` ↔ the order; returns the client id that holds the order afterwards (another one: not recorded). */
  async record(cid: string, mapped: MappedOrder): Promise<string> {
    const m = { ...mapped, brokerOrderId: normalBrokerOrderId(mapped.brokerOrderId) };
    const r = await this.redis.eval(RECORD, 3, this.keys.byClientId(cid), this.keys.byOrderId(m.brokerOrderId), this.keys.bySymbol(m.symbol), cid, JSON.stringify(m), m.brokerOrderId, String(KEEP_MS));
    return String(r);
  }

  /** Broker order ids the bot placed in `symbol`. */
  async botOrderIds(symbol: string): Promise<string[]> {
    return (await this.redis.smembers(this.keys.bySymbol(symbol))).map(normalBrokerOrderId);
  }

  async attempt(cid: string): Promise<Attempt | null> {
    const v = await this.redis.get(this.keys.attempt(cid));
    return v ? (JSON.parse(v) as Attempt) : null;
  }

  /**
   * Claims `cid` for one POST (see {@link Claim}). Only 'claimed' lets the
   * caller send: two processes submitting the same id cannot both get it.
   */
  async claim(cid: string, a: Attempt): Promise<Claim> {
    const r = await this.redis.eval(CLAIM, 2, this.keys.byClientId(cid), this.keys.attempt(cid), JSON.stringify(a), String(KEEP_MS));
    return r === 'claimed' || r === 'mapped' ? r : 'attempted';
  }

  /** The POST was definitely refused (nothing placed): the order may be sent again. */
  async clearAttempt(cid: string): Promise<void> {
    await this.redis.del(this.keys.attempt(cid));
  }

  /**
   * Takes the (symbol, side) lock for `owner` ({@link lockOwner}); returns
   * null when taken, else the client id holding it. Never re-entrant: the
   * same client id from another submit is another owner and waits.
   */
  async lockInFlight(symbol: string, side: OrderSide, owner: string, ttlMs: number): Promise<string | null> {
    const key = this.keys.inFlight(symbol, side);
    if ((await this.redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK') return null;
    const holder = await this.redis.get(key);
    return holder === null ? '' : cidOfOwner(holder);
  }

  /** Keeps the lock `ttlMs` more if `owner` still holds it; false when it was lost (expired or taken). */
  async extendInFlight(symbol: string, side: OrderSide, owner: string, ttlMs: number): Promise<boolean> {
    return Number(await this.redis.eval(EXTEND_IF_OWNER, 1, this.keys.inFlight(symbol, side), owner, String(ttlMs))) === 1;
  }

  /** Releases the lock if `owner` holds it. */
  async releaseInFlight(symbol: string, side: OrderSide, owner: string): Promise<void> {
    await this.redis.eval(COMPARE_AND_DELETE, 1, this.keys.inFlight(symbol, side), owner);
  }

  /**
   * Releases the lock held for client id `cid` by whichever submit took it:
   * once that id's order is found and mapped, nothing is in flight for it.
   */
  async releaseInFlightOf(symbol: string, side: OrderSide, cid: string): Promise<void> {
    await this.redis.eval(DELETE_IF_CID, 1, this.keys.inFlight(symbol, side), cid);
  }
}
