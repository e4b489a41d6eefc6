import type { Logger } from 'pino';
import { describeZodError } from '../../market-data/http/describe-zod.js';
import type { RetryPolicy } from '../../market-data/http/retry.js';
import { BrokerError, isBrokerError } from '../errors.js';
import {
  checkClientOrderId,
  checkSameOrder,
  isTerminal,
  validateOrderRequest,
  type Broker,
  type BrokerAccount,
  type BrokerClock,
  type BrokerOrder,
  type BrokerPosition,
  type OrderRequest,
  type SubmittedOrderRef,
  type WaitOptions,
} from '../port.js';
import { formatPrice } from '../../../engine/tick.js';
import { AlpacaHttp } from './http.js';
import { OrderWatch } from './order-watch.js';
import type { BudgetPriority, RequestBudget } from './rate-budget.js';
import { AlpacaAccount, AlpacaCancelResult, AlpacaClock, AlpacaCloseResult, AlpacaOrder, AlpacaOrderList, AlpacaPositionList, parseErrorBody } from './schema.js';
import { mapAlpacaStatus } from './status.js';

export const ALPACA_PAPER_URL = 'https://paper-api.alpaca.markets';
export const ALPACA_LIVE_URL = 'https://api.alpaca.markets';

export interface AlpacaBrokerOptions {
  keyId: string;
  secretKey: string;
  /** {@link ALPACA_PAPER_URL} (default) or {@link ALPACA_LIVE_URL}; the emulator's URL in tests. */
  baseUrl?: string;
  /** Default `alpaca-paper`, `alpaca-live` or `alpaca` depending on the base URL. */
  name?: string;
  fetch?: typeof globalThis.fetch;
  logger?: Logger;
  /** Reads (and cancel-all): retries after the first attempt, backoff, per-attempt timeout. */
  retry?: Partial<RetryPolicy>;
  /** How long one order POST may take before its outcome counts as unknown. Default 10 s. */
  submitTimeoutMs?: number;
  /** Re-POSTs after a 429 (Alpaca refuses before processing, so nothing was placed). Default 2. */
  maxSubmitRetries?: number;
  /** After a POST with unknown outcome, how long to keep looking the order up by client id. Default 15 s. */
  lookupWindowMs?: number;
  /** After cancel-all, how long to wait for open orders to disappear. Default 3 s. */
  cancelVerifyMs?: number;
  /** Default poll interval of {@link AlpacaBroker.waitForTerminal}. Default 500 ms. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /**
   * Where the broker's clock answer is shared between processes (Redis in the
   * app), so every worker asks Alpaca at most once a minute. Absent: cached
   * in this process only.
   */
  clockCache?: SharedValue;
  /**
   * The request budget of this API key shared by every process (Redis in the
   * app): polling waits for it; /kill's cancel-all, its proof and cancels use
   * its reserved share. Absent: requests are not budgeted here.
   */
  budget?: RequestBudget;
  /**
   * Whether the looks of several orders this process follows share one list
   * request ({@link OrderWatch}). Default true; false looks each order up by
   * its own id (how the adapter polled before; the benchmark's peer).
   */
  batchLooks?: boolean;
  /** Time source for the clock cache. Default Date.now. */
  nowMs?: () => number;
}

/** A value shared by every process (a Redis key), kept for at most `ttlMs`. */
export interface SharedValue {
  get(): Promise<string | null>;
  set(value: string, ttlMs: number): Promise<void>;
}

/** The longest a clock answer is reused: Alpaca's clock is asked at most once a minute. */
export const CLOCK_CACHE_MS = 60_000;

