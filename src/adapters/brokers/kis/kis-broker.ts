import type { Logger } from 'pino';
import { describeZodError } from '../../market-data/http/describe-zod.js';
import { BrokerError, isBrokerError } from '../errors.js';
import {
  checkClientOrderId,
  checkSameOrder,
  isTerminal,
  validateOrderRequest,
  type Broker,
  type BrokerAccount,
  type BrokerOrder,
  type BrokerPosition,
  type OrderRequest,
  type OrderSide,
  type SubmittedOrderRef,
  type WaitOptions,
} from '../port.js';
import type { KisAccount } from './account.js';
import { isRefusedBeforeProcessing, KIS_CODES } from './codes.js';
import { KisHttp, type KisCall, type KisOutcome } from './http.js';
import { readDailyOrders, type DailyOrders, type DailyOrdersQuery } from './daily-orders.js';
import { lockOwner, type Attempt, type Claim, type KisOrderMap, type MappedOrder } from './order-map.js';
import { brokerOrderIdOf, codeOfSide, isOriginalOrder, orderOfRow, parseBrokerOrderId } from './orders.js';
import { KisBalanceSummary, KisHoldingRow, KisOrderOutput, lowerKeys, type KisDailyOrderRow } from './schema.js';
import { continuousText, iocRefusal, kstInstant, kstParts, type KrxHours, type KrxHoursSource } from './session.js';
import { KIS_PATHS, trId, type KisServer } from './tr-ids.js';

/**
 * The tick size (KRW) at a price on the order's KST date (`YYYY-MM-DD`; KRX
 * changed its ticks by date). Default: the engine's KRX ETF tick (krx-defaults.ts).
 */
export type TickOf = (price: number, kstDate: string) => number;

/** Everything {@link KisBroker} needs, built by createKisBroker (index.ts). */
export interface KisBrokerDeps {
  server: KisServer;
  account: KisAccount;
  http: KisHttp;
  orders: KisOrderMap;
  /** The business clock: sessions, attempt times, lookups. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  tick: TickOf;
  /** The KRX session of a KST date (may read run-time overrides; see {@link KrxHoursSource}). */
  hours: KrxHoursSource;
  logger?: Logger | undefined;
  /** How long one order POST may take before its outcome counts as unknown. Default 10 s. */
  submitTimeoutMs?: number;
  /** Re-POSTs after EGW00201 (refused before processing, so nothing was placed). Default 2. */
  maxSubmitRetries?: number;
  /** After an unknown outcome, how many looks in the daily orders (1 s apart) before `timeout_unknown`. Default 3. */
  lookupAttempts?: number;
  /** The (symbol, side) lock while an order is sent. Default 30 s. */
  inFlightLockMs?: number;
  /** After an unknown outcome the lock stays this long (until the order is found). Default 10 min. */
  unknownHoldMs?: number;
  /** How long a submit waits for another order in the same symbol and side. Default 5 s. */
  lockWaitMs?: number;
  /**
   * KIS stamps orders to the second on its own clock, which may run a few
   * seconds apart from ours: a look-up's window reaches this far before the
   * attempt time (and past its last possible POST). Default 5 s.
   */
  timeSlackMs?: number;
  /** Default poll interval of waitForTerminal. Default 500 ms. */
  pollMs?: number;
  /** closeAllPositions sells at the current price less this share (an IOC that crosses the bid). Default 0.01. */
  closeSlippage?: number;
}

const KR_SYMBOL = /^[0-9A-Z]{6}$/;
/** The daily-orders inquiry (TTTC0081R) covers three months. */
const INQUIRY_DAYS = 92;
const DAY_MS = 86_400_000;
/** The pause before re-sending an order POST KIS refused with EGW00201 (KIS counts per second). */
const RETRY_PAUSE_MS = 1000;

/**
 * The Broker port over the KIS Open API (REST), real (`kis-live`) or
 * virtual (`kis-virtual`).
 *
 * KIS has no client order id. The adapter keeps client id ↔ `YYYYMMDD-ODNO`
 * in Redis, and allows one order in flight per (account, symbol, side) under
 * a Redis lock, so an order whose outcome is unknown can be found again in
 * the daily orders by symbol, side, qty, price and time: zero candidates →
 * not there; one → that order (and it is mapped); two or more (e.g. a manual
 * order in the KIS app with the same terms) → `ambiguous`, nothing is sent
 * again. Safety rules:
 * 1. An order POST is repeated only when KIS refused it at its gateway
 *    (EGW00201 rate, EGW00123/EGW00121 token): nothing was placed then.
 *    A timeout, network error, 5xx or unreadable answer is looked up, then
 *    `timeout_unknown`; a later submit under the same client id never POSTs
 *    again (the attempt is remembered in Redis). Only the submit that
 *    claimed the id (atomically, in Redis) POSTs; the lock is per submit,
 *    not per client id.
 * 2. IOC limit orders (ORD_DVSN 11) are refused locally, with nothing sent,
 *    in the single-price auctions and outside the session.
 * 3. Limits go on the KRX tick in the trader's favour: buys down, sells up.
 * 4. closeAllPositions sells only what the bot's own orders bought.
 */
