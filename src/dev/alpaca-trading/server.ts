import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readRequestText, requestHeader } from '../../lib/http-request.js';
import { PendingTimers } from '../../lib/pending-timers.js';
import type { AlpacaTradingFault, PlantedOrder, PlantedOrderType } from './faults.js';
import { formatNyIso, nyLocalParts, nyTimeToInstant } from '../../engine/calendar/timezone.js';

export interface AlpacaTradingQuote {
  bid: number;
  ask: number;
  /** Shares available at the bid; unlimited when omitted. */
  bidSize?: number;
  /** Shares available at the ask; unlimited when omitted. */
  askSize?: number;
}

export interface AlpacaTradingEmulatorOptions {
  keyId: string;
  secretKey: string;
  quotes?: Record<string, AlpacaTradingQuote>;
  /** Starting cash (a cash account: buying power = cash minus open buy orders). Default 100 000. */
  cash?: number;
  /**
   * Delay between accepting an order (the POST answers `pending_new`) and
   * executing it against the quote. Default 0: executed right after the answer.
   */
  fillDelayMs?: number;
  /**
   * Cancels are asynchronous at Alpaca: a cancelled order first shows
   * `pending_cancel` (still listed as open) and only later `canceled`: this
   * long later here (default 0: canceled at once). Closing all positions
   * with `cancel_orders=true` still cancels at once.
   */
  cancelDelayMs?: number;
  /**
   * Whether the regular session is open (default true). While closed, new
   * orders are queued as `accepted` and matched only when
   * {@link AlpacaTradingEmulator.setMarketOpen} opens it, as Alpaca queues
   * orders submitted outside eligible trading hours.
   */
  marketOpen?: boolean;
  /** Requests allowed per API key id in each rate window (Alpaca: 200 a minute). Default 200. */
  rateLimitPerMinute?: number;
  /** Length of the rate window in ms. Default 60 000; only tests should shorten it. */
  rateWindowMs?: number;
  /**
   * How far the emulated broker's clock is ahead of this machine's (negative:
   * behind), in ms: shifts `GET /v2/clock`'s `timestamp` (and its next open
   * and close) and every answer's `Date` header. Default 0. A planted skew
   * for the preflight's clock-skew check (see README.md).
   */
  clockSkewMs?: number;
  port?: number;
}

/** Alpaca account flags that stop new orders (see `setAccountFlags`). */
export interface AlpacaTradingAccountFlags {
  /** Set by Alpaca: the account may not place orders. */
  trading_blocked?: boolean;
  /** Set by Alpaca: all account activity is prohibited. */
  account_blocked?: boolean;
  /** Set by the account holder: orders suspended at the user's request. */
  trade_suspended_by_user?: boolean;
}

/** A request as the emulator saw it; credentials are never recorded. */
export interface AlpacaTradingRecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Whether both key headers were present. */
  authHeaders: boolean;
  /** Null when no answer was sent (accept_then_timeout, accept_then_drop). */
  status: number | null;
  /** For order POSTs. */
  clientOrderId?: string;
  fault?: string;
  /** True when the emulator's own rate limiter refused the request (429), as opposed to an injected `rate_limit` fault. */
  rateLimited?: boolean;
}

export interface AlpacaTradingEmulator {
  readonly url: string;
  readonly requests: AlpacaTradingRecordedRequest[];
  /** Every order ever accepted, in Alpaca's wire format, oldest first (copies). */
  orders(): Record<string, unknown>[];
  setQuote(symbol: string, quote: AlpacaTradingQuote): void;
  setCash(cash: number): void;
  /** Puts a long position in place (qty 0 removes it). */
  setPosition(symbol: string, qty: number, avgEntryPrice: number): void;
  /** Puts an order in the book as if placed elsewhere (the Alpaca dashboard, another installation); returns its wire form. */
  plantOrder(order: PlantedOrder & { clientOrderId: string }): Record<string, unknown>;
  injectFaults(...faults: AlpacaTradingFault[]): void;
  /** Faults not yet used. */
  pendingFaults(): AlpacaTradingFault[];
  /**
   * Opens or closes the regular session (`GET /v2/clock` `is_open`). Opening
   * turns every `accepted` (queued) order `new` at once and matches it against
   * the quote `fillDelayMs` later, as a freshly placed order would be.
   */
  setMarketOpen(open: boolean): void;
  /** Changes the requests allowed per key per rate window; windows already running keep their counts. */
  setRateLimit(perMinute: number): void;
  /** Times in force this account may not use: an order POST with one answers 422 42210000. Empty: none refused. */
  refuseTimeInForce(tifs: readonly string[]): void;
  /** Sets the given account flags (others unchanged); while any is true an order POST answers 403 40310000. */
  setAccountFlags(flags: AlpacaTradingAccountFlags): void;
  /** Moves the broker's clock `ms` ahead of this machine's (negative: behind; 0 puts it back): see `clockSkewMs`. */
  setClockSkew(ms: number): void;
  close(): Promise<void>;
}