const DEFAULT_READ_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 250, maxDelayMs: 10_000, timeoutMs: 10_000 };
const ORDERS = '/v2/orders';
const UNIQUE_ID = /client_order_id must be unique/i;
const AUTH_HINT = 'check APCA_API_KEY_ID and APCA_API_SECRET_KEY, and that the keys match the base URL (paper keys only work on paper-api)';

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Broker port over Alpaca Trading API v2 (REST), paper or live.
 *
 * Safety rules, in order of importance:
 * 1. An order POST is never repeated once it may have reached Alpaca. On a
 *    timeout, network error, 5xx or unreadable 2xx the adapter looks the
 *    order up by `client_order_id` (with backoff, for `lookupWindowMs`) and
 *    returns what Alpaca has; if it still cannot tell, it throws
 *    `timeout_unknown` and the caller must reconcile by client id.
 * 2. 422 "client_order_id must be unique" means an order holds the id: it is
 *    fetched and returned only when it is the order sent (symbol, side, qty,
 *    limit), so submitting twice is harmless; any other order under the id
 *    proves nothing and throws `ambiguous` (a restored database, a second
 *    installation or a manual order may hold it). Orders found after an
 *    unknown outcome, and by `findSubmitted`, are checked the same way.
 * 3. Only a 429 is re-POSTed (Alpaca rejects rate-limited requests before
 *    processing them), after Retry-After, a bounded number of times.
 * Keys travel only in the `APCA-API-KEY-ID` / `APCA-API-SECRET-KEY` headers
 * and are scrubbed from every message and log line.
 */
export class AlpacaBroker implements Broker {
  readonly name: string;
  private readonly http: AlpacaHttp;
  private readonly submitTimeoutMs: number;
  private readonly maxSubmitRetries: number;
  private readonly lookupWindowMs: number;
  private readonly cancelVerifyMs: number;
  private readonly pollMs: number;
  private readonly logger: Logger | undefined;
  private readonly clockCache: SharedValue | undefined;
  private readonly nowMs: () => number;
  private localClock: { clock: BrokerClock; until: number } | null = null;
  /** Coalesces the looks of every order this process follows: one request a tick for all of them. */
  private readonly watch: OrderWatch;
  private readonly batchLooks: boolean;

  constructor(opts: AlpacaBrokerOptions) {
    const keyId = opts.keyId?.trim() ?? '';
    const secretKey = opts.secretKey?.trim() ?? '';
    const baseUrl = (opts.baseUrl ?? ALPACA_PAPER_URL).replace(/\/+$/, '');
    this.name = opts.name ?? (baseUrl === ALPACA_LIVE_URL ? 'alpaca-live' : baseUrl === ALPACA_PAPER_URL ? 'alpaca-paper' : 'alpaca');
    if (keyId === '' || secretKey === '') {
      throw new BrokerError({ broker: this.name, kind: 'auth', detail: `no ${keyId === '' ? 'key id' : 'secret key'} configured`, hint: 'set APCA_API_KEY_ID and APCA_API_SECRET_KEY' });
    }
    this.logger = opts.logger?.child({ broker: this.name });
    this.http = new AlpacaHttp({
      broker: this.name,
      baseUrl,
      headers: { 'APCA-API-KEY-ID': keyId, 'APCA-API-SECRET-KEY': secretKey },
      secrets: [secretKey, keyId],
      fetch: opts.fetch ?? globalThis.fetch,
      policy: { ...DEFAULT_READ_POLICY, ...opts.retry },
      logger: this.logger,
      sleep: opts.sleep ?? defaultSleep,
      random: opts.random ?? Math.random,
      ...(opts.budget ? { budget: opts.budget } : {}),
    });
    this.submitTimeoutMs = opts.submitTimeoutMs ?? 10_000;
    this.maxSubmitRetries = opts.maxSubmitRetries ?? 2;
    this.lookupWindowMs = opts.lookupWindowMs ?? 15_000;
    this.cancelVerifyMs = opts.cancelVerifyMs ?? 3_000;
    this.pollMs = opts.pollMs ?? 500;
    this.clockCache = opts.clockCache;
    this.nowMs = opts.nowMs ?? Date.now;
    this.batchLooks = opts.batchLooks ?? true;
    this.watch = new OrderWatch(
      (cid) => this.lookupByClientId(cid),
      (after) => this.listOrdersSince(after),
    );
  }