export class KisBroker implements Broker {
  readonly name: string;
  private readonly d: Required<Omit<KisBrokerDeps, 'logger'>> & { logger: Logger | undefined };

  constructor(deps: KisBrokerDeps) {
    this.name = deps.server === 'real' ? 'kis-live' : 'kis-virtual';
    this.d = {
      submitTimeoutMs: 10_000,
      maxSubmitRetries: 2,
      lookupAttempts: 3,
      inFlightLockMs: 30_000,
      unknownHoldMs: 600_000,
      lockWaitMs: 5_000,
      timeSlackMs: 5_000,
      pollMs: 500,
      closeSlippage: 0.01,
      ...deps,
      logger: deps.logger,
    };
  }

  private get http(): KisHttp {
    return this.d.http;
  }

  /** The limit on the tick, never worse than asked: buys down, sells up; whole KRW. */
  roundPrice(price: number, side: OrderSide): number {
    let t: number;
    try {
      t = this.d.tick(price, kstParts(this.d.now()).date);
    } catch {
      // The engine refuses prices ≤ 0 and dates it has no rule for.
      t = Number.NaN;
    }
    if (!(t > 0)) throw this.http.error('rejected', `order not sent: no tick size for price ${price}`, { reason: `no tick size for price ${price}` });
    const steps = price / t;
    // A price already on the tick stays (float noise aside).
    const n = Math.abs(steps - Math.round(steps)) < 1e-9 ? Math.round(steps) : side === 'buy' ? Math.floor(steps) : Math.ceil(steps);
    return Math.round(n * t);
  }

  async submitOrder(request: OrderRequest): Promise<BrokerOrder> {
    const req = validateOrderRequest(this.name, request);
    const cid = req.clientOrderId;
    if (!KR_SYMBOL.test(req.symbol)) throw this.refuse(`symbol ${req.symbol} is not a 6-character KRX code (e.g. 005930)`);
    const price = this.roundPrice(req.limitPrice, req.side);
    if (price <= 0) throw this.refuse(`limit ${req.limitPrice} is below one tick`);
    const sent = { clientOrderId: cid, symbol: req.symbol, side: req.side, qty: req.qty, limitPrice: price };

    const known = await this.known(cid, sent);
    if (known) return known;

    if (req.timeInForce === 'ioc') {
      const { now, day } = await this.sessionNow();
      const refusal = iocRefusal(now, () => day);
      if (refusal) throw this.refuse(`${refusal}`, `nothing was sent; send it again when the continuous session runs (${continuousText(day)})`);
    }

    // The lock value names this submit alone: a second submit of the same id (another process) is another owner and waits.
    const owner = lockOwner(cid);
    await this.takeLock(req.symbol, req.side, owner);
    const release = () =>
      this.d.orders.releaseInFlight(req.symbol, req.side, owner).catch((err: unknown) => this.d.logger?.debug({ clientOrderId: cid, err: this.http.scrub(String(err)) }, 'could not release the in-flight lock; it expires by itself'));

    const body = {
      CANO: this.d.account.cano,
      ACNT_PRDT_CD: this.d.account.productCode,
      PDNO: req.symbol,
      ORD_DVSN: req.timeInForce === 'ioc' ? '11' : '00',
      ORD_QTY: String(req.qty),
      ORD_UNPR: String(price),
      EXCG_ID_DVSN_CD: 'KRX',
      SLL_TYPE: req.side === 'sell' ? '01' : '',
      CNDT_PRIC: '',
    };
    // The hashkey covers these exact bytes; the order POST sends the same ones.
    const bodyText = JSON.stringify(body);
    let hashkey: string;
    let attempt: Attempt;
    let claim: Claim;
    try {
      // The hashkey comes before the marker: a failure (or a crash) here leaves nothing sent and the id free.
      hashkey = await this.http.hashkey(bodyText);
      const at = this.d.now();
      attempt = { symbol: req.symbol, side: req.side, qty: req.qty, price, at, until: at + this.windowAfterMs() };
      claim = await this.d.orders.claim(cid, attempt);
    } catch (e) {
      await release();
      throw e;
    }
    if (claim !== 'claimed') {
      // Another submit of this id got there first (mapped it, or its POST is out): look, never POST.
      await release();
      const found = await this.known(cid, sent);
      if (found) return found;
      throw this.http.error('unavailable', `another submit of client order id ${cid} was under way and has since let go of it; nothing was sent`, { clientOrderId: cid, hint: 'send it again' });
    }
    const call: KisCall = { method: 'POST', path: KIS_PATHS.orderCash, trId: trId(this.d.server, req.side), bodyText, hashkey, timeoutMs: this.d.submitTimeoutMs, priority: 'urgent' };
    const unknown = await this.post({ cid, owner, attempt, timeInForce: req.timeInForce, call });
    return unknown.kind === 'placed' ? unknown.order : this.resolveUnknown(cid, attempt, owner, unknown.why);
  }