type Side = 'buy' | 'sell';
type EmuStatus = 'accepted' | 'pending_new' | 'new' | 'held' | 'partially_filled' | 'pending_cancel' | 'filled' | 'canceled' | 'expired' | 'rejected';

interface EmuOrder {
  id: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: PlantedOrderType;
  tif: string;
  /** Null for a notional order (only planted ones). */
  qty: number | null;
  /** Dollars, for a notional order; else null. */
  notional: number | null;
  limit: number | null;
  stop: number | null;
  /** Alpaca's `order_class`: '' (simple, as Alpaca sends it), `bracket`, `oco`, `oto`. */
  orderClass: string;
  /** The legs of a bracket/oto/oco parent (also orders in the book). */
  legs: EmuOrder[];
  /** A leg's parent. */
  parentId: string | null;
  filledQty: number;
  avgPrice: number | null;
  status: EmuStatus;
  createdAt: string;
  updatedAt: string;
  filledAt: string | null;
  canceledAt: string | null;
}

interface Position {
  qty: number;
  avgEntryPrice: number;
}

const OPEN: ReadonlySet<EmuStatus> = new Set(['accepted', 'pending_new', 'new', 'held', 'partially_filled', 'pending_cancel']);
const CODE_UNPROCESSABLE = 40010001;
const CODE_UNAUTHORIZED = 40110000;
const CODE_FORBIDDEN = 40310000;
const CODE_NOT_FOUND = 40410000;
const CODE_UNPROCESSABLE_ORDER = 42210000;
const CODE_RATE_LIMITED = 42910000;
const ORDER_BY_ID = /^\/v2\/orders\/([^/]+)$/;

class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/**
 * A local stand-in for the Alpaca Trading API v2 endpoints Courtside uses:
 * orders (submit, list, by id, by client order id, cancel one/all), positions
 * (list, close all) and the account, in the real wire format (decimal
 * strings, 207 multi-status bodies, `{"code","message"}` errors).
 *
 * Orders execute against quotes set per symbol: a limit buy at or above the
 * ask fills at the ask up to the ask size (sells mirror at the bid); IOC
 * remainders are canceled, day/gtc remainders rest (`new` or
 * `partially_filled`) and are not re-matched later. Market orders (only
 * created by closing positions) fill in full. Where Alpaca's exact wording is
 * undocumented the emulator picks plausible messages; clients must not depend
 * on the text except the documented "client_order_id must be unique".
 */
