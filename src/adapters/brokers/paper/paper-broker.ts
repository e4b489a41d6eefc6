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
import { roundToTick } from '../../../engine/tick.js';
import { EXCHANGE_HOURS, type MarketHours } from '../../../engine/market-hours.js';
import { LOCK_ACCOUNT_SQL, OPEN_SQL, PaperOrderRowSchema, placeOrder, type PaperOrderRow, type PlacementResult } from './place-order.js';

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
  /** Cash of a brand-new paper account; ignored once the account exists. Default 100 000. */
  startingCash?: number;
  /** Default `paper`. */
  name?: string;
  logger?: Logger;
  /** Default poll interval of {@link PaperBroker.waitForTerminal}. Default 250 ms. */
  pollMs?: number;
  /**
   * When orders can execute, like a real venue: an IOC outside the session
   * ends `rejected` unfilled, a day order rests. Default the exchange's
   * regular sessions; ALWAYS_OPEN only for tests of the fill path.
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
}

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
    this.name = opts.name ?? 'paper';
    this.quoteSource = opts.quoteSource;
    this.quotesSource = opts.quotesSource;
    const bps = opts.slippageBps ?? 0;
    if (!Number.isFinite(bps) || bps < 0 || bps >= 10_000) throw new RangeError(`slippageBps must be in [0, 10000), not ${bps}`);
    this.slippage = bps / 10_000;
    const ratio = opts.fillRatio ?? 1;
    if (!Number.isFinite(ratio) || ratio <= 0 || ratio > 1) throw new RangeError(`fillRatio must be in (0, 1], not ${ratio}`);
    this.fillRatio = ratio;
    this.startingCash = opts.startingCash ?? 100_000;
    if (!Number.isFinite(this.startingCash) || this.startingCash < 0) throw new RangeError(`startingCash must be >= 0, not ${this.startingCash}`);
    this.logger = opts.logger?.child({ broker: this.name });
    this.db = opts.db ?? new TypeOrmUnitOfWork(opts.ds, this.logger);
    this.pollMs = opts.pollMs ?? 250;
    this.hours = opts.marketHours ?? EXCHANGE_HOURS;
    this.now = opts.now ?? (() => Date.now());
  }

  async submitOrder(request: OrderRequest): Promise<BrokerOrder> {
    const valid = validateOrderRequest(this.name, request);
    // On the tick, never worse than asked: buys round down, sells up.
    const req = { ...valid, limitPrice: roundToTick(valid.limitPrice, valid.side === 'buy' ? 'down' : 'up') };
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
    const exec = this.execution(req, quoted.q);

    let result: PlacementResult;
    try {
      result = await this.locked(async (client) =>
        placeOrder(client, {
          id: randomUUID(),
          clientOrderId: cid,
          symbol: req.symbol,
          side: req.side,
          qty: req.qty,
          orderType: 'limit',
          limitPrice: req.limitPrice,
          timeInForce: req.timeInForce,
          status: exec.status,
          fillQty: exec.fillQty,
          price: exec.price,
          rejectReason: exec.rejectReason,
        }),
      );
    } catch (e) {
      if (isBrokerError(e)) throw e;
      return this.afterDatabaseError(cid, e);
    }
    if (result.kind === 'short') {
      const reason =
        req.side === 'buy'
          ? `insufficient buying power: ${money(req.qty * req.limitPrice)} needed (${req.qty} × ${req.limitPrice}), ${money(Math.max(0, result.cash - result.reservedCash))} available`
          : `insufficient qty available for order (requested: ${req.qty}, available: ${Math.max(0, result.held - result.reservedShares)}); the paper account does not sell short`;
      throw new BrokerError({ broker: this.name, kind: 'rejected', detail: `order ${cid} rejected: ${reason}`, reason, clientOrderId: cid });
    }
    if (result.kind === 'conflict') {
      // Another submit with this id won; it is committed now.
      const other = await this.getOrderByClientId(cid);
      if (!other) throw new BrokerError({ broker: this.name, kind: 'timeout_unknown', detail: `order ${cid} was stored but cannot be read back`, clientOrderId: cid });
      return this.alreadyPlaced(other, req);
    }
    const order = toOrder(result.row);
    this.logger?.info({ clientOrderId: cid, symbol: order.symbol, side: order.side, qty: order.qty, filledQty: order.filledQty, price: order.avgFillPrice, status: order.status }, 'paper order');
    return order;
  }

  async getOrderByClientId(clientOrderId: string): Promise<BrokerOrder | null> {
    checkClientOrderId(this.name, clientOrderId);
    const found = await this.select(PaperOrderRowSchema, `SELECT ${ORDER_COLUMNS} FROM paper_orders o WHERE o.client_order_id = $1`, [clientOrderId]);
    return found[0] ? toOrder(found[0]) : null;
  }

  /** Ours by client order id, when it is the order `ref` describes (else `ambiguous`). */
  async findSubmitted(ref: SubmittedOrderRef): Promise<BrokerOrder | null> {
    const found = await this.getOrderByClientId(ref.clientOrderId);
    return found && checkSameOrder(this.name, found, ref);
  }

  async getOrder(brokerOrderId: string): Promise<BrokerOrder> {
    const found = UUID.test(String(brokerOrderId)) ? await this.select(PaperOrderRowSchema, `SELECT ${ORDER_COLUMNS} FROM paper_orders o WHERE o.id = $1`, [brokerOrderId]) : [];
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
    const found = await this.select(PaperOrderRowSchema, `SELECT ${ORDER_COLUMNS} FROM paper_orders o WHERE o.status IN ${OPEN_SQL} ORDER BY o.submitted_at, o.id`);
    return found.map(toOrder);
  }

  async cancelAllOrders(): Promise<{ cancelled: number; stillOpen: number }> {
    await this.ensureAccount();
    const cancelled = await this.locked((tx) =>
      tx.exec(`UPDATE paper_orders SET status = 'canceled', updated_at = clock_timestamp() WHERE status IN ('new', 'partially_filled')`),
    );
    const open = await this.select(CountRow, `SELECT count(*)::int AS n FROM paper_orders WHERE status IN ${OPEN_SQL}`);
    const result = { cancelled, stillOpen: open[0]?.n ?? 0 };
    this.logger?.info(result, 'paper cancel all orders');
    return result;
  }

  async listPositions(): Promise<BrokerPosition[]> {
    const found = await this.select(PositionRow, `SELECT symbol, qty, avg_cost FROM paper_positions ORDER BY symbol`);
    return found.map(toPosition);
  }

  /** Cancels open orders, then sells every position in full at the bid (a market order, no slippage). */
  async closeAllPositions(): Promise<BrokerOrder[]> {
    await this.cancelAllOrders();
    const closing: BrokerOrder[] = [];
    for (const p of await this.listPositions()) {
      let bid: number;
      try {
        bid = (await this.quote(p.symbol)).bid;
        if (!(bid > 0)) throw new BrokerError({ broker: this.name, kind: 'bad_response', detail: `no bid for ${p.symbol}` });
      } catch (e) {
        this.logger?.warn({ symbol: p.symbol, err: isBrokerError(e) ? e.message : String(e) }, 'position not closed: no usable quote');
        continue;
      }
      const cid = `close-${randomUUID()}`;
      const placed = await this.locked(async (tx) => {
        // Under the account lock every paper writer waits: this read is current.
        const held = await rowOf(tx, QtyRow, `SELECT qty FROM paper_positions WHERE symbol = $1`, [p.symbol]);
        const qty = held?.qty ?? 0;
        if (qty <= 0) return null;
        return placeOrder(tx, {
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
      `SELECT (SELECT cash FROM paper_account WHERE id = 1) AS cash,
              (SELECT COALESCE(SUM((qty - filled_qty) * limit_price), 0) FROM paper_orders WHERE side = 'buy' AND status IN ${OPEN_SQL}) AS reserved,
              (SELECT json_agg(json_build_object('symbol', symbol, 'qty', qty, 'avg_cost', avg_cost) ORDER BY symbol) FROM paper_positions) AS positions`,
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
  private execution(req: OrderRequest, q: PaperQuote): Execution {
    if (!this.hours.isOpen(this.now())) {
      // A real venue executes nothing outside its session: an IOC ends unfilled, a day order waits.
      if (req.timeInForce === 'day') return { status: 'new', fillQty: 0, price: 0, rejectReason: null };
      return { status: 'rejected', fillQty: 0, price: 0, rejectReason: `market closed: an IOC order outside the regular session cannot fill` };
    }
    const buy = req.side === 'buy';
    const touch = buy ? q.ask : q.bid;
    const marketable = touch > 0 && (buy ? req.limitPrice >= q.ask : req.limitPrice <= q.bid);
    if (!marketable) {
      if (req.timeInForce === 'day') return { status: 'new', fillQty: 0, price: 0, rejectReason: null };
      const reason = buy
        ? `limit ${req.limitPrice} is below the ask ${q.ask}: an IOC buy cannot fill`
        : touch > 0
          ? `limit ${req.limitPrice} is above the bid ${q.bid}: an IOC sell cannot fill`
          : `there is no bid for ${req.symbol}: an IOC sell cannot fill`;
      return { status: 'rejected', fillQty: 0, price: 0, rejectReason: reason };
    }
    const price = buy
      ? Math.min(req.limitPrice, roundToTick(q.ask * (1 + this.slippage), 'up'))
      : Math.max(req.limitPrice, roundToTick(q.bid * (1 - this.slippage), 'down'));
    const size = buy ? q.askSize : q.bidSize;
    const wanted = Math.min(req.qty, Math.max(1, Math.floor(req.qty * this.fillRatio + 1e-9)));
    const fillQty = Math.min(wanted, size === undefined ? Infinity : Math.floor(size));
    const status: OrderStatus = fillQty === req.qty ? 'filled' : req.timeInForce === 'ioc' ? 'canceled' : fillQty > 0 ? 'partially_filled' : 'new';
    return { status, fillQty, price, rejectReason: null };
  }

  /** Runs `fn` in a transaction that first takes the account lock (sent with BEGIN: one round trip). */
  private locked<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.db.oneTrip(LOCK_ACCOUNT_SQL, async (tx, opened) => {
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
      .exec(`INSERT INTO paper_account (id, cash) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, [this.startingCash])
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

function money(n: number): string {
  return `$${n.toFixed(2)}`;
}
