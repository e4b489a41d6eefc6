import { createHash } from 'node:crypto';

/**
 * Redis keys of one KIS account on one server. Everything the adapter
 * shares between processes (token, order map, in-flight locks) sits under
 * `<prefix>:kis:{<tag>}:…`; the tag is a hash of server, app key and account,
 * so key names reveal neither (anyone with Redis access can list them).
 */
export function kisTag(server: string, appKey: string, account: string): string {
  return createHash('sha256').update(`kis:${server}:${appKey.trim()}:${account.trim()}`).digest('hex').slice(0, 16);
}

/** The key names under one tag. */
export function kisKeys(prefix: string, tag: string) {
  const base = `${prefix}:kis:{${tag}}`;
  return {
    /** Hash: `token`, `expiresAt` (ms). */
    token: `${base}:token`,
    /** Held by the one process asking KIS for a token. */
    tokenLock: `${base}:token-lock`,
    /** When tokenP was last called (ms): never again within a minute (EGW00133). */
    tokenLastCall: `${base}:token-last-call`,
    /** Hash: the last good and the last failed call (time, endpoint kind, failure kind) for /status (call-health.ts). */
    calls: `${base}:calls`,
    /** JSON of an order we placed, by client order id. */
    byClientId: (cid: string) => `${base}:cid:${cid}`,
    /** The client order id of a broker order id (`YYYYMMDD-ODNO`). */
    byOrderId: (oid: string) => `${base}:oid:${oid}`,
    /** Set of the broker order ids the bot placed in a symbol (for closing only what it holds). */
    bySymbol: (symbol: string) => `${base}:sym:${symbol}`,
    /** An order POST was attempted under this client id (its outcome may be unknown). */
    attempt: (cid: string) => `${base}:attempt:${cid}`,
    /** One order in flight per (account, symbol, side). */
    inFlight: (symbol: string, side: string) => `${base}:inflight:${symbol}:${side}`,
  };
}
export type KisKeys = ReturnType<typeof kisKeys>;

/** Deletes `key` only while it still holds `value` (a lock released by its owner only). */
export const COMPARE_AND_DELETE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