  /**
   * Alpaca's clock (`GET /v2/clock`). An answer is reused for at most
   * {@link CLOCK_CACHE_MS} and never past the next open or close it names
   * (shared through `clockCache` when given); `fresh` asks Alpaca again.
   */
  async clock(opts: { fresh?: boolean } = {}): Promise<BrokerClock> {
    const now = this.nowMs();
    if (!opts.fresh) {
      // With a shared cache every process reads the same answer (one Redis GET); without one, this process's own.
      if (this.clockCache) {
        const shared = await this.clockCache.get().catch((err: unknown) => {
          // The shared cache only saves a request: unreadable, Alpaca is asked below.
          this.logger?.debug({ err }, 'shared market clock unreadable; asking Alpaca');
          return null;
        });
        const parsed = shared ? parseCachedClock(shared) : null;
        if (parsed && now < parsed.until) return parsed.clock;
      } else if (this.localClock && now < this.localClock.until) {
        return this.localClock.clock;
      }
    }
    const res = await this.read('GET', '/v2/clock');
    const p = AlpacaClock.safeParse(res?.body);
    if (!p.success) throw this.http.error('bad_response', `unexpected clock response: ${describeZodError(p.error)}`);
    const clock: BrokerClock = { isOpen: p.data.is_open, nextOpen: p.data.next_open ?? null, nextClose: p.data.next_close ?? null, at: p.data.timestamp };
    // Never reuse an answer past the boundary it names: "open" must not outlive the close.
    const boundary = Date.parse((clock.isOpen ? clock.nextClose : clock.nextOpen) ?? '');
    const until = Math.min(now + CLOCK_CACHE_MS, Number.isFinite(boundary) ? boundary : now + CLOCK_CACHE_MS);
    this.localClock = { clock, until };
    if (until > now) {
      await this.clockCache
        ?.set(JSON.stringify({ clock, until }), until - now)
        // Not shared: the other processes ask Alpaca themselves; this one keeps its own copy above.
        .catch((err: unknown) => this.logger?.debug({ err }, 'market clock not shared; other processes will ask Alpaca'));
    }
    return clock;
  }

  /** `DELETE /v2/orders/{id}`; an order already final (422) or gone (404) is not an error. */
  async cancelOrder(brokerOrderId: string): Promise<void> {
    if (typeof brokerOrderId !== 'string' || !/^[\w-]{1,64}$/.test(brokerOrderId)) {
      throw this.http.error('not_found', `${JSON.stringify(String(brokerOrderId).slice(0, 70))} is not an Alpaca order id`);
    }
    const path = `${ORDERS}/${encodeURIComponent(brokerOrderId)}`;
    // Cancelling is idempotent: retried like a read.
    for (let attempt = 1; ; attempt++) {
      const out = await this.http.once('DELETE', path, undefined, undefined, 'urgent');
      if (out.kind === 'response' && ((out.status >= 200 && out.status < 300) || out.status === 404 || out.status === 422)) {
        this.logger?.info({ brokerOrderId, status: out.status }, 'cancel order');
        return;
      }
      const err = this.http.errorFor('DELETE', path, out, attempt);
      if (!err.retryable || attempt > this.http.policy.maxRetries) throw err;
      await this.http.sleep(Math.max(this.http.backoff(attempt - 1), out.kind === 'response' ? (out.retryAfterMs ?? 0) : 0));
    }
  }

  async submitOrder(request: OrderRequest): Promise<BrokerOrder> {
    const req = validateOrderRequest(this.name, request);
    const cid = req.clientOrderId;
    const body = {
      symbol: req.symbol,
      qty: String(req.qty),
      side: req.side,
      type: 'limit',
      time_in_force: req.timeInForce,
      // Never a worse price than approved: buys round down, sells up.
      limit_price: formatPrice(req.limitPrice, req.side === 'buy' ? 'down' : 'up'),
      client_order_id: cid,
    };
    this.logger?.info({ clientOrderId: cid, symbol: req.symbol, side: req.side, qty: req.qty, limitPrice: body.limit_price, tif: req.timeInForce }, 'submitting order');

    for (let attempt = 1; ; attempt++) {
      const out = await this.http.once('POST', ORDERS, body, this.submitTimeoutMs);
      const what = `POST ${ORDERS} for client order id ${cid}`;
      if (out.kind === 'network') {
        return this.findAfterUnknown(req, `${what} got no answer (${out.why})`);
      }
      const s = out.status;
      if (s >= 200 && s < 300) {
        const order = this.tryOrder(out.text, cid);
        if (order.ok) return order.order;
        return this.findAfterUnknown(req, `${what} returned HTTP ${s} but ${order.problem}`);
      }
      if (s === 422 && UNIQUE_ID.test(parseErrorBody(out.text).message ?? '')) {
        this.logger?.info({ clientOrderId: cid }, 'client order id already taken at the broker; checking that it is this order');
        return this.findAfterUnknown(req, `${what}: the broker says this client order id is taken`);
      }
      if (s === 408 || s >= 500) {
        return this.findAfterUnknown(req, `${what} returned HTTP ${s}`);
      }
      const err = this.http.errorFor('POST', ORDERS, out, attempt);
      // Our own budget said no: nothing was sent; the caller retries later rather than this loop waiting.
      if (s === 429 && out.localBudget) throw withClientId(err, cid, undefined);
      if (s === 429 && attempt <= this.maxSubmitRetries) {
        const wait = Math.max(this.http.backoff(attempt - 1), out.retryAfterMs ?? 0);
        if (wait <= this.http.policy.maxDelayMs) {
          this.logger?.warn({ clientOrderId: cid, attempt, delayMs: wait }, 'order POST rate limited (not placed); retrying');
          await this.http.sleep(wait);
          continue;
        }
      }
      throw withClientId(err, cid, s === 401 || (s === 403 && err.kind === 'auth') ? AUTH_HINT : undefined);
    }
  }