  /**
   * The time to judge an IOC at, and the KRX session of its KST date. The
   * hours source may take a while (a database read, a cache renewal), so the
   * clock is read after it answers: judged on the time before, an order
   * could go out in the closing auction that began meanwhile. Should the
   * read have crossed KST midnight, the new date's session is read too
   * (a few times at most: each read moves the clock on).
   */
  private async sessionNow(): Promise<{ now: number; day: KrxHours | null }> {
    let date = kstParts(this.d.now()).date;
    for (let reads = 1; ; reads++) {
      const day = await this.sessionOn(date);
      const now = this.d.now();
      const today = kstParts(now).date;
      if (today === date) return { now, day };
      if (reads >= 3) {
        throw this.http.error('unavailable', `order not sent: the KRX session hours kept changing date while being read (last asked ${date}, now ${today} KST)`, {
          hint: 'nothing was sent; send it again in a minute',
        });
      }
      date = today;
    }
  }

  /**
   * The day's KRX session from the hours source. A source that cannot answer
   * (run-time overrides unreadable) refuses the order locally, nothing sent:
   * sending while a closure may stand unseen is what the source is there to stop.
   */
  private async sessionOn(kstDate: string): Promise<KrxHours | null> {
    try {
      return await this.d.hours(kstDate);
    } catch (e) {
      const why = this.http.scrub((e as Error)?.message ?? String(e));
      throw this.http.error('unavailable', `order not sent: the KRX session hours of ${kstDate} could not be read (${why})`, { hint: 'nothing was sent; send it again in a minute' });
    }
  }

  /**
   * The order already known under `cid`: mapped → that order; an attempt
   * marker (an earlier POST, or one under way in another process) → looked
   * up, never sent again (`timeout_unknown` until found); null: never sent.
   */
  private async known(cid: string, sent: { clientOrderId: string; symbol: string; side: OrderSide; qty: number; limitPrice: number }): Promise<BrokerOrder | null> {
    const mapped = await this.d.orders.byClientId(cid);
    if (mapped) return checkSameOrder(this.name, await this.getOrder(mapped.brokerOrderId), sent);
    const prior = await this.d.orders.attempt(cid);
    if (!prior) return null;
    const found = await this.findByFields(cid, prior);
    if (found) return checkSameOrder(this.name, found, sent);
    throw this.http.error('timeout_unknown', `an order POST for client order id ${cid} is under way or got no usable answer, and the order is not in the daily orders (yet)`, { clientOrderId: cid });
  }

  /**
   * Sends the claimed order. `mayBePlaced` is set before every POST KIS
   * could process and cleared only when KIS (or the local rate limit)
   * certainly refused it before processing. While it is set, the attempt
   * marker is never cleared and the lock is kept: any error becomes
   * `timeout_unknown` (naming the ODNO when KIS gave one), so a later submit
   * under the same id looks the order up instead of sending it again.
   */
  private async post(p: { cid: string; owner: string; attempt: Attempt; timeInForce: string; call: KisCall }): Promise<{ kind: 'placed'; order: BrokerOrder } | { kind: 'unknown'; why: string }> {
    const { cid, owner, attempt: a, call } = p;
    let mayBePlaced = false;
    let odno: string | null = null;
    let unknown = '';
    try {
      for (let n = 1; ; n++) {
        // The lock may have run out while the hashkey or an EGW00201 pause took long: send nothing without it.
        // It must then outlast this POST (a token retry sends it twice), or another order could start meanwhile.
        const lockMs = Math.max(this.d.inFlightLockMs, 2 * this.d.submitTimeoutMs + RETRY_PAUSE_MS);
        if (!(await this.d.orders.extendInFlight(a.symbol, a.side, owner, lockMs))) {
          throw this.http.error('unavailable', `order not sent: the in-flight lock of ${a.side} ${a.symbol} ran out before the POST of client order id ${cid}, so another order may be under way`, {
            clientOrderId: cid,
            hint: 'nothing was sent; send it again',
          });
        }
        mayBePlaced = true;
        this.d.logger?.info({ clientOrderId: cid, symbol: a.symbol, side: a.side, qty: a.qty, price: a.price, timeInForce: p.timeInForce, attempt: n }, 'submitting order');
        // KisHttp.call throws only when nothing was processed (see its doc).
        const out = await this.http.call(call).catch((e: unknown) => {
          mayBePlaced = false;
          throw e;
        });
        const placed = this.placedOrder(out, cid, a);
        if (placed) {
          odno = placed.mapped.brokerOrderId;
          const recorded = await this.d.orders.record(cid, placed.mapped);
          if (recorded !== cid) throw this.http.error('ambiguous', `KIS order ${odno} is already mapped to client order id ${recorded}`, { clientOrderId: cid });
          await this.d.orders
            .releaseInFlight(a.symbol, a.side, owner)
            .catch((err: unknown) => this.d.logger?.debug({ clientOrderId: cid, err: this.http.scrub(String(err)) }, 'could not release the in-flight lock of a placed order; it expires by itself'));
          return { kind: 'placed', order: placed.order };
        }
        if (out.kind === 'not_sent') {
          mayBePlaced = false;
          throw out.error;
        }
        if (out.kind === 'network') {
          unknown = `order POST for client order id ${cid} got no answer (${out.why})`;
          break;
        }
        if (isRefusedBeforeProcessing(out.msgCd)) {
          mayBePlaced = false;
          if (out.msgCd === KIS_CODES.rateLimit && n <= this.d.maxSubmitRetries) {
            this.d.logger?.warn({ clientOrderId: cid, attempt: n }, 'order POST refused with EGW00201 (not placed); sending it again');
            await this.d.sleep(RETRY_PAUSE_MS);
            continue;
          }
          throw this.http.errorFor(call, out, n);
        }
        const s = out.status;
        if (s >= 500 || s === 408 || (s >= 200 && s < 300 && (out.rtCd === undefined || out.rtCd === '0'))) {
          unknown = `order POST for client order id ${cid} returned HTTP ${s}${out.msgCd ? ` ${out.msgCd}` : ''} without an order number`;
          break;
        }
        // KIS answered and refused (rt_cd ≠ 0, a 4xx): processed, nothing placed.
        mayBePlaced = false;
        throw this.http.errorFor(call, out, n);
      }
    } catch (e) {
      if (!mayBePlaced) {
        // Certainly not placed: the id may be sent again.
        await this.d.orders.clearAttempt(cid).catch((err: unknown) => this.d.logger?.debug({ clientOrderId: cid, err: this.http.scrub(String(err)) }, 'could not clear the attempt marker of a refused order'));
        await this.d.orders.releaseInFlight(a.symbol, a.side, owner).catch((err: unknown) => this.d.logger?.debug({ clientOrderId: cid, err: this.http.scrub(String(err)) }, 'could not release the in-flight lock of a refused order; it expires by itself'));
        throw e;
      }
      await this.holdLock(cid, a, owner);
      const cause = this.http.scrub((e as Error)?.message ?? String(e));
      const what = odno ? `KIS placed order ${odno} for client order id ${cid}, but it could not be recorded (${cause})` : `the order POST for client order id ${cid} may have been placed, but the answer could not be handled (${cause})`;
      throw this.http.error('timeout_unknown', what, { clientOrderId: cid, hint: 'submit the same client order id again (it looks the order up, never sends it twice) or look it up with findSubmitted' });
    }
    // Held before the look-ups start: this order may exist, and no other in this symbol and side may be sent meanwhile.
    await this.holdLock(cid, a, owner);
    return { kind: 'unknown', why: unknown };
  }

