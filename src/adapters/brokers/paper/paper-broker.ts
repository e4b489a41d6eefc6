import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { SqlSession, UnitOfWork } from '../../db/port.js';
import { round6 } from '../../db/sql.js';
import { TypeOrmUnitOfWork } from '../../db/unit-of-work.js';
import { pgInt, pgNumeric, pgText } from '../../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../../lib/sql-rows.js';
import type { QuoteProvider } from '../../market-data/port.js';
import { BrokerError, isBrokerError } from '../errors.js';
import {
  isTerminal,
  checkClientOrderId,
  checkSameOrder,
  validateOrderRequest,
  type Broker,
  type BrokerAccount,
  type BrokerOrder,
  type BrokerPosition,
  type OrderRequest,
  type SubmittedOrderRef,
  type OrderSide,
  type OrderStatus,
  type WaitOptions,
} from '../port.js';
import type { MarketHours } from '../../../engine/market-hours.js';
import { MARKET_IDS, type Market } from '../../../engine/market/index.js';
import { marketBook, type MarketBook, type RecordedFee } from './market-book.js';
import { lockAccountSql, OPEN_SQL, PaperOrderRowSchema, placeOrder, type PaperOrderRow, type PlacementResult } from './place-order.js';

/** Top of book as the paper broker needs it. Sizes in shares; unlimited when omitted. */
export interface PaperQuote {
  bid: number;
  ask: number;
  bidSize?: number;
  askSize?: number;
  /** RFC 3339. */
  time: string;
}

export type QuoteSource = (symbol: string) => Promise<PaperQuote>;

/** Several quotes in one request; a symbol without a quote is absent. */
export type QuotesSource = (symbols: string[]) => Promise<Map<string, PaperQuote>>;

/** A {@link QuoteSource} over any market-data {@link QuoteProvider} (Alpaca, Polygon, …). */
export function quoteSourceFrom(provider: QuoteProvider): QuoteSource {
  return (symbol) => provider.latestQuote(symbol);
}

export interface PaperBrokerOptions {
  ds: DataSource;
  /**
   * The market this book trades (default US). Each market has its own account
   * (USD / KRW), sees only its own orders and positions, accepts only its own
   * symbols (six-digit KRX codes for KR), and prices on its own grid (whole won
   * on the KRX ETF tick of the session date for KR).
   */
  market?: Market;
  /**
   * Charge fees on fills (src/engine/market/fees.ts), taken from cash and
   * recorded on the fill. Default on for KR (the KIS commission), OFF for US,
   * so the US book behaves as it always has until fees are asked for (SEC fee
   * and FINRA TAF on sells, from the dated tables).
   */
  fees?: boolean;
  /** KR: the KIS commission in basis points of a fill's value (1.5 = 0.015 %); default the engine's DEFAULT_KR_COMMISSION_RATE. */
  commissionBps?: number;
  /** How the books are read and written; default a {@link TypeOrmUnitOfWork} on `ds`. */
  db?: UnitOfWork;
  quoteSource: QuoteSource;
  /** Marks every position in one request (account()); without it, one quoteSource call per position. */
  quotesSource?: QuotesSource;
  /**
   * Price impact in basis points: buys fill at min(limit, ask × (1 + bps)),
   * sells at max(limit, bid × (1 − bps)), on the tick. Default 0.
   */
  slippageBps?: number;
  /**
   * Fraction of an order's shares that fill (at least one share), further
   * capped by the quote's size at the touch. Default 1 (fill everything).
   */
  fillRatio?: number;
  /** Cash of a brand-new paper account, in the market's currency; ignored once the account exists. Default $100 000 (US), ₩10 000 000 (KR). */
  startingCash?: number;
  /** Default `paper` (US), `paper-kr` (KR). */
  name?: string;
  logger?: Logger;
  /** Default poll interval of {@link PaperBroker.waitForTerminal}. Default 250 ms. */
  pollMs?: number;
  /**
   * When orders can execute, like a real venue: an IOC outside the session
   * ends `rejected` unfilled, a day order rests. Default the market's
   * regular sessions (NYSE; KRX_HOURS for KR); ALWAYS_OPEN / KRX_ALWAYS_OPEN
   * only for tests of the fill path.
   */
  marketHours?: MarketHours;
  /** The clock the session is judged by (epoch ms). Default Date.now. */
  now?: () => number;
}