export async function startAlpacaTradingEmulator(opts: AlpacaTradingEmulatorOptions): Promise<AlpacaTradingEmulator> {
  const quotes = new Map<string, AlpacaTradingQuote>(Object.entries(opts.quotes ?? {}).map(([k, v]) => [k.toUpperCase(), v]));
  const orders: EmuOrder[] = [];
  const byId = new Map<string, EmuOrder>();
  const byClientId = new Map<string, EmuOrder>();
  const positions = new Map<string, Position>();
  let cash = opts.cash ?? 100_000;
  const faults: AlpacaTradingFault[] = [];
  const requests: AlpacaTradingRecordedRequest[] = [];
  const timers = new PendingTimers();
  const fillDelayMs = opts.fillDelayMs ?? 0;
  const cancelDelayMs = opts.cancelDelayMs ?? 0;
  let marketOpen = opts.marketOpen ?? true;
  let rateLimit = opts.rateLimitPerMinute ?? 200;
  const rateWindowMs = opts.rateWindowMs ?? 60_000;
  /** Fixed windows per API key id: each starts at the key's first request after the previous one ended. */
  const rateWindows = new Map<string, { endsAt: number; count: number }>();
  const refusedTifs = new Set<string>();
  const accountFlags: Required<AlpacaTradingAccountFlags> = { trading_blocked: false, account_blocked: false, trade_suspended_by_user: false };
  let clockSkewMs = opts.clockSkewMs ?? 0;
  /** The broker's time: this machine's shifted by the planted skew. */
  const brokerNow = () => new Date(Date.now() + clockSkewMs);


  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) send(res, new Reply(500, { code: 50010000, message: 'internal server error' }));
    });
  });

  function takeFault(method: string, path: string): AlpacaTradingFault | undefined {
    const i = faults.findIndex(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || f.path === path) &&
        // Only a cancel-all can fail to cancel.
        (f.kind !== 'cancel_fails' || (method === 'DELETE' && path === '/v2/orders')),
    );
    return i < 0 ? undefined : faults.splice(i, 1)[0];
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const path = u.pathname;
    const query = Object.fromEntries(u.searchParams);
    const keyId = requestHeader(req, 'apca-api-key-id');
    const secret = requestHeader(req, 'apca-api-secret-key');
    const raw = await readRequestText(req);
    const rec: AlpacaTradingRecordedRequest = { method, path, query, authHeaders: keyId !== undefined && secret !== undefined, status: null };
    requests.push(rec);

    // Counted before anything else: Alpaca limits (and reports on) every request, refused ones included.
    const limit = countRequest(keyId ?? '');
    const answer = (r: Reply) => {
      rec.status = r.status;
      send(res, new Reply(r.status, r.body, { ...limit.headers, date: brokerNow().toUTCString(), ...r.headers }));
    };
    if (limit.refused) {
      rec.rateLimited = true;
      return answer(new Reply(429, { code: CODE_RATE_LIMITED, message: 'rate limit exceeded' }, { 'retry-after': String(limit.retryAfterSeconds) }));
    }

    const fault = takeFault(method, path);
    if (fault) rec.fault = fault.kind;

    if (fault?.kind === 'delay') await new Promise<void>((r) => timers.later(fault.ms, r));
    if (fault?.kind === 'reject') {
      return answer(new Reply(fault.status ?? 422, { code: fault.code ?? CODE_UNPROCESSABLE, message: fault.message ?? 'insufficient buying power' }));
    }
    if (fault?.kind === 'rate_limit') {
      const headers: Record<string, string> = { 'x-ratelimit-limit': String(rateLimit), 'x-ratelimit-remaining': '0' };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      return answer(new Reply(429, { code: CODE_RATE_LIMITED, message: 'rate limit exceeded' }, headers));
    }
    if (fault?.kind === 'server_error' && !fault.processed) {
      return answer(new Reply(fault.status ?? 500, { code: 50010000, message: 'internal server error' }));
    }
    if (fault?.kind === 'id_taken') {
      const cid = fault.order.clientOrderId ?? clientIdOf(raw);
      if (cid !== undefined && !byClientId.has(cid)) plant({ ...fault.order, clientOrderId: cid });
    }

    let reply: Reply;
    if (keyId === undefined || secret === undefined) reply = new Reply(401, { code: CODE_UNAUTHORIZED, message: 'request is not authorized' });
    else if (keyId !== opts.keyId || secret !== opts.secretKey) reply = new Reply(403, { code: CODE_UNAUTHORIZED, message: 'forbidden' });
    else reply = route(method, path, query, raw, rec, fault?.kind === 'cancel_fails' ? (fault.count ?? 1) : 0);

    switch (fault?.kind) {
      case 'server_error':
        return answer(new Reply(fault.status ?? 500, { code: 50010000, message: 'internal server error' }));
      case 'garbage':
        rec.status = 200;
        res.writeHead(200, { 'content-type': 'application/json', ...limit.headers, date: brokerNow().toUTCString() });
        res.end('{"id":"4f1c0e2a-8b7d-4c55-9a0e-5d3f1b2c7a90","status":"fil');
        return;
      case 'bad_shape':
        return answer(new Reply(reply.status, spoil(reply.body), reply.headers));
      case 'accept_then_timeout':
        if (fault.respondAfterMs !== undefined) timers.later(fault.respondAfterMs, () => !res.destroyed && answer(reply));
        // Otherwise: never answer; close() destroys the connection.
        return;
      case 'accept_then_drop':
        req.socket.destroy();
        return;
      default:
        return answer(reply);
    }
  }

  function route(method: string, path: string, query: Record<string, string>, raw: string, rec: AlpacaTradingRecordedRequest, cancelFailures: number): Reply {
    if (path === '/v2/orders' && method === 'POST') return submit(raw, rec);
    if (path === '/v2/orders' && method === 'GET') return listOrders(query);
    if (path === '/v2/orders' && method === 'DELETE') return cancelAll(cancelFailures);
    if (path === '/v2/orders:by_client_order_id' && method === 'GET') {
      const o = byClientId.get(query['client_order_id'] ?? '');
      return o ? new Reply(200, wire(o)) : new Reply(404, { code: CODE_NOT_FOUND, message: 'order not found' });
    }
    const m = ORDER_BY_ID.exec(path);
    if (m) {
      const o = byId.get(decodeURIComponent(m[1]!));
      if (!o) return new Reply(404, { code: CODE_NOT_FOUND, message: 'order not found' });
      if (method === 'GET') return new Reply(200, wire(o));
      if (method === 'DELETE') {
        if (!OPEN.has(o.status)) return new Reply(422, { code: CODE_UNPROCESSABLE, message: `order is already in "${o.status}" state` });
        cancel(o);
        return new Reply(204, undefined);
      }
    }
    if (path === '/v2/positions' && method === 'GET') return new Reply(200, [...positions.entries()].map(([s, p]) => wirePosition(s, p)));
    if (path === '/v2/positions' && method === 'DELETE') return closeAll(query['cancel_orders'] === 'true');
    if (path === '/v2/account' && method === 'GET') return new Reply(200, wireAccount());
    if (path === '/v2/clock' && method === 'GET') return new Reply(200, wireClock(brokerNow(), marketOpen));
    return new Reply(404, { code: CODE_NOT_FOUND, message: 'endpoint not found' });
  }

  function unprocessable(message: string): Reply {
    return new Reply(422, { code: CODE_UNPROCESSABLE, message });
  }

  function submit(raw: string, rec: AlpacaTradingRecordedRequest): Reply {
    let b: Record<string, unknown>;
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      b = parsed as Record<string, unknown>;
    } catch {
      return new Reply(400, { code: 40010000, message: 'request body format is invalid' });
    }
    const cid = b['client_order_id'] === undefined ? randomUUID() : String(b['client_order_id']);
    rec.clientOrderId = cid;
    if (accountFlags.trading_blocked || accountFlags.account_blocked || accountFlags.trade_suspended_by_user) {
      // Alpaca does not document this message; it is the one clients meet in practice (see README.md).
      return new Reply(403, { code: CODE_FORBIDDEN, message: 'account is not authorized to trade' });
    }
    const symbol = typeof b['symbol'] === 'string' ? b['symbol'].toUpperCase() : '';
    if (symbol === '') return unprocessable('symbol is required');
    const qty = Number(b['qty']);
    if (b['qty'] === undefined || !Number.isFinite(qty) || qty <= 0) return unprocessable('qty must be > 0');
    if (!Number.isInteger(qty)) return unprocessable('fractional orders are not supported by the emulator');
    const side = b['side'];
    if (side !== 'buy' && side !== 'sell') return unprocessable('invalid side');
    const type = b['type'] ?? b['order_type'];
    if (type !== 'limit' && type !== 'market') return unprocessable('invalid order type (the emulator supports limit and market)');
    const tif = b['time_in_force'];
    if (typeof tif === 'string' && refusedTifs.has(tif)) {
      return new Reply(422, { code: CODE_UNPROCESSABLE_ORDER, message: `time_in_force ${tif} is not allowed for this account` });
    }
    if (tif !== 'day' && tif !== 'ioc' && tif !== 'gtc') return unprocessable('invalid time_in_force (the emulator supports day, gtc and ioc)');
    let limit: number | null = null;
    if (type === 'limit') {
      if (b['limit_price'] === undefined || b['limit_price'] === null) return unprocessable('limit_price is required for limit orders');
      limit = Number(b['limit_price']);
      if (!Number.isFinite(limit) || limit <= 0) return unprocessable('invalid limit_price');
      if (!onTick(limit)) {
        return unprocessable(`invalid limit_price ${String(b['limit_price'])}. sub-penny increment does not fulfill minimum pricing criteria`);
      }
    }
    if (cid.length > 128) return unprocessable('client_order_id must be no more than 128 characters');
    if (byClientId.has(cid)) return unprocessable('client_order_id must be unique');
    const quote = quotes.get(symbol);
    if (!quote) return unprocessable(`asset "${symbol}" not found`);

    if (side === 'buy') {
      const cost = qty * (limit ?? quote.ask);
      const bp = buyingPower();
      if (cost > bp + 1e-9) {
        return new Reply(403, { code: CODE_FORBIDDEN, message: 'insufficient buying power', buying_power: money(bp), cost_basis: money(cost) });
      }
    } else {
      const available = (positions.get(symbol)?.qty ?? 0) - reservedToSell(symbol);
      if (qty > available) {
        return new Reply(403, {
          code: CODE_FORBIDDEN,
          message: `insufficient qty available for order (requested: ${qty}, available: ${available})`,
          available: String(available),
          symbol,
        });
      }
    }

    const now = new Date().toISOString();
    const o: EmuOrder = {
      id: randomUUID(),
      clientOrderId: cid,
      symbol,
      side,
      type,
      tif,
      qty,
      notional: null,
      limit,
      stop: null,
      orderClass: '',
      legs: [],
      parentId: null,
      filledQty: 0,
      avgPrice: null,
      // Outside the session Alpaca queues the order unrouted (`accepted`) until the next open.
      status: marketOpen ? 'pending_new' : 'accepted',
      createdAt: now,
      updatedAt: now,
      filledAt: null,
      canceledAt: null,
    };
    orders.push(o);
    byId.set(o.id, o);
    byClientId.set(cid, o);
    const snapshot = wire(o);
    if (marketOpen) timers.later(fillDelayMs, () => execute(o));
    return new Reply(200, snapshot);
  }

  /** Matches a newly placed (or just released, see `release`) order against the current quote once. */
  function execute(o: EmuOrder): void {
    if ((o.status !== 'pending_new' && o.status !== 'new') || o.filledQty > 0 || o.qty === null) return; // canceled before it got here (notional orders are only planted, never executed)
    const q = quotes.get(o.symbol);
    const now = new Date().toISOString();
    o.updatedAt = now;
    if (!q) {
      o.status = o.tif === 'ioc' ? 'canceled' : 'new';
      if (o.status === 'canceled') o.canceledAt = now;
      return;
    }
    const price = o.side === 'buy' ? q.ask : q.bid;
    const marketable = o.type === 'market' || (o.side === 'buy' ? o.limit! >= q.ask : o.limit! <= q.bid);
    if (marketable) {
      const size = o.type === 'market' ? Infinity : ((o.side === 'buy' ? q.askSize : q.bidSize) ?? Infinity);
      const fillQty = Math.min(o.qty - o.filledQty, Math.max(0, Math.floor(size)));
      if (fillQty > 0) applyFill(o, fillQty, price, now);
    }
    if (o.filledQty === o.qty) {
      o.status = 'filled';
      o.filledAt = now;
    } else if (o.tif === 'ioc') {
      o.status = 'canceled';
      o.canceledAt = now;
    } else {
      o.status = o.filledQty > 0 ? 'partially_filled' : 'new';
    }
  }

  function applyFill(o: EmuOrder, qty: number, price: number, _at: string): void {
    const prevQty = o.filledQty;
    o.filledQty += qty;
    o.avgPrice = ((o.avgPrice ?? 0) * prevQty + price * qty) / o.filledQty;
    const p = positions.get(o.symbol) ?? { qty: 0, avgEntryPrice: 0 };
    if (o.side === 'buy') {
      const newQty = p.qty + qty;
      positions.set(o.symbol, { qty: newQty, avgEntryPrice: (p.qty * p.avgEntryPrice + qty * price) / newQty });
      cash -= qty * price;
    } else {
      const left = p.qty - qty;
      if (left <= 0) positions.delete(o.symbol);
      else positions.set(o.symbol, { qty: left, avgEntryPrice: p.avgEntryPrice });
      cash += qty * price;
    }
  }

  /**
   * Counts one request against `key`'s fixed window and returns the
   * X-RateLimit-* headers every answer carries; `refused` once the window's
   * allowance is spent.
   */
  function countRequest(key: string): { refused: boolean; retryAfterSeconds: number; headers: Record<string, string> } {
    const now = Date.now();
    let w = rateWindows.get(key);
    if (!w || now >= w.endsAt) {
      w = { endsAt: now + rateWindowMs, count: 0 };
      rateWindows.set(key, w);
    }
    w.count++;
    const refused = w.count > rateLimit;
    return {
      refused,
      retryAfterSeconds: Math.max(1, Math.ceil((w.endsAt - now) / 1000)),
      headers: {
        'x-ratelimit-limit': String(rateLimit),
        'x-ratelimit-remaining': String(Math.max(0, rateLimit - w.count)),
        'x-ratelimit-reset': String(Math.ceil(w.endsAt / 1000)),
      },
    };
  }

  /** The session opens: queued orders become `new` now and are matched as new orders are. */
  function release(): void {
    const now = new Date().toISOString();
    for (const o of orders) {
      if (o.status !== 'accepted') continue;
      o.status = 'new';
      o.updatedAt = now;
      timers.later(fillDelayMs, () => execute(o));
    }
  }

  function cancel(o: EmuOrder): void {
    if (cancelDelayMs > 0) {
      if (o.status === 'pending_cancel') return;
      o.status = 'pending_cancel';
      o.updatedAt = new Date().toISOString();
      timers.later(cancelDelayMs, () => {
        if (o.status === 'pending_cancel') cancelNow(o);
      });
      return;
    }
    cancelNow(o);
  }

  function cancelNow(o: EmuOrder): void {
    const now = new Date().toISOString();
    o.status = 'canceled';
    o.canceledAt = now;
    o.updatedAt = now;
  }

  function buyingPower(): number {
    let reserved = 0;
    for (const o of orders) {
      if (o.side !== 'buy' || !OPEN.has(o.status) || o.parentId !== null) continue;
      if (o.qty === null) reserved += Math.max(0, (o.notional ?? 0) - o.filledQty * (o.avgPrice ?? 0));
      else reserved += (o.qty - o.filledQty) * (o.limit ?? quotes.get(o.symbol)?.ask ?? 0);
    }
    return cash - reserved;
  }

  function reservedToSell(symbol: string): number {
    let n = 0;
    // A notional sell reserves no known share count; legs are covered by their parent.
    for (const o of orders) if (o.side === 'sell' && o.symbol === symbol && OPEN.has(o.status) && o.qty !== null && o.parentId === null) n += o.qty - o.filledQty;
    return n;
  }

  function listOrders(query: Record<string, string>): Reply {
    const status = query['status'] ?? 'open';
    if (!['open', 'closed', 'all'].includes(status)) return unprocessable(`invalid status: ${status}`);
    const limit = query['limit'] === undefined ? 50 : Number(query['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return unprocessable('invalid limit: must be between 1 and 500');
    // nested=true rolls legs up under their parent's `legs`; otherwise (Alpaca's default) they are listed like any order.
    const nested = query['nested'] === 'true';
    // `after`/`until`: only orders submitted after / until that time (Alpaca: "exclusive" / inclusive).
    const after = query['after'] === undefined ? null : Date.parse(query['after']);
    const until = query['until'] === undefined ? null : Date.parse(query['until']);
    if ((after !== null && Number.isNaN(after)) || (until !== null && Number.isNaN(until))) return unprocessable('invalid after/until: must be a timestamp');
    let list = orders.filter(
      (o) =>
        (status === 'all' || (status === 'open') === OPEN.has(o.status)) &&
        !(nested && o.parentId !== null) &&
        (after === null || Date.parse(o.createdAt) > after) &&
        (until === null || Date.parse(o.createdAt) <= until),
    );
    if ((query['direction'] ?? 'desc') === 'desc') list = [...list].reverse();
    return new Reply(200, list.slice(0, limit).map((o) => wire(o, nested)));
  }

  function cancelAll(failures: number): Reply {
    let failCount = failures;
    const out: unknown[] = [];
    for (const o of orders.filter((x) => OPEN.has(x.status))) {
      if (failCount > 0) {
        failCount--;
        out.push({ id: o.id, status: 500, body: { code: 50010000, message: 'failed to cancel order' } });
        continue;
      }
      cancel(o);
      out.push({ id: o.id, status: 200, body: wire(o) });
    }
    return new Reply(207, out);
  }

  function closeAll(cancelOrders: boolean): Reply {
    if (cancelOrders) for (const o of orders.filter((x) => OPEN.has(x.status))) cancelNow(o); // closing waits for the cancels
    const out: unknown[] = [];
    for (const [symbol, p] of [...positions.entries()]) {
      if (!quotes.has(symbol)) {
        out.push({ symbol, status: 422, body: { code: CODE_UNPROCESSABLE, message: `no market for ${symbol}` } });
        continue;
      }
      const available = p.qty - reservedToSell(symbol);
      if (available < p.qty) {
        out.push({ symbol, status: 403, body: { code: CODE_FORBIDDEN, message: `insufficient qty available for order (requested: ${p.qty}, available: ${available})` } });
        continue;
      }
      const now = new Date().toISOString();
      const o: EmuOrder = {
        id: randomUUID(),
        clientOrderId: randomUUID(),
        symbol,
        side: 'sell',
        type: 'market',
        tif: 'day',
        qty: p.qty,
        notional: null,
        limit: null,
        stop: null,
        orderClass: '',
        legs: [],
        parentId: null,
        filledQty: 0,
        avgPrice: null,
        status: marketOpen ? 'pending_new' : 'accepted',
        createdAt: now,
        updatedAt: now,
        filledAt: null,
        canceledAt: null,
      };
      orders.push(o);
      byId.set(o.id, o);
      byClientId.set(o.clientOrderId, o);
      out.push({ symbol, status: 200, body: wire(o) });
      if (marketOpen) timers.later(fillDelayMs, () => execute(o));
    }
    return new Reply(207, out);
  }

  function mark(symbol: string, p: Position): number {
    const q = quotes.get(symbol);
    return q ? (q.bid + q.ask) / 2 : p.avgEntryPrice;
  }

  function wirePosition(symbol: string, p: Position): Record<string, unknown> {
    const price = mark(symbol, p);
    const value = p.qty * price;
    const cost = p.qty * p.avgEntryPrice;
    return {
      asset_id: assetId(symbol),
      symbol,
      exchange: 'NASDAQ',
      asset_class: 'us_equity',
      asset_marginable: true,
      qty: String(p.qty),
      qty_available: String(p.qty - reservedToSell(symbol)),
      avg_entry_price: dec(p.avgEntryPrice),
      side: 'long',
      market_value: money(value),
      cost_basis: money(cost),
      unrealized_pl: money(value - cost),
      unrealized_plpc: dec(cost === 0 ? 0 : (value - cost) / cost),
      unrealized_intraday_pl: money(value - cost),
      unrealized_intraday_plpc: dec(cost === 0 ? 0 : (value - cost) / cost),
      current_price: dec(price),
      lastday_price: dec(price),
      change_today: '0',
    };
  }

  function wireAccount(): Record<string, unknown> {
    let longValue = 0;
    for (const [s, p] of positions) longValue += p.qty * mark(s, p);
    const equity = cash + longValue;
    const bp = buyingPower();
    return {
      id: 'a1b2c3d4-0000-4000-8000-00000000e1e1',
      account_number: 'PAEMULATOR',
      status: 'ACTIVE',
      crypto_status: 'INACTIVE',
      currency: 'USD',
      cash: money(cash),
      buying_power: money(bp),
      regt_buying_power: money(bp),
      daytrading_buying_power: '0',
      non_marginable_buying_power: money(bp),
      equity: money(equity),
      last_equity: money(equity),
      portfolio_value: money(equity),
      long_market_value: money(longValue),
      short_market_value: '0',
      initial_margin: '0',
      maintenance_margin: '0',
      multiplier: '1',
      pattern_day_trader: false,
      trading_blocked: accountFlags.trading_blocked,
      transfers_blocked: false,
      account_blocked: accountFlags.account_blocked,
      trade_suspended_by_user: accountFlags.trade_suspended_by_user,
      shorting_enabled: false,
      created_at: '2024-01-02T14:30:00Z',
    };
  }

  /**
   * An order placed outside this client: in the book (and counted, and
   * cancelled by cancel-all) like any other, never matched against quotes.
   * Notional, fractional, market/stop/trailing orders and bracket/oto legs as
   * {@link PlantedOrder} describes.
   */
  function plant(p: PlantedOrder & { clientOrderId: string }): EmuOrder {
    if (byClientId.has(p.clientOrderId)) throw new Error(`client order id ${p.clientOrderId} is already taken at the emulator`);
    if ((p.qty === undefined) === (p.notional === undefined)) throw new Error('a planted order needs exactly one of qty and notional');
    const type = p.type ?? 'limit';
    const hasLimit = type === 'limit' || type === 'stop_limit';
    if (hasLimit && p.limit === undefined) throw new Error(`a planted ${type} order needs a limit`);
    const status = p.status ?? 'filled';
    if (status === 'filled' && p.qty === undefined) throw new Error('a planted notional order cannot be planted filled (its share count is unknown)');
    const limit = hasLimit ? p.limit! : null;
    const stop = type === 'stop' || type === 'stop_limit' ? (p.stop ?? p.limit ?? 1) : null;
    const fillPrice = limit ?? stop ?? p.limit ?? 1;
    const now = new Date().toISOString();
    const orderClass = p.orderClass === undefined || p.orderClass === 'simple' ? '' : p.orderClass;
    const make = (over: Partial<EmuOrder>): EmuOrder => ({
      id: randomUUID(),
      clientOrderId: p.clientOrderId,
      symbol: p.symbol.toUpperCase(),
      side: p.side,
      type,
      tif: p.timeInForce ?? 'day',
      qty: p.qty ?? null,
      notional: p.notional ?? null,
      limit,
      stop,
      orderClass,
      legs: [],
      parentId: null,
      filledQty: status === 'filled' ? p.qty! : 0,
      avgPrice: status === 'filled' ? fillPrice : null,
      status,
      createdAt: now,
      updatedAt: now,
      filledAt: status === 'filled' ? now : null,
      canceledAt: status === 'canceled' ? now : null,
      ...over,
    });
    const o = make({});
    const add = (x: EmuOrder) => {
      orders.push(x);
      byId.set(x.id, x);
      byClientId.set(x.clientOrderId, x);
    };
    add(o);
    if (orderClass === 'bracket' || orderClass === 'oto') {
      // The exit legs: opposite side, same quantity, held until the parent fills.
      const legStatus: EmuStatus = status === 'new' ? 'held' : status === 'filled' ? 'new' : 'canceled';
      const base = { side: (p.side === 'buy' ? 'sell' : 'buy') as Side, parentId: o.id, filledQty: 0, avgPrice: null, filledAt: null, status: legStatus, canceledAt: legStatus === 'canceled' ? now : null };
      const ref = fillPrice;
      const stopLeg = make({ ...base, clientOrderId: randomUUID(), type: 'stop', limit: null, stop: Number(money(p.side === 'buy' ? ref * 0.95 : ref * 1.05)) });
      if (orderClass === 'bracket') {
        const tp = make({ ...base, clientOrderId: randomUUID(), type: 'limit', limit: Number(money(p.side === 'buy' ? ref * 1.05 : ref * 0.95)), stop: null });
        o.legs.push(tp);
      }
      o.legs.push(stopLeg);
      for (const leg of o.legs) add(leg);
    }
    return o;
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    orders: () => orders.map((o) => wire(o)),
    setQuote: (symbol, q) => void quotes.set(symbol.toUpperCase(), q),
    setCash: (c) => {
      cash = c;
    },
    setPosition: (symbol, qty, avg) => {
      if (qty === 0) positions.delete(symbol.toUpperCase());
      else positions.set(symbol.toUpperCase(), { qty, avgEntryPrice: avg });
    },
    plantOrder: (p) => wire(plant(p)),
    injectFaults: (...f) => void faults.push(...f),
    pendingFaults: () => [...faults],
    setMarketOpen: (open) => {
      const opening = open && !marketOpen;
      marketOpen = open;
      if (opening) release();
    },
    setRateLimit: (perMinute) => {
      rateLimit = perMinute;
    },
    refuseTimeInForce: (tifs) => {
      refusedTifs.clear();
      for (const t of tifs) refusedTifs.add(t);
    },
    setAccountFlags: (flags) => {
      for (const k of ['trading_blocked', 'account_blocked', 'trade_suspended_by_user'] as const) {
        const v = flags[k];
        if (v !== undefined) accountFlags[k] = v;
      }
    },
    setClockSkew: (ms) => {
      clockSkewMs = ms;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        timers.clear();
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The client_order_id of an order POST body, if it has one. */
function clientIdOf(raw: string): string | undefined {
  try {
    const b = JSON.parse(raw) as Record<string, unknown>;
    return typeof b['client_order_id'] === 'string' ? b['client_order_id'] : undefined;
  } catch {
    return undefined; // not JSON: the route answers 422 for it
  }
}

/**
 * Alpaca's order object. Quantities and prices are decimal strings; a
 * notional order has `qty` null and `notional` set. `legs` holds a parent's
 * legs only when listed nested (else null, as with Alpaca's `nested=false`).
 */
function wire(o: EmuOrder, nested = false): Record<string, unknown> {
  return {
    id: o.id,
    client_order_id: o.clientOrderId,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    submitted_at: o.createdAt,
    filled_at: o.filledAt,
    expired_at: null,
    canceled_at: o.canceledAt,
    failed_at: null,
    replaced_at: null,
    replaced_by: null,
    replaces: null,
    asset_id: assetId(o.symbol),
    symbol: o.symbol,
    asset_class: 'us_equity',
    notional: o.notional === null ? null : money(o.notional),
    qty: o.qty === null ? null : dec(o.qty),
    filled_qty: String(o.filledQty),
    filled_avg_price: o.avgPrice === null ? null : dec(o.avgPrice),
    order_class: o.orderClass,
    order_type: o.type,
    type: o.type,
    side: o.side,
    position_intent: o.side === 'buy' ? 'buy_to_open' : 'sell_to_close',
    time_in_force: o.tif,
    limit_price: o.limit === null ? null : dec(o.limit),
    stop_price: o.stop === null ? null : dec(o.stop),
    status: o.status,
    extended_hours: false,
    legs: nested && o.legs.length > 0 ? o.legs.map((l) => wire(l)) : null,
    trail_percent: null,
    trail_price: null,
    hwm: null,
    subtag: null,
    source: null,
    expires_at: null,
  };
}

/**
 * Alpaca's clock object. Simplified: sessions are every weekday 09:30-16:00
 * New York time (no holidays, no early closes); `isOpen` is the emulator's
 * state, not the wall clock, so next_open/next_close are only kept in
 * Alpaca's order (open: next_close before next_open; closed: the reverse).
 */
function wireClock(now: Date, isOpen: boolean): Record<string, unknown> {
  const ms = now.getTime();
  const sessions = weekdaySessions(now);
  const firstAfter = (t: number, pick: 'open' | 'close') => sessions.find((s) => s[pick] > t)![pick];
  let nextOpen: number;
  let nextClose: number;
  if (isOpen) {
    nextClose = firstAfter(ms, 'close');
    nextOpen = firstAfter(nextClose, 'open');
  } else {
    nextOpen = firstAfter(ms, 'open');
    nextClose = firstAfter(nextOpen, 'close');
  }
  return { timestamp: nyTimestamp(ms, true), is_open: isOpen, next_open: nyTimestamp(nextOpen, false), next_close: nyTimestamp(nextClose, false) };
}

/** The 09:30/16:00 New York instants of the weekdays from `now`'s New York date on, for two weeks. */
function weekdaySessions(now: Date): { open: number; close: number }[] {
  const today = nyLocalParts(now.getTime());
  const out: { open: number; close: number }[] = [];
  for (let d = 0; d < 14; d++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + d));
    const weekday = day.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const date = day.toISOString().slice(0, 10);
    out.push({ open: nyTimeToInstant(date, '09:30'), close: nyTimeToInstant(date, '16:00') });
  }
  return out;
}

/** RFC 3339 in New York time with its offset, e.g. 2026-12-07T10:04:50.285-05:00 (milliseconds only when asked). */
function nyTimestamp(ms: number, withMillis: boolean): string {
  // formatNyIso drops a zero millisecond; Alpaca's timestamp always has them, its next_open/next_close never do.
  const p = nyLocalParts(ms);
  const iso = formatNyIso(ms - p.millisecond);
  return withMillis ? `${iso.slice(0, 19)}.${String(p.millisecond).padStart(3, '0')}${iso.slice(19)}` : iso;
}

function spoil(body: unknown): unknown {
  const target = Array.isArray(body) ? body[0] : body;
  if (typeof target === 'object' && target !== null) {
    const t = target as Record<string, unknown>;
    delete t['status'];
    delete t['qty'];
    if ('filled_qty' in t) t['filled_qty'] = 'lots';
    if ('cash' in t) t['cash'] = 'plenty';
  }
  return body;
}

function onTick(price: number): boolean {
  const ticks = price >= 1 ? price * 100 : price * 10_000;
  return Math.abs(ticks - Math.round(ticks)) < 1e-6;
}

function dec(n: number): string {
  return String(Number(n.toFixed(6)));
}

function money(n: number): string {
  return String(Number(n.toFixed(2)));
}

/** A stable UUID-shaped asset id per symbol. */
function assetId(symbol: string): string {
  const h = createHash('sha256').update(`asset:${symbol}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function send(res: ServerResponse, r: Reply): void {
  if (r.status === 204 || r.body === undefined) {
    res.writeHead(r.status, r.headers);
    res.end();
    return;
  }
  res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
  res.end(JSON.stringify(r.body));
}