  /** The latest an order sent now could be stamped by KIS, after its `at`: every POST (a token retry doubles one) with its pause, plus the clock slack. */
  private windowAfterMs(): number {
    return (this.d.maxSubmitRetries + 1) * (2 * this.d.submitTimeoutMs + RETRY_PAUSE_MS) + this.d.timeSlackMs;
  }

  /** Keeps the (symbol, side) lock while an order's outcome is unknown; says loudly when it could not. */
  private async holdLock(cid: string, a: Attempt, owner: string): Promise<void> {
    const kept = await this.d.orders.extendInFlight(a.symbol, a.side, owner, this.d.unknownHoldMs).catch((err: unknown) => {
      this.d.logger?.error({ clientOrderId: cid, err: this.http.scrub(String(err)) }, 'could not reach Redis to extend the in-flight lock');
      return false;
    });
    if (!kept) {
      this.d.logger?.error({ clientOrderId: cid, symbol: a.symbol, side: a.side }, 'could not keep the in-flight lock of an order with an unknown outcome; find it in the daily orders before sending another for this symbol and side');
    }
  }

  /** The order placed by a successful answer, or null. */
  private placedOrder(out: KisOutcome, cid: string, a: Attempt): { order: BrokerOrder; mapped: MappedOrder } | null {
    if (!KisHttp.ok(out)) return null;
    const body = lowerKeys(out.json) as { output?: unknown };
    const p = KisOrderOutput.safeParse(body.output);
    if (!p.success || p.data.odno === '') return null;
    const day = kstParts(a.at).compact;
    const brokerOrderId = brokerOrderIdOf(day, p.data.odno);
    const at = /^\d{6}$/.test(p.data.ord_tmd) ? new Date(kstInstant(day, p.data.ord_tmd)).toISOString() : new Date(a.at).toISOString();
    const order: BrokerOrder = {
      brokerOrderId,
      clientOrderId: cid,
      symbol: a.symbol,
      side: a.side,
      qty: a.qty,
      filledQty: 0,
      avgFillPrice: null,
      limitPrice: a.price,
      status: 'submitted',
      brokerStatus: 'accepted',
      submittedAt: at,
      updatedAt: at,
    };
    return { order, mapped: { brokerOrderId, orgNo: p.data.krx_fwdg_ord_orgno, symbol: a.symbol, side: a.side, qty: a.qty, price: a.price } };
  }