  async getOrderByClientId(clientOrderId: string): Promise<BrokerOrder | null> {
    checkClientOrderId(this.name, clientOrderId);
    return this.lookupByClientId(clientOrderId);
  }

  /** Ours by client order id, when the order under it is the one `ref` describes (else `ambiguous`). */
  async findSubmitted(ref: SubmittedOrderRef): Promise<BrokerOrder | null> {
    const found = await this.getOrderByClientId(ref.clientOrderId);
    return found && checkSameOrder(this.name, found, ref);
  }

  async getOrder(brokerOrderId: string): Promise<BrokerOrder> {
    if (typeof brokerOrderId !== 'string' || !/^[\w-]{1,64}$/.test(brokerOrderId)) {
      throw this.http.error('not_found', `${JSON.stringify(String(brokerOrderId).slice(0, 70))} is not an Alpaca order id`);
    }
    const res = await this.read('GET', `${ORDERS}/${encodeURIComponent(brokerOrderId)}`);
    return this.toOrder(res?.body, `order ${brokerOrderId}`);
  }

  async waitForTerminal(clientOrderId: string, opts: WaitOptions = {}): Promise<BrokerOrder> {
    checkClientOrderId(this.name, clientOrderId);
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const pollMs = opts.pollMs ?? this.pollMs;
    const deadline = Date.now() + timeoutMs;
    let last: BrokerOrder | null = null;
    let lastError: unknown;
    for (let first = true; ; first = false) {
      try {
        // The first look is this order's own; later ones ride with the other orders this process follows.
        const since: string | null = (last as BrokerOrder | null)?.submittedAt ?? null;
        const o: BrokerOrder | null = first || !this.batchLooks ? await this.lookupByClientId(clientOrderId) : await this.watch.look(clientOrderId, since);
        if (o) {
          last = o;
          if (isTerminal(o.status)) return o;
        }
      } catch (e) {
        // Transient trouble mid-wait is not fatal while time remains.
        if (!isBrokerError(e, 'unavailable', 'rate_limited')) throw e;
        lastError = e;
      }
      // Aligned to the clock, so orders of the same age class look at the same instants (and share one request).
      const every = opts.pollMs ?? pollDelayByAge(last, pollMs, this.nowMs());
      const delay = opts.pollMs !== undefined ? every : every - (Date.now() % every);
      if (Date.now() + delay > deadline) break;
      await this.http.sleep(delay);
    }
    if (last) {
      this.logger?.warn({ clientOrderId, status: last.status, timeoutMs }, 'order not terminal when the wait ended');
      return last;
    }
    if (lastError) throw lastError;
    throw this.http.error('not_found', `no order with client order id ${clientOrderId} appeared within ${timeoutMs} ms`, {
      clientOrderId,
      hint: 'check that the order was submitted to this account (paper or live)',
    });
  }

  /** Every order submitted after `afterIso`, oldest first (one page of up to 500): how {@link OrderWatch} reads several at once. */
  private async listOrdersSince(afterIso: string): Promise<BrokerOrder[]> {
    const res = await this.read('GET', `${ORDERS}?status=all&limit=500&direction=asc&nested=false&after=${encodeURIComponent(afterIso)}`);
    const parsed = AlpacaOrderList.safeParse(res?.body);
    if (!parsed.success) throw this.http.error('bad_response', `unexpected orders response: ${describeZodError(parsed.error)}`);
    return parsed.data.map((o) => this.fromWire(o, `order ${o.id}`));
  }