/** What executing an order against a quote comes to, decided before any row is written. */
interface Execution {
  status: OrderStatus;
  fillQty: number;
  price: number;
  rejectReason: string | null;
  /** The fill's fee; only meaningful when something fills. */
  fee: RecordedFee;
  /** Buys: the fee of every share at the limit (the most the fill's fee can be). */
  feeReserve: number;
}

/** No fill, no fee. */
const NO_FEE: RecordedFee = { fee: null, note: 'nothing filled', why: 'none' };

const ORDER_COLUMNS = `o.id, o.client_order_id, o.symbol, o.side, o.qty, o.order_type, o.limit_price, o.time_in_force, o.status,
  o.filled_qty, o.avg_fill_price, o.reject_reason, o.submitted_at, o.updated_at,
  (SELECT json_agg(json_build_object('qty', f.qty, 'price', f.price, 'at', f.filled_at) ORDER BY f.id)
     FROM paper_fills f WHERE f.order_id = o.id) AS fills`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CountRow = z.object({ n: pgInt });
const QtyRow = z.object({ qty: pgInt });
const PositionRow = z.object({ symbol: pgText, qty: pgInt, avg_cost: pgNumeric });
/** A position as `json_build_object` gives it (numbers as JSON numbers). */
const PositionJson = z.object({ symbol: z.string(), qty: z.number(), avg_cost: z.number() });
const BookRow = z.object({ cash: pgNumeric.nullable(), reserved: pgNumeric, positions: z.array(PositionJson).nullable() });

/**
 * The default broker: a simulated cash account kept in Postgres, so it
 * survives restarts and any number of processes share one set of books.
 *
 * - Idempotent by client order id: the unique index plus
 *   `INSERT … ON CONFLICT DO NOTHING` mean concurrent submits with one id
 *   place exactly one order; the others get that order back.
 * - Only during the market's session (`marketHours`): outside it an IOC
 *   ends `rejected` unfilled and a day order rests, as at a real broker.
 * - Limit orders execute once, on arrival, against `quoteSource`: a buy at or
 *   above the ask fills (IOC: a buy below the ask is `rejected`, a day order
 *   rests as `new`); sells mirror at the bid. Partial IOC fills end `canceled`
 *   with the filled shares kept. Resting day orders are not re-matched later;
 *   they stay open until {@link cancelAllOrders}.
 * - Cash account, long only: buys need cash for qty × limit beyond what open
 *   buy orders reserve; sells need the shares. Otherwise `rejected` and
 *   nothing is stored.
 * - Order, fill, position (average cost) and cash change in one transaction.
 */
export class PaperBroker implements Broker {
  readonly name: string;
  readonly market: Market;
  private readonly book: MarketBook;
  private readonly db: UnitOfWork;
  private readonly quoteSource: QuoteSource;
  private readonly quotesSource: QuotesSource | undefined;
  private readonly slippage: number;
  private readonly fillRatio: number;
  private readonly startingCash: number;
  private readonly logger: Logger | undefined;
  private readonly pollMs: number;
  private readonly hours: MarketHours;
  private readonly now: () => number;
  private accountReady: Promise<void> | undefined;

  constructor(opts: PaperBrokerOptions) {
    this.market = opts.market ?? 'US';
    if (!MARKET_IDS.includes(this.market)) throw new RangeError(`market must be one of ${MARKET_IDS.join(', ')}, not ${String(this.market)}`);
    this.book = marketBook(this.market, { fees: opts.fees ?? this.market === 'KR', commissionBps: opts.commissionBps });
    this.name = opts.name ?? this.book.defaultName;
    this.quoteSource = opts.quoteSource;
    this.quotesSource = opts.quotesSource;
    const bps = opts.slippageBps ?? 0;
    if (!Number.isFinite(bps) || bps < 0 || bps >= 10_000) throw new RangeError(`slippageBps must be in [0, 10000), not ${bps}`);
    this.slippage = bps / 10_000;
    const ratio = opts.fillRatio ?? 1;
    if (!Number.isFinite(ratio) || ratio <= 0 || ratio > 1) throw new RangeError(`fillRatio must be in (0, 1], not ${ratio}`);
    this.fillRatio = ratio;
    this.startingCash = opts.startingCash ?? this.book.defaultStartingCash;
    if (!Number.isFinite(this.startingCash) || this.startingCash < 0) throw new RangeError(`startingCash must be >= 0, not ${this.startingCash}`);
    if (this.book.currency === 'KRW' && !Number.isInteger(this.startingCash)) throw new RangeError(`startingCash is whole won for the KR book, not ${this.startingCash}`);
    this.logger = opts.logger?.child({ broker: this.name });
    this.db = opts.db ?? new TypeOrmUnitOfWork(opts.ds, this.logger);
    this.pollMs = opts.pollMs ?? 250;
    this.hours = opts.marketHours ?? this.book.defaultHours;
    this.now = opts.now ?? (() => Date.now());
  }