  /** After an unknown outcome: look the order up a few times; found → mapped and returned; else `timeout_unknown` or `ambiguous` (the lock stays either way). */
  private async resolveUnknown(cid: string, a: Attempt, owner: string, why: string): Promise<BrokerOrder> {
    this.d.logger?.warn({ clientOrderId: cid, why: this.http.scrub(why) }, 'order outcome unknown; looking it up in the daily orders');
    for (let i = 0; i < this.d.lookupAttempts; i++) {
      if (i > 0) await this.d.sleep(1000);
      try {
        const found = await this.findByFields(cid, a);
        if (found) return found;
      } catch (e) {
        if (isBrokerError(e, 'ambiguous')) {
          // Ours may be among them: no other order for this symbol and side until someone settles it.
          await this.holdLock(cid, a, owner);
          throw e;
        }
        this.d.logger?.warn({ clientOrderId: cid, err: this.http.scrub((e as Error).message) }, 'daily-orders look-up failed');
      }
    }
    // The in-flight lock is what stops a second order while this one may exist.
    await this.holdLock(cid, a, owner);
    throw this.http.error('timeout_unknown', `${why}, and it is not in the daily orders (yet)`, { clientOrderId: cid });
  }

  /**
   * Finds the order sent as `a` under `cid` in the daily orders: same symbol,
   * side, qty and price, stamped by KIS inside the attempt's window, not
   * mapped to another client id. One → mapped and returned; none → null;
   * several, or a row that cannot be read → `ambiguous`.
   *
   * The window runs from `at` less the slack to `until` (the last moment
   * the sender could have had it placed): KIS stamps orders to the second on
   * its own clock, which may run a few seconds apart from ours; an order
   * outside the window (e.g. one placed by hand later with the same terms)
   * is never claimed. Without an attempt time (`at` null) the window is the
   * whole KST day and a candidate is never claimed: any unmapped match →
   * `ambiguous`.
   */
  private async findByFields(cid: string, a: { symbol: string; side: OrderSide; qty: number; price: number; at: number | null; until?: number | undefined }): Promise<BrokerOrder | null> {
    const now = this.d.now();
    const from = a.at === null ? kstInstant(kstParts(now).compact, '000000') : a.at - this.d.timeSlackMs;
    const to = a.at === null ? now : (a.until ?? a.at + this.windowAfterMs());
    const { rows, unreadable } = await readDailyOrders(this.http, this.d.server, this.d.account, { from, to, symbol: a.symbol, side: a.side });
    const lo = Math.floor(from / 1000) * 1000;
    const matches = rows.filter((r) => {
      const t = kstInstant(r.ord_dt, r.ord_tmd);
      return isOriginalOrder(r) && r.pdno === a.symbol && r.sll_buy_dvsn_cd === codeOfSide(a.side) && r.ord_qty === a.qty && r.ord_unpr === a.price && t >= lo && t <= to;
    });
    const owners = await this.d.orders.clientIdsOf(matches.map(brokerOrderOf));
    const ours = matches.find((_, i) => owners[i] === cid);
    if (ours) return orderOfRow(ours, cid);
    const free = matches.filter((_, i) => owners[i] === null);
    const terms = `${a.side} ${a.qty} ${a.symbol} at ${a.price}`;
    if (unreadable.length > 0) {
      const list = unreadable.map((u) => `${u.brokerOrderId ?? 'a row without an order number'} (${u.why})`).join(', ');
      throw this.http.error('ambiguous', `the daily orders that could hold client order id ${cid} (${terms}) include rows that cannot be read: ${list}`, { clientOrderId: cid });
    }
    if (free.length === 0) return null;
    if (free.length > 1 || a.at === null) {
      const list = free.map((r) => `${brokerOrderOf(r)} at ${r.ord_tmd} KST`).join(', ');
      const why = a.at === null ? 'without the attempt time, an order with the same terms cannot be told from a manual one' : 'one may be a manual order';
      throw this.http.error('ambiguous', `${free.length} order(s) at KIS match client order id ${cid} (${terms}): ${list}; ${why}`, { clientOrderId: cid });
    }
    const row = free[0]!;
    const brokerOrderId = brokerOrderOf(row);
    const holder = await this.d.orders.record(cid, { brokerOrderId, orgNo: row.ord_gno_brno, symbol: a.symbol, side: a.side, qty: a.qty, price: a.price });
    if (holder !== cid) return null;
    // The attempt marker stays (until it expires): the mapping now answers first.
    await this.d.orders
      .releaseInFlightOf(a.symbol, a.side, cid)
      .catch((err: unknown) => this.d.logger?.debug({ clientOrderId: cid, err: this.http.scrub(String(err)) }, 'could not release the in-flight lock of a found order; it expires by itself'));
    this.d.logger?.info({ clientOrderId: cid, brokerOrderId }, 'order found in the daily orders and mapped');
    return orderOfRow(row, cid);
  }

  async getOrderByClientId(clientOrderId: string): Promise<BrokerOrder | null> {
    checkClientOrderId(this.name, clientOrderId);
    const m = await this.d.orders.byClientId(clientOrderId);
    if (!m) return null;
    try {
      return await this.getOrder(m.brokerOrderId);
    } catch (e) {
      if (isBrokerError(e, 'not_found')) return null;
      throw e;
    }
  }