  /** Open orders; `urgent` (the kill proof) may use the budget's reserved share. */
  async listOpenOrders(opts: { urgent?: boolean } = {}): Promise<BrokerOrder[]> {
    const priority: BudgetPriority = opts.urgent ? 'urgent' : 'normal';
    const res = await this.read('GET', `${ORDERS}?status=open&limit=500&direction=asc&nested=false`, priority);
    const parsed = AlpacaOrderList.safeParse(res?.body);
    if (!parsed.success) throw this.http.error('bad_response', `unexpected open-orders response: ${describeZodError(parsed.error)}`);
    if (parsed.data.length >= 500) this.logger?.warn({ count: parsed.data.length }, 'listOpenOrders: 500 or more open orders; only the first page was read');
    return parsed.data.map((o) => this.fromWire(o, `open order ${o.id}`));
  }

  async cancelAllOrders(): Promise<{ cancelled: number; stillOpen: number | null; orderIds: string[] }> {
    // Cancelling everything is idempotent, so it may be retried like a read.
    const res = await this.read('DELETE', ORDERS, 'urgent');
    const body = res?.body ?? [];
    const parsed = AlpacaCancelResult.safeParse(body);
    if (!parsed.success) throw this.http.error('bad_response', `unexpected cancel-all response: ${describeZodError(parsed.error)}`);
    const failed = parsed.data.filter((r) => r.status < 200 || r.status >= 300);
    const orderIds = parsed.data.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.id);
    const cancelled = orderIds.length;
    if (failed.length > 0) {
      this.logger?.warn({ failed: failed.map((f) => ({ id: f.id, status: f.status, message: messageOf(f.body) })) }, 'some orders could not be cancelled');
    }
    // Cancels are asynchronous at the venue: look until nothing is open or time is up. A look that
    // fails (a 429 after the retries) must not lose the count above: the caller looks again.
    const deadline = Date.now() + this.cancelVerifyMs;
    let stillOpen: number | null = 0;
    try {
      for (;;) {
        stillOpen = (await this.listOpenOrders({ urgent: true })).length;
        if (stillOpen === 0 || Date.now() + 200 > deadline) break;
        await this.http.sleep(200);
      }
    } catch (e) {
      if (!isBrokerError(e) || e.kind === 'auth') throw e;
      this.logger?.warn({ cancelled, err: e.message }, 'cancel-all sent, but the look at open orders afterwards failed; counted as unknown');
      stillOpen = null;
    }
    this.logger?.info({ cancelled, stillOpen }, 'cancel all orders');
    return { cancelled, stillOpen, orderIds };
  }

  async listPositions(): Promise<BrokerPosition[]> {
    const res = await this.read('GET', '/v2/positions');
    const parsed = AlpacaPositionList.safeParse(res?.body);
    if (!parsed.success) throw this.http.error('bad_response', `unexpected positions response: ${describeZodError(parsed.error)}`);
    return parsed.data.map((p) => ({
      symbol: p.symbol,
      qty: p.side === 'short' && p.qty > 0 ? -p.qty : p.qty,
      avgEntryPrice: p.avg_entry_price,
      costBasis: p.cost_basis,
      currentPrice: p.current_price ?? null,
      marketValue: p.market_value ?? null,
      unrealizedPl: p.unrealized_pl ?? null,
    }));
  }

  async closeAllPositions(): Promise<BrokerOrder[]> {
    const path = '/v2/positions?cancel_orders=true';
    // Not retried: a repeat after a lost answer could sell twice (and go short).
    const out = await this.http.once('DELETE', path, undefined, undefined, 'urgent');
    if (out.kind === 'network' || out.status === 408 || out.status >= 500) {
      const err = this.http.errorFor('DELETE', path, out);
      throw this.http.error('timeout_unknown', err.detail, {
        hint: 'closing orders may or may not have been placed: check listOpenOrders() and listPositions() before trying again',
      });
    }
    if (out.status < 200 || out.status >= 300) throw this.http.errorFor('DELETE', path, out);
    const body = this.http.parseJson('DELETE', path, out.status, out.text) ?? [];
    const parsed = AlpacaCloseResult.safeParse(body);
    if (!parsed.success) throw this.http.error('bad_response', `unexpected close-all-positions response: ${describeZodError(parsed.error)}`);
    const orders: BrokerOrder[] = [];
    for (const r of parsed.data) {
      if (r.status >= 200 && r.status < 300) orders.push(this.toOrder(r.body, `closing order for ${r.symbol}`));
      else this.logger?.warn({ symbol: r.symbol, status: r.status, message: messageOf(r.body) }, 'position could not be closed');
    }
    this.logger?.info({ orders: orders.length, failed: parsed.data.length - orders.length }, 'close all positions');
    return orders;
  }

  async account(): Promise<BrokerAccount> {
    const res = await this.read('GET', '/v2/account');
    const parsed = AlpacaAccount.safeParse(res?.body);
    if (!parsed.success) throw this.http.error('bad_response', `unexpected account response: ${describeZodError(parsed.error)}`);
    const a = parsed.data;
    return {
      cash: a.cash,
      equity: a.equity,
      buyingPower: a.buying_power,
      flags: { tradingBlocked: a.trading_blocked === true, accountBlocked: a.account_blocked === true, tradeSuspendedByUser: a.trade_suspended_by_user === true, status: a.status ?? null },
    };
  }

  // ---------------------------------------------------------------------------

  private async read(method: 'GET' | 'DELETE', path: string, priority: BudgetPriority = 'normal'): Promise<{ status: number; body: unknown } | null> {
    try {
      return await this.http.readJson(method, path, { priority });
    } catch (e) {
      if (isBrokerError(e, 'auth')) throw withClientId(e, undefined, AUTH_HINT);
      throw e;
    }
  }

  private async lookupByClientId(cid: string, opts: { single?: boolean } = {}): Promise<BrokerOrder | null> {
    const path = `${ORDERS}:by_client_order_id?client_order_id=${encodeURIComponent(cid)}`;
    let res: { status: number; body: unknown } | null;
    if (opts.single) {
      const out = await this.http.once('GET', path);
      if (out.kind === 'response' && out.status === 404) return null;
      if (out.kind === 'network' || out.status < 200 || out.status >= 300) throw this.http.errorFor('GET', path, out);
      res = { status: out.status, body: this.http.parseJson('GET', path, out.status, out.text) };
    } else {
      res = await this.http.readJson('GET', path, { allowNotFound: true });
    }
    if (res === null) return null;
    const order = this.toOrder(res.body, `order with client order id ${cid}`);
    if (order.clientOrderId !== cid) {
      throw this.http.error('bad_response', `asked for client order id ${cid} but got ${JSON.stringify(order.clientOrderId.slice(0, 60))}`);
    }
    return order;
  }

  /**
   * After a POST whose outcome is unknown: looks the order up by client id
   * (never re-POSTs) until found or the lookup window ends, then throws
   * `timeout_unknown`. An order found that is not `sent` throws `ambiguous`.
   */
  private async findAfterUnknown(sent: OrderRequest, why: string): Promise<BrokerOrder> {
    const cid = sent.clientOrderId;
    const started = Date.now();
    const deadline = started + this.lookupWindowMs;
    let last = 'not looked up yet';
    for (let i = 0; ; i++) {
      try {
        const o = await this.lookupByClientId(cid, { single: true });
        if (o) {
          this.logger?.warn({ clientOrderId: cid, status: o.status, lookups: i + 1 }, `${why}; found the order by client id`);
          return checkSameOrder(this.name, o, sent);
        }
        last = 'the broker has no order with this client order id';
      } catch (e) {
        if (isBrokerError(e, 'ambiguous')) throw e; // another order holds the id: looking again cannot make it ours
        last = isBrokerError(e) ? e.message : String(e);
        if (isBrokerError(e, 'auth')) break;
      }
      const delay = this.http.backoff(i);
      if (Date.now() + delay > deadline) break;
      await this.http.sleep(delay);
    }
    const err = this.http.error(
      'timeout_unknown',
      `${why}; after looking it up by client order id for ${Math.round((Date.now() - started) / 100) / 10} s its state is still unknown (last lookup: ${last})`,
      { clientOrderId: cid },
    );
    this.logger?.error({ clientOrderId: cid, err: err.message }, 'order outcome unknown');
    throw err;
  }

  private tryOrder(text: string, cid: string): { ok: true; order: BrokerOrder } | { ok: false; problem: string } {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, problem: `the body is not JSON (starts ${JSON.stringify(this.http.scrub(text.slice(0, 40)))})` };
    }
    try {
      const order = this.toOrder(json, `order ${cid}`);
      if (order.clientOrderId !== cid) return { ok: false, problem: `the order in it has client order id ${JSON.stringify(order.clientOrderId.slice(0, 60))}` };
      return { ok: true, order };
    } catch (e) {
      return { ok: false, problem: isBrokerError(e) ? e.message : String(e) };
    }
  }

  private toOrder(body: unknown, what: string): BrokerOrder {
    const parsed = AlpacaOrder.safeParse(body);
    if (!parsed.success) throw this.http.error('bad_response', `unexpected ${what} response: ${describeZodError(parsed.error)}`);
    return this.fromWire(parsed.data, what);
  }

  /**
   * Alpaca's order → the port's. Orders placed outside Courtside parse too
   * (they must be counted and cancelled by a /kill): fractional quantities,
   * any type or class, and notional orders, which have no `qty` — those get
   * `qty: 0` and `notional` (see {@link BrokerOrder.notional}).
   */
  private fromWire(o: AlpacaOrder, what: string): BrokerOrder {
    const notional = o.notional ?? null;
    if (o.qty === null && notional === null) throw this.http.error('bad_response', `${what} has neither a qty nor a notional amount`);
    const status = mapAlpacaStatus(o.status, o.filled_qty, o.qty);
    if (status === undefined) throw this.http.error('bad_response', `${what} has status ${JSON.stringify(o.status.slice(0, 40))}, which Alpaca does not document`);
    const submittedAt = o.submitted_at ?? o.created_at;
    return {
      brokerOrderId: o.id,
      clientOrderId: o.client_order_id,
      symbol: o.symbol,
      side: o.side,
      qty: o.qty ?? 0,
      ...(o.qty === null && notional !== null ? { notional } : {}),
      filledQty: o.filled_qty,
      avgFillPrice: o.filled_avg_price ?? null,
      limitPrice: o.limit_price ?? null,
      status,
      brokerStatus: o.status,
      timeInForce: o.time_in_force,
      submittedAt,
      updatedAt: o.updated_at ?? submittedAt,
    };
  }
}