  async submitOrder(request: OrderRequest): Promise<BrokerOrder> {
    const valid = validateOrderRequest(this.name, request);
    const refusal = this.book.refusal(valid.symbol, this.name);
    if (refusal !== null) throw new BrokerError({ broker: this.name, kind: 'rejected', detail: `order ${valid.clientOrderId} rejected: ${refusal}`, reason: refusal, clientOrderId: valid.clientOrderId });
    // The grid and the fee rates of the session the order arrives in.
    const date = this.book.sessionDate(this.now());
    // On the tick, never worse than asked: buys round down, sells up.
    const req = { ...valid, limitPrice: this.limitOnTick(valid.limitPrice, valid.side, date, valid.clientOrderId) };
    const cid = req.clientOrderId;
    // Independent reads at once; a repeat submit returns the existing order whatever the quote says.
    const [existing, quoted] = await Promise.all([
      this.getOrderByClientId(cid),
      this.quote(req.symbol).then(
        (q) => ({ ok: true as const, q }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
      this.ensureAccount(),
    ]);
    if (existing) return this.alreadyPlaced(existing, req);
    if (!quoted.ok) throw quoted.error;
    const exec = this.execution(req, quoted.q, date);
    this.warnIfFeeUnknown(exec, req.symbol, cid);

    let result: PlacementResult;
    try {
      result = await this.locked(async (client) =>
        placeOrder(client, {
          id: randomUUID(),
          clientOrderId: cid,
          symbol: req.symbol,
          side: req.side,
          qty: req.qty,
          market: this.market,
          currency: this.book.currency,
          orderType: 'limit',
          limitPrice: req.limitPrice,
          timeInForce: req.timeInForce,
          status: exec.status,
          fillQty: exec.fillQty,
          price: exec.price,
          rejectReason: exec.rejectReason,
          fee: exec.fee.fee,
          feeNote: exec.fee.note,
          feeReserve: exec.feeReserve,
        }),
      );
    } catch (e) {
      if (isBrokerError(e)) throw e;
      return this.afterDatabaseError(cid, e);
    }
    if (result.kind === 'short') {
      const reason =
        req.side === 'buy'
          ? `insufficient buying power: ${this.book.format(req.qty * req.limitPrice + exec.feeReserve)} needed (${req.qty} × ${req.limitPrice}${exec.feeReserve > 0 ? ` + fees ${this.book.format(exec.feeReserve)}` : ''}), ${this.book.format(Math.max(0, result.cash - result.reservedCash))} available`
          : `insufficient qty available for order (requested: ${req.qty}, available: ${Math.max(0, result.held - result.reservedShares)}); the paper account does not sell short`;
      throw new BrokerError({ broker: this.name, kind: 'rejected', detail: `order ${cid} rejected: ${reason}`, reason, clientOrderId: cid });
    }
    if (result.kind === 'conflict') {
      // Another submit with this id won; it is committed now.
      const other = await this.getOrderByClientId(cid);
      if (!other) {
        // Stored, yet not in this book: the other market's book holds that client order id (ids are unique across both).
        if (await this.heldByOtherBook(cid)) {
          const reason = `client order id ${cid} is already used by the other market's paper book`;
          throw new BrokerError({ broker: this.name, kind: 'rejected', detail: `order ${cid} rejected: ${reason}`, reason, clientOrderId: cid });
        }
        throw new BrokerError({ broker: this.name, kind: 'timeout_unknown', detail: `order ${cid} was stored but cannot be read back`, clientOrderId: cid });
      }
      return this.alreadyPlaced(other, req);
    }
    const order = toOrder(result.row);
    this.logger?.info({ clientOrderId: cid, symbol: order.symbol, side: order.side, qty: order.qty, filledQty: order.filledQty, price: order.avgFillPrice, status: order.status }, 'paper order');
    return order;
  }

  async getOrderByClientId(clientOrderId: string): Promise<BrokerOrder | null> {
    checkClientOrderId(this.name, clientOrderId);
    const found = await this.select(PaperOrderRowSchema, `SELECT ${ORDER_COLUMNS} FROM paper_orders o WHERE o.client_order_id = $1 AND o.market = $2`, [clientOrderId, this.market]);
    return found[0] ? toOrder(found[0]) : null;
  }

  /** Ours by client order id, when it is the order `ref` describes (else `ambiguous`). */
  async findSubmitted(ref: SubmittedOrderRef): Promise<BrokerOrder | null> {
    const found = await this.getOrderByClientId(ref.clientOrderId);
    return found && checkSameOrder(this.name, found, ref);
  }

  async getOrder(brokerOrderId: string): Promise<BrokerOrder> {
    const found = UUID.test(String(brokerOrderId))
      ? await this.select(PaperOrderRowSchema, `SELECT ${ORDER_COLUMNS} FROM paper_orders o WHERE o.id = $1 AND o.market = $2`, [brokerOrderId, this.market])
      : [];
    if (!found[0]) throw new BrokerError({ broker: this.name, kind: 'not_found', detail: `no paper order with id ${JSON.stringify(String(brokerOrderId).slice(0, 60))}` });
    return toOrder(found[0]);
  }

  async waitForTerminal(clientOrderId: string, opts: WaitOptions = {}): Promise<BrokerOrder> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const pollMs = opts.pollMs ?? this.pollMs;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const o = await this.getOrderByClientId(clientOrderId);
      if (o && isTerminal(o.status)) return o;
      if (Date.now() + pollMs > deadline) {
        if (o) return o;
        throw new BrokerError({ broker: this.name, kind: 'not_found', detail: `no paper order with client order id ${clientOrderId}`, clientOrderId, hint: 'check that the order was submitted to the paper broker' });
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async listOpenOrders(): Promise<BrokerOrder[]> {
    const found = await this.select(PaperOrderRowSchema, `SELECT ${ORDER_COLUMNS} FROM paper_orders o WHERE o.market = $1 AND o.status IN ${OPEN_SQL} ORDER BY o.submitted_at, o.id`, [
      this.market,
    ]);
    return found.map(toOrder);
  }

  async cancelAllOrders(): Promise<{ cancelled: number; stillOpen: number }> {
    await this.ensureAccount();
    const cancelled = await this.locked((tx) =>
      tx.exec(`UPDATE paper_orders SET status = 'canceled', updated_at = clock_timestamp() WHERE market = $1 AND status IN ('new', 'partially_filled')`, [this.market]),
    );
    const open = await this.select(CountRow, `SELECT count(*)::int AS n FROM paper_orders WHERE market = $1 AND status IN ${OPEN_SQL}`, [this.market]);
    const result = { cancelled, stillOpen: open[0]?.n ?? 0 };
    this.logger?.info(result, 'paper cancel all orders');
    return result;
  }

  async listPositions(): Promise<BrokerPosition[]> {
    const found = await this.select(PositionRow, `SELECT symbol, qty, avg_cost FROM paper_positions WHERE market = $1 ORDER BY symbol`, [this.market]);
    return found.map(toPosition);
  }

  /** Cancels open orders, then sells every position in full at the bid (a market order, no slippage). */
  async closeAllPositions(): Promise<BrokerOrder[]> {
    await this.cancelAllOrders();
    const closing: BrokerOrder[] = [];
    for (const p of await this.listPositions()) {
      let bid: number;
      const date = this.book.sessionDate(this.now());
      try {
        bid = (await this.quote(p.symbol)).bid;
        if (!(bid > 0)) throw new BrokerError({ broker: this.name, kind: 'bad_response', detail: `no bid for ${p.symbol}` });
        // KR sells at a price on the KRX grid (a quote normally is); the US price is taken as quoted, as before.
        if (this.market === 'KR') bid = this.book.onTick(bid, 'down', date);
      } catch (e) {
        this.logger?.warn({ symbol: p.symbol, err: isBrokerError(e) ? e.message : String(e) }, 'position not closed: no usable quote');
        continue;
      }
      const cid = `close-${randomUUID()}`;
      const placed = await this.locked(async (tx) => {
        // Under the account lock every paper writer waits: this read is current.
        const held = await rowOf(tx, QtyRow, `SELECT qty FROM paper_positions WHERE symbol = $1 AND market = $2`, [p.symbol, this.market]);
        const qty = held?.qty ?? 0;
        if (qty <= 0) return null;
        const fee = this.book.fee('sell', qty, bid, date);
        this.warnIfFeeUnknown({ fillQty: qty, fee }, p.symbol, cid);
        return placeOrder(tx, {
          market: this.market,
          currency: this.book.currency,
          id: randomUUID(),
          clientOrderId: cid,
          symbol: p.symbol,
          side: 'sell',
          qty,
          orderType: 'market',
          limitPrice: null,
          timeInForce: 'day',
          status: 'filled',
          fillQty: qty,
          price: bid,
          rejectReason: null,
          fee: fee.fee,
          feeNote: fee.note,
          feeReserve: 0,
        });
      });
      if (placed?.kind === 'placed') closing.push(toOrder(placed.row));
    }
    this.logger?.info({ orders: closing.length }, 'paper close all positions');
    return closing;
  }

  async account(): Promise<BrokerAccount> {
    await this.ensureAccount();
    // One read: cash, what open buys reserve, and the positions.
    const [book] = await this.select(
      BookRow,
      `SELECT (SELECT cash FROM paper_account WHERE market = $1) AS cash,
              (SELECT COALESCE(SUM((qty - filled_qty) * limit_price), 0) FROM paper_orders WHERE market = $1 AND side = 'buy' AND status IN ${OPEN_SQL}) AS reserved,
              (SELECT json_agg(json_build_object('symbol', symbol, 'qty', qty, 'avg_cost', avg_cost) ORDER BY symbol) FROM paper_positions WHERE market = $1) AS positions`,
      [this.market],
    );
    const positions = (book?.positions ?? []).map(toPosition);
    const cash = Number(book?.cash ?? 0);
    // Positions are marked at the bid (what they would sell for), at cost when no quote is to be had.
    const bids = await this.bids(positions.map((p) => p.symbol));
    const marks = positions.map((p) => {
      const bid = bids.get(p.symbol);
      return bid !== undefined && Number.isFinite(bid) && bid > 0 ? bid : p.avgEntryPrice;
    });
    const value = positions.reduce((sum, p, i) => sum + p.qty * marks[i]!, 0);
    return { cash: round6(cash), equity: round6(cash + value), buyingPower: round6(Math.max(0, cash - Number(book?.reserved ?? 0))) };
  }

  // ---------------------------------------------------------------------------

  /** Bids of `symbols` (absent where no quote could be had), in one request when the source can. */
  private async bids(symbols: string[]): Promise<Map<string, number>> {
    if (symbols.length === 0) return new Map();
    if (this.quotesSource) {
      const quotes = await this.quotesSource(symbols).catch((err: unknown) => {
        // Marks only: without bids every position is marked at cost (see account()).
        this.logger?.debug({ err }, 'no bids for the paper marks; positions marked at cost');
        return new Map<string, PaperQuote>();
      });
      return new Map([...quotes].map(([s, q]) => [s, q.bid]));
    }
    const got = await Promise.all(
      symbols.map((s) =>
        this.quoteSource(s).then(
          (q) => [s, q.bid] as const,
          (err: unknown) => {
            this.logger?.debug({ err, symbol: s }, 'no bid for the paper mark; position marked at cost');
            return null;
          },
        ),
      ),
    );
    return new Map(got.filter((g) => g !== null));
  }

  /** The quote, checked; `unavailable` when it cannot be had, `bad_response` when it is nonsense. */
  private async quote(symbol: string): Promise<PaperQuote> {
    let q: PaperQuote;
    try {
      q = await this.quoteSource(symbol);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new BrokerError({ broker: this.name, kind: 'unavailable', detail: `no quote for ${symbol} (${why.slice(0, 200)}); nothing was placed`, cause: e });
    }
    const ok = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
    if (!q || !ok(q.bid) || !ok(q.ask) || q.ask <= 0 || (q.bidSize !== undefined && !ok(q.bidSize)) || (q.askSize !== undefined && !ok(q.askSize))) {
      throw new BrokerError({ broker: this.name, kind: 'bad_response', detail: `unusable quote for ${symbol}: ${JSON.stringify(q).slice(0, 200)}; nothing was placed` });
    }
    return q;
  }

  /** How a new limit order executes against `q` on arrival. */
  private execution(req: OrderRequest, q: PaperQuote, date: string): Execution {
    // Buys must also cover the most their fill's fee can be: every share at the limit.
    const feeReserve = req.side === 'buy' ? (this.book.fee('buy', req.qty, req.limitPrice, date).fee ?? 0) : 0;
    const none = { fee: NO_FEE, feeReserve };
    if (!this.hours.isOpen(this.now())) {
      // A real venue executes nothing outside its session: an IOC ends unfilled, a day order waits.
      if (req.timeInForce === 'day') return { status: 'new', fillQty: 0, price: 0, rejectReason: null, ...none };
      return { status: 'rejected', fillQty: 0, price: 0, rejectReason: `market closed: an IOC order outside the regular session cannot fill`, ...none };
    }
    const buy = req.side === 'buy';
    const touch = buy ? q.ask : q.bid;
    const marketable = touch > 0 && (buy ? req.limitPrice >= q.ask : req.limitPrice <= q.bid);
    if (!marketable) {
      if (req.timeInForce === 'day') return { status: 'new', fillQty: 0, price: 0, rejectReason: null, ...none };
      const reason = buy
        ? `limit ${req.limitPrice} is below the ask ${q.ask}: an IOC buy cannot fill`
        : touch > 0
          ? `limit ${req.limitPrice} is above the bid ${q.bid}: an IOC sell cannot fill`
          : `there is no bid for ${req.symbol}: an IOC sell cannot fill`;
      return { status: 'rejected', fillQty: 0, price: 0, rejectReason: reason, ...none };
    }
    const price = buy
      ? Math.min(req.limitPrice, this.book.onTick(q.ask * (1 + this.slippage), 'up', date))
      : Math.max(req.limitPrice, this.floorOnTick(q.bid * (1 - this.slippage), date));
    const size = buy ? q.askSize : q.bidSize;
    const wanted = Math.min(req.qty, Math.max(1, Math.floor(req.qty * this.fillRatio + 1e-9)));
    const fillQty = Math.min(wanted, size === undefined ? Infinity : Math.floor(size));
    const status: OrderStatus = fillQty === req.qty ? 'filled' : req.timeInForce === 'ioc' ? 'canceled' : fillQty > 0 ? 'partially_filled' : 'new';
    const fee = fillQty > 0 ? this.book.fee(req.side, fillQty, price, date) : NO_FEE;
    return { status, fillQty, price, rejectReason: null, fee, feeReserve };
  }

  /** A limit on the market's grid, never worse than asked (buys down, sells up); a limit with no such price is refused. */
  private limitOnTick(limit: number, side: OrderSide, date: string, cid: string): number {
    try {
      return this.book.onTick(limit, side === 'buy' ? 'down' : 'up', date);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      const reason = `limit ${limit} has no price on the ${this.market} tick grid of ${date}: ${e.message}`;
      throw new BrokerError({ broker: this.name, kind: 'rejected', detail: `order ${cid} rejected: ${reason}`, reason, clientOrderId: cid });
    }
  }

  /** `price` rounded down to the grid; 0 (never better than a sell's limit) when that is below the lowest price. */
  private floorOnTick(price: number, date: string): number {
    try {
      return this.book.onTick(price, 'down', date);
    } catch (e) {
      if (e instanceof RangeError) return 0;
      throw e;
    }
  }

  /**
   * A fill whose fee could not be had (a rate past the tables' end) is still
   * recorded, with the fee NULL and the reason on the fill: refusing or
   * holding the trade over a fee line would be the bigger money surprise. The
   * warning says which table to extend. Fees switched off are not warned of.
   */
  private warnIfFeeUnknown(exec: Pick<Execution, 'fillQty' | 'fee'>, symbol: string, cid: string): void {
    if (exec.fillQty > 0 && exec.fee.fee === null && exec.fee.why === 'unknown') {
      this.logger?.warn({ clientOrderId: cid, symbol, reason: exec.fee.note }, 'paper fill recorded with its fee unknown');
    }
  }

  /** True when a paper order with this client order id belongs to the other market's book. */
  private async heldByOtherBook(cid: string): Promise<boolean> {
    const found = await this.select(CountRow, `SELECT count(*)::int AS n FROM paper_orders WHERE client_order_id = $1 AND market <> $2`, [cid, this.market]);
    return (found[0]?.n ?? 0) > 0;
  }

  /** Runs `fn` in a transaction that first takes the account lock (sent with BEGIN: one round trip). */
  private locked<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.db.oneTrip(lockAccountSql(this.market), async (tx, opened) => {
      if (!opened[0]?.rows[0]) throw new BrokerError({ broker: this.name, kind: 'unavailable', detail: 'the paper account row is missing' });
      return { value: await fn(tx) };
    });
  }

  /** The order another submit with this id placed: ours only when it is the same order (else `ambiguous`). */
  private alreadyPlaced(existing: BrokerOrder, req: OrderRequest): BrokerOrder {
    return checkSameOrder(this.name, existing, req);
  }

  /**
   * The transaction failed for a database reason; the commit may or may not
   * have happened. Read back: found → it was placed; absent → nothing was
   * placed (`unavailable`, safe to retry); unreadable → `timeout_unknown`.
   */
  private async afterDatabaseError(cid: string, e: unknown): Promise<BrokerOrder> {
    const why = e instanceof Error ? e.message : String(e);
    let found: BrokerOrder | null;
    try {
      found = await this.getOrderByClientId(cid);
    } catch {
      throw new BrokerError({ broker: this.name, kind: 'timeout_unknown', detail: `database error while placing order ${cid} (${why.slice(0, 200)}) and it cannot be looked up`, clientOrderId: cid, cause: e });
    }
    if (found) return found;
    throw new BrokerError({ broker: this.name, kind: 'unavailable', detail: `database error while placing order ${cid} (${why.slice(0, 200)}); nothing was placed`, clientOrderId: cid, cause: e });
  }

  private ensureAccount(): Promise<void> {
    this.accountReady ??= this.db
      .exec(`INSERT INTO paper_account (market, currency, cash) VALUES ($1, $2, $3) ON CONFLICT (market) DO NOTHING`, [this.market, this.book.currency, this.startingCash])
      .then(() => undefined)
      .catch((e: unknown) => {
        this.accountReady = undefined;
        throw this.dbError('create the paper account', e);
      });
    return this.accountReady;
  }

  private async select<S extends z.ZodType>(schema: S, sql: string, params: unknown[] = []): Promise<z.output<S>[]> {
    try {
      return await rowsOf(this.db, schema, sql, params);
    } catch (e) {
      throw this.dbError('read the paper books', e);
    }
  }

  private dbError(what: string, e: unknown): BrokerError {
    const why = e instanceof Error ? e.message : String(e);
    return new BrokerError({ broker: this.name, kind: 'unavailable', detail: `could not ${what}: ${why.slice(0, 200)}`, cause: e });
  }
}

function toPosition(p: { symbol: string; qty: number; avg_cost: string | number }): BrokerPosition {
  const avg = Number(p.avg_cost);
  return { symbol: p.symbol, qty: p.qty, avgEntryPrice: avg, costBasis: round6(p.qty * avg), currentPrice: null, marketValue: null, unrealizedPl: null };
}

function toOrder(row: PaperOrderRow): BrokerOrder {
  const fills = (row.fills ?? []).map((f) => ({ qty: Number(f.qty), price: Number(f.price), at: new Date(f.at).toISOString() }));
  const order: BrokerOrder = {
    brokerOrderId: row.id,
    clientOrderId: row.client_order_id,
    symbol: row.symbol,
    side: row.side,
    qty: row.qty,
    filledQty: row.filled_qty,
    avgFillPrice: row.avg_fill_price === null ? null : Number(row.avg_fill_price),
    limitPrice: row.limit_price === null ? null : Number(row.limit_price),
    status: row.status,
    brokerStatus: row.status,
    timeInForce: row.time_in_force,
    submittedAt: row.submitted_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    fills,
  };
  if (row.reject_reason !== null) order.rejectReason = row.reject_reason;
  return order;
}