  async findSubmitted(ref: SubmittedOrderRef): Promise<BrokerOrder | null> {
    checkClientOrderId(this.name, ref.clientOrderId);
    const cid = ref.clientOrderId;
    const price = this.roundPrice(ref.limitPrice, ref.side);
    const sent = { clientOrderId: cid, symbol: ref.symbol.toUpperCase(), side: ref.side, qty: ref.qty, limitPrice: price };
    const mapped = await this.d.orders.byClientId(cid);
    if (mapped) return checkSameOrder(this.name, await this.getOrder(mapped.brokerOrderId), sent);
    if (ref.brokerOrderId && parseBrokerOrderId(ref.brokerOrderId)) {
      const found = checkSameOrder(this.name, await this.getOrder(ref.brokerOrderId), sent);
      const holder = await this.d.orders.record(cid, { brokerOrderId: found.brokerOrderId, orgNo: '', symbol: sent.symbol, side: ref.side, qty: ref.qty, price });
      if (holder !== cid) throw this.http.error('ambiguous', `KIS order ${found.brokerOrderId} is mapped to client order id ${holder}`, { clientOrderId: cid });
      return { ...found, clientOrderId: cid };
    }
    const prior = await this.d.orders.attempt(cid);
    // Without an attempt time the look-up cannot tell a later manual order with the same terms from ours: it never claims then.
    const at = ref.attemptedAt?.getTime() ?? prior?.at ?? null;
    return this.findByFields(cid, { symbol: sent.symbol, side: ref.side, qty: ref.qty, price, at, until: prior?.until });
  }

  async getOrder(brokerOrderId: string): Promise<BrokerOrder> {
    const row = await this.orderRow(brokerOrderId);
    return orderOfRow(row, await this.d.orders.clientIdOf(brokerOrderOf(row)));
  }