function withClientId(err: BrokerError, clientOrderId: string | undefined, hint: string | undefined): BrokerError {
  if (clientOrderId === undefined && hint === undefined) return err;
  return new BrokerError({
    broker: err.broker,
    kind: err.kind,
    detail: err.detail,
    hint: hint ?? err.hint,
    ...(err.reason === undefined ? {} : { reason: err.reason }),
    ...(clientOrderId === undefined ? {} : { clientOrderId }),
    ...(err.status === undefined ? {} : { status: err.status }),
    ...(err.attempts === undefined ? {} : { attempts: err.attempts }),
  });
}

/**
 * How long to wait before looking at a pending order again, by its age: fast in
 * its first seconds (an IOC settles at once), then every few seconds, then
 * every 30 s — so ten orders left pending at a closed or slow venue cost a few
 * requests a minute each, not two a second, and never eat the key's budget.
 */
export function pollDelayByAge(order: BrokerOrder | null, fastMs: number, nowMs: number): number {
  const since = order ? Date.parse(order.submittedAt) : Number.NaN;
  const age = Number.isFinite(since) ? nowMs - since : 0;
  if (age < 5_000) return fastMs;
  if (age < 60_000) return Math.max(fastMs, 2_000);
  if (age < 5 * 60_000) return Math.max(fastMs, 5_000);
  return Math.max(fastMs, 30_000);
}

function parseCachedClock(text: string): { clock: BrokerClock; until: number } | null {
  try {
    const v = JSON.parse(text) as { clock?: BrokerClock; until?: number };
    if (v.clock && typeof v.clock.isOpen === 'boolean' && typeof v.until === 'number') return { clock: v.clock, until: v.until };
  } catch {
    // A damaged cache entry is simply asked again.
  }
  return null;
}

function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const m = (body as Record<string, unknown>)['message'];
  return typeof m === 'string' ? m.slice(0, 200) : undefined;
}