  async waitForTerminal(clientOrderId: string, opts: WaitOptions = {}): Promise<BrokerOrder> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const pollMs = opts.pollMs ?? this.d.pollMs;
    let last: BrokerOrder | null = null;
    // Counted in polls: the injected clock may stand still.
    for (let waited = 0; ; waited += pollMs) {
      last = (await this.getOrderByClientId(clientOrderId)) ?? last;
      if (last && isTerminal(last.status)) return last;
      if (waited >= timeoutMs) break;
      await this.d.sleep(pollMs);
    }
    if (last) return last;
    throw this.http.error('not_found', `no KIS order is known under client order id ${clientOrderId}`, { clientOrderId });
  }

  async listOpenOrders(opts: { urgent?: boolean } = {}): Promise<BrokerOrder[]> {
    const now = this.d.now();
    const { rows, unreadable } = await this.dailyOrders({ from: now, to: now, priority: opts.urgent ? 'urgent' : 'normal' });
    // One unreadable row must not stop /kill from cancelling the rest.
    for (const u of unreadable) this.d.logger?.warn({ brokerOrderId: u.brokerOrderId, why: this.http.scrub(u.why) }, 'daily-orders row cannot be read: left out of the open orders (check it in the KIS app)');
    const open = rows.filter((r) => isOriginalOrder(r) && r.rmn_qty > 0);
    const cids = await this.d.orders.clientIdsOf(open.map(brokerOrderOf));
    return open.map((r, i) => orderOfRow(r, cids[i] ?? null));
  }

  async cancelOrder(brokerOrderId: string): Promise<void> {
    const row = await this.orderRow(brokerOrderId, 'urgent');
    if (isTerminal(orderOfRow(row, null).status)) return;
    const mapped = await this.d.orders.clientIdOf(brokerOrderOf(row)).then((cid) => (cid ? this.d.orders.byClientId(cid) : null));
    const body = {
      CANO: this.d.account.cano,
      ACNT_PRDT_CD: this.d.account.productCode,
      KRX_FWDG_ORD_ORGNO: mapped?.orgNo || row.ord_gno_brno,
      ORGN_ODNO: row.odno,
      ORD_DVSN: row.ord_dvsn_cd || '00',
      RVSE_CNCL_DVSN_CD: '02',
      ORD_QTY: '0',
      ORD_UNPR: '0',
      QTY_ALL_ORD_YN: 'Y',
      EXCG_ID_DVSN_CD: 'KRX',
    };
    const bodyText = JSON.stringify(body);
    const hashkey = await this.http.hashkey(bodyText);
    const call: KisCall = { method: 'POST', path: KIS_PATHS.orderRevise, trId: trId(this.d.server, 'reviseCancel'), bodyText, hashkey, priority: 'urgent' };
    // A cancel may be repeated: a second one finds nothing left to cancel.
    for (let n = 1; ; n++) {
      const out = await this.http.call(call);
      if (KisHttp.ok(out)) {
        this.d.logger?.info({ brokerOrderId }, 'cancel order');
        return;
      }
      const err = this.http.errorFor(call, out, n);
      if (err.kind === 'rejected') {
        // Nothing left to cancel (filled or cancelled meanwhile) is not an error.
        const now = await this.orderRow(brokerOrderId, 'urgent');
        if (isTerminal(orderOfRow(now, null).status)) return;
        throw err;
      }
      if (!err.retryable || n > 3) throw err;
      await this.d.sleep(1000);
    }
  }

  async cancelAllOrders(): Promise<{ cancelled: number; stillOpen: number | null; orderIds?: string[] }> {
    const open = await this.listOpenOrders({ urgent: true });
    const orderIds: string[] = [];
    for (const o of open) {
      try {
        await this.cancelOrder(o.brokerOrderId);
        orderIds.push(o.brokerOrderId);
      } catch (e) {
        this.d.logger?.error({ brokerOrderId: o.brokerOrderId, err: this.http.scrub((e as Error).message) }, 'cancel failed');
      }
    }
    const stillOpen = await this.listOpenOrders({ urgent: true }).then(
      (l) => l.length,
      () => null,
    );
    return { cancelled: orderIds.length, stillOpen, orderIds };
  }

  async listPositions(): Promise<BrokerPosition[]> {
    const { holdings, unreadable } = await this.balance();
    // A holding left out would look like no position at all: the whole answer fails instead.
    if (unreadable.length > 0) throw this.http.error('bad_response', `unexpected inquire-balance output1: ${unreadable.join('; ')}`);
    return holdings.map((h) => ({
      symbol: h.pdno,
      qty: h.hldg_qty,
      avgEntryPrice: h.pchs_avg_pric,
      costBasis: h.pchs_amt,
      currentPrice: h.prpr > 0 ? h.prpr : null,
      marketValue: h.prpr > 0 ? h.evlu_amt : null,
      unrealizedPl: h.prpr > 0 ? h.evlu_pfls_amt : null,
    }));
  }

  /**
   * Cash is what stays after today's trades settle (prvs_rcdl_excc_amt, D+2),
   * which is also what may be spent; equity is tot_evlu_amt. KRW integers.
   */
  async account(): Promise<BrokerAccount> {
    const { summary } = await this.balance();
    const cash = Math.round(summary.prvs_rcdl_excc_amt);
    return { cash, equity: Math.round(summary.tot_evlu_amt), buyingPower: cash };
  }

  /**
   * Cancels open orders, then sells with IOC limits what the bot's own
   * orders bought and still holds (net filled qty of the orders it mapped,
   * as far as the daily orders reach back: three months). Holdings the bot
   * did not buy are never sold: they are logged and left in listPositions.
   * A holding whose row, or whose bot orders, cannot be read is left alone
   * (logged as an error) and the others are still closed.
   */
  async closeAllPositions(): Promise<BrokerOrder[]> {
    await this.cancelAllOrders();
    const { holdings, unreadable } = await this.balance();
    for (const why of unreadable) this.d.logger?.error({ why: this.http.scrub(why) }, 'holding row cannot be read: not closed (check it in the KIS app)');
    const closing: BrokerOrder[] = [];
    for (const h of holdings) {
      let botQty: number;
      try {
        const ids = await this.d.orders.botOrderIds(h.pdno);
        botQty = ids.length === 0 ? 0 : await this.botHolding(h.pdno, ids);
      } catch (e) {
        this.d.logger?.error({ symbol: h.pdno, err: this.http.scrub((e as Error).message) }, 'could not count what the bot holds: the position is not closed');
        continue;
      }
      const qty = Math.min(h.hldg_qty, h.ord_psbl_qty > 0 ? h.ord_psbl_qty : h.hldg_qty, botQty);
      if (qty <= 0) {
        this.d.logger?.warn({ symbol: h.pdno, held: h.hldg_qty }, 'holding not bought by the bot: left alone (reported, never sold)');
        continue;
      }
      if (!(h.prpr > 0)) {
        this.d.logger?.error({ symbol: h.pdno }, 'no current price for a holding: not closed');
        continue;
      }
      const cid = `cx-kis-close-${h.pdno}-${this.d.now()}`;
      try {
        closing.push(await this.submitOrder({ clientOrderId: cid, symbol: h.pdno, side: 'sell', qty, type: 'limit', limitPrice: h.prpr * (1 - this.d.closeSlippage), timeInForce: 'ioc' }));
      } catch (e) {
        this.d.logger?.error({ symbol: h.pdno, qty, err: this.http.scrub((e as Error).message) }, 'closing sell failed; the position stays');
      }
    }
    return closing;
  }

  /** Net shares the bot's own orders in `symbol` filled (buys less sells); throws when one of them cannot be read. */
  private async botHolding(symbol: string, ids: string[]): Promise<number> {
    const mine = new Set(ids);
    const now = this.d.now();
    const oldest = ids.map((id) => parseBrokerOrderId(id)?.ordDt ?? '99999999').sort()[0]!;
    const from = Math.max(kstInstant(oldest, '000000'), now - INQUIRY_DAYS * DAY_MS);
    const { rows, unreadable } = await this.dailyOrders({ from, to: now, symbol });
    const bad = unreadable.filter((u) => u.brokerOrderId === null || mine.has(u.brokerOrderId));
    if (bad.length > 0) throw this.http.error('bad_response', `the bot's orders in ${symbol} include rows that cannot be read: ${bad.map((u) => `${u.brokerOrderId ?? '?'} (${u.why})`).join(', ')}`);
    let net = 0;
    for (const r of rows) {
      if (!isOriginalOrder(r) || !mine.has(brokerOrderOf(r))) continue;
      net += r.sll_buy_dvsn_cd === '02' ? r.tot_ccld_qty : -r.tot_ccld_qty;
    }
    return net;
  }

  /** Holdings (one per code, qty > 0; unreadable rows apart, as messages) and the summary. */
  private async balance(): Promise<{ holdings: KisHoldingRow[]; unreadable: string[]; summary: ReturnType<typeof KisBalanceSummary.parse> }> {
    const { rows, output2 } = await this.http.readPages({
      method: 'GET',
      path: KIS_PATHS.balance,
      trId: trId(this.d.server, 'balance'),
      query: {
        CANO: this.d.account.cano,
        ACNT_PRDT_CD: this.d.account.productCode,
        AFHR_FLPR_YN: 'N',
        OFL_YN: '',
        INQR_DVSN: '02',
        UNPR_DVSN: '01',
        FUND_STTL_ICLD_YN: 'N',
        FNCG_AMT_AUTO_RDPT_YN: 'N',
        PRCS_DVSN: '00',
        CTX_AREA_FK100: '',
        CTX_AREA_NK100: '',
      },
    });
    const holdings = new Map<string, KisHoldingRow>();
    const unreadable: string[] = [];
    for (const r of rows) {
      const p = KisHoldingRow.safeParse(r);
      if (!p.success) unreadable.push(describeZodError(p.error));
      // A code listed twice is one holding (a repeated page), not two.
      else if (p.data.hldg_qty > 0 && !holdings.has(p.data.pdno)) holdings.set(p.data.pdno, p.data);
    }
    const s = Array.isArray(output2) ? output2[0] : output2;
    return { holdings: [...holdings.values()], unreadable, summary: this.parse(KisBalanceSummary, s ?? {}, 'inquire-balance output2') };
  }

  /** The daily-orders row of one order; `not_found` when KIS lists none, `bad_response` when its row cannot be read. */
  private async orderRow(brokerOrderId: string, priority: 'normal' | 'urgent' = 'normal'): Promise<KisDailyOrderRow> {
    const id = parseBrokerOrderId(brokerOrderId);
    if (!id) throw this.http.error('not_found', `${JSON.stringify(String(brokerOrderId).slice(0, 40))} is not a KIS order id (YYYYMMDD-ODNO)`);
    const wanted = brokerOrderIdOf(id.ordDt, id.odno);
    const at = kstInstant(id.ordDt, '120000');
    const { rows, unreadable } = await this.dailyOrders({ from: at, to: at, odno: id.odno, priority });
    const row = rows.find((r) => brokerOrderOf(r) === wanted && isOriginalOrder(r));
    if (row) return row;
    const bad = unreadable.find((u) => u.brokerOrderId === wanted || u.brokerOrderId === null);
    if (bad) throw this.http.error('bad_response', `KIS lists order ${wanted} in a row that cannot be read: ${bad.why}`);
    throw this.http.error('not_found', `KIS lists no order ${brokerOrderId}`);
  }

  /** inquire-daily-ccld (TTTC0081R) over KST days [from, to], every page, row by row (daily-orders.ts). */
  private dailyOrders(q: DailyOrdersQuery): Promise<DailyOrders> {
    return readDailyOrders(this.http, this.d.server, this.d.account, q);
  }

  private parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, value: unknown, what: string): T {
    const p = schema.safeParse(value);
    if (!p.success) throw this.http.error('bad_response', `unexpected ${what}: ${describeZodError(p.error)}`);
    return p.data;
  }

  private refuse(why: string, hint?: string): BrokerError {
    return this.http.error('rejected', `order not sent: ${why}`, { reason: why, ...(hint ? { hint } : {}) });
  }

  /** Waits (up to lockWaitMs) for the (symbol, side) lock for `owner`; refuses when another order holds it. */
  private async takeLock(symbol: string, side: OrderSide, owner: string): Promise<void> {
    let holder: string | null = null;
    for (let waited = 0; ; waited += 100) {
      holder = await this.d.orders.lockInFlight(symbol, side, owner, this.d.inFlightLockMs);
      if (holder === null) return;
      if (waited >= this.d.lockWaitMs) break;
      await this.d.sleep(100);
    }
    throw this.refuse(
      `another ${side} order for ${symbol} is in flight (client order id ${holder || 'unknown'}); KIS has no client order ids, so one order per symbol and side goes at a time`,
      'nothing was sent; try again once that order is settled',
    );
  }
}

function brokerOrderOf(r: KisDailyOrderRow): string {
  return brokerOrderIdOf(r.ord_dt, r.odno);
}
