import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource, QueryRunner } from 'typeorm';
import { tx } from '../../db/sql.js';
import type { QuoteProvider } from '../../market-data/port.js';
import { BrokerError, isBrokerError } from '../errors.js';
import {
  isTerminal,
  checkClientOrderId,
  validateOrderRequest,
  type Broker,
  type BrokerAccount,
  type BrokerOrder,
  type BrokerPosition,
  type OrderRequest,
  type OrderSide,
  type OrderStatus,
  type WaitOptions,
} from '../port.js';
import { roundToTick } from '../tick.js';

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

/** A {@link QuoteSource} over any market-data {@link QuoteProvider} (Alpaca, Polygon, …). */
export function quoteSourceFrom(provider: QuoteProvider): QuoteSource {
  return (symbol) => provider.latestQuote(symbol);
}

export interface PaperBrokerOptions {
  ds: DataSource;
  quoteSource: QuoteSource;
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
}

interface OrderRow {
  id: string;
  client_order_id: string;
  symbol: string;
  side: OrderSide;
  qty: number;
  order_type: string;
  limit_price: string | null;
  time_in_force: string;
  status: OrderStatus;
  filled_qty: number;
  avg_fill_price: string | null;
  reject_reason: string | null;
  submitted_at: Date;
  updated_at: Date;
  fills: { qty: number; price: number | string; at: string }[] | null;
}

/** What executing an order against a quote comes to, decided before any row is written. */
interface Execution {
  status: OrderStatus;
  fillQty: number;
  price: number;
  rejectReason: string | null;
}

const OPEN_SQL = `('new', 'submitted', 'partially_filled')`;
const ORDER_COLUMNS = `o.id, o.client_order_id, o.symbol, o.side, o.qty, o.order_type, o.limit_price, o.time_in_force, o.status,
  o.filled_qty, o.avg_fill_price, o.reject_reason, o.submitted_at, o.updated_at,
  (SELECT json_agg(json_build_object('qty', f.qty, 'price', f.price, 'at', f.filled_at) ORDER BY f.id)
     FROM paper_fills f WHERE f.order_id = o.id) AS fills`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Refusal inside the transaction: rolls it back, then surfaces as a `rejected` BrokerError. */
class Refused extends Error {}

/**
 * The default broker: a simulated cash account kept in Postgres, so it
 * survives restarts and any number of processes share one set of books.
 *
 * - Idempotent by client order id: the unique index plus
 *   `INSERT … ON CONFLICT DO NOTHING` mean concurrent submits with one id
 *   place exactly one order; the others get that order back.
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
  private readonly ds: DataSource;
  private readonly quoteSource: QuoteSource;
  private readonly slippage: number;
  private readonly fillRatio: number;
  private readonly startingCash: number;
  private readonly logger: Logger | undefined;
  private readonly pollMs: number;
  private accountReady: Promise<void> | undefined;

  constructor(opts: PaperBrokerOptions) {
    this.name = opts.name ?? 'paper';
    this.ds = opts.ds;
    this.quoteSource = opts.quoteSource;
    const bps = opts.slippageBps ?? 0;
    if (!Number.isFinite(bps) || bps < 0 || bps >= 10_000) throw new RangeError(`slippageBps must be in [0, 10000), not ${bps}`);
    this.slippage = bps / 10_000;
    const ratio = opts.fillRatio ?? 1;
    if (!Number.isFinite(ratio) || ratio <= 0 || ratio > 1) throw new RangeError(`fillRatio must be in (0, 1], not ${ratio}`);
    this.fillRatio = ratio;
    this.startingCash = opts.startingCash ?? 100_000;
    if (!Number.isFinite(this.startingCash) || this.startingCash < 0) throw new RangeError(`startingCash must be >= 0, not ${this.startingCash}`);
    this.logger = opts.logger?.child({ broker: this.name });
    this.pollMs = opts.pollMs ?? 250;
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

    let placed: boolean;
    try {
      placed = await this.tx(async (r) => {
        const inserted = await rows(
          r,
          `INSERT INTO paper_orders (id, client_order_id, symbol, side, qty, order_type, limit_price, time_in_force, status)
           VALUES ($1, $2, $3, $4, $5, 'limit', $6, $7, 'submitted')
           ON CONFLICT (client_order_id) DO NOTHING RETURNING id`,
          [randomUUID(), cid, req.symbol, req.side, req.qty, req.limitPrice, req.timeInForce],
        );
        const id = (inserted[0] as { id: string } | undefined)?.id;
        if (id === undefined) return false; // another submit with this id won; it is committed now
        const cash = await this.lockCash(r);
        if (req.side === 'buy') {
          const reserved = await this.reservedCash(r, id);
          const need = req.qty * req.limitPrice;
          if (need > cash - reserved + 1e-9) {
            throw new Refused(`insufficient buying power: ${money(need)} needed (${req.qty} × ${req.limitPrice}), ${money(Math.max(0, cash - reserved))} available`);
          }
        } else {
          const held = await this.lockPositionQty(r, req.symbol);
          const reserved = await this.reservedShares(r, req.symbol, id);
          if (req.qty > held - reserved) {
            throw new Refused(`insufficient qty available for order (requested: ${req.qty}, available: ${Math.max(0, held - reserved)}); the paper account does not sell short`);
          }
        }
        await this.record(r, id, req.symbol, req.side, exec);
        return true;
      });
    } catch (e) {
      if (e instanceof Refused) {
        throw new BrokerError({ broker: this.name, kind: 'rejected', detail: `order ${cid} rejected: ${e.message}`, reason: e.message, clientOrderId: cid });
      }
      if (isBrokerError(e)) throw e;
      return this.afterDatabaseError(cid, e);
    }
    const order = await this.getOrderByClientId(cid);
    if (!order) {
      throw new BrokerError({ broker: this.name, kind: 'timeout_unknown', detail: `order ${cid} was stored but cannot be read back`, clientOrderId: cid });
    }
    if (!placed) return this.alreadyPlaced(order, req);
    this.logger?.info({ clientOrderId: cid, symbol: order.symbol, side: order.side, qty: order.qty, filledQty: order.filledQty, price: order.avgFillPrice, status: order.status }, 'paper order');
    return order;
  }

  async getOrderByClientId(clientOrderId: string): Promise<BrokerOrder | null> {
    checkClientOrderId(this.name, clientOrderId);
    const found = await this.select<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM paper_orders o WHERE o.client_order_id = $1`, [clientOrderId]);
    return found[0] ? toOrder(found[0]) : null;
  }

  async getOrder(brokerOrderId: string): Promise<BrokerOrder> {
    const found = UUID.test(String(brokerOrderId)) ? await this.select<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM paper_orders o WHERE o.id = $1`, [brokerOrderId]) : [];
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
    const found = await this.select<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM paper_orders o WHERE o.status IN ${OPEN_SQL} ORDER BY o.submitted_at, o.id`);
    return found.map(toOrder);
  }

  async cancelAllOrders(): Promise<{ cancelled: number; stillOpen: number }> {
    const cancelled = await this.tx(async (r) =>
      rows(r, `UPDATE paper_orders SET status = 'canceled', updated_at = clock_timestamp() WHERE status IN ('new', 'partially_filled') RETURNING id`),
    );
    const open = await this.select<{ n: number }>(`SELECT count(*)::int AS n FROM paper_orders WHERE status IN ${OPEN_SQL}`);
    const result = { cancelled: cancelled.length, stillOpen: open[0]?.n ?? 0 };
    this.logger?.info(result, 'paper cancel all orders');
    return result;
  }

  async listPositions(): Promise<BrokerPosition[]> {
    const found = await this.select<{ symbol: string; qty: number; avg_cost: string }>(`SELECT symbol, qty, avg_cost FROM paper_positions ORDER BY symbol`);
    return found.map((p) => {
      const avg = Number(p.avg_cost);
      return { symbol: p.symbol, qty: p.qty, avgEntryPrice: avg, costBasis: round6(p.qty * avg), currentPrice: null, marketValue: null, unrealizedPl: null };
    });
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
      await this.tx(async (r) => {
        await this.lockCash(r);
        const qty = await this.lockPositionQty(r, p.symbol);
        if (qty <= 0) return;
        const id = randomUUID();
        await rows(
          r,
          `INSERT INTO paper_orders (id, client_order_id, symbol, side, qty, order_type, limit_price, time_in_force, status)
           VALUES ($1, $2, $3, 'sell', $4, 'market', NULL, 'day', 'submitted')`,
          [id, cid, p.symbol, qty],
        );
        await this.record(r, id, p.symbol, 'sell', { status: 'filled', fillQty: qty, price: bid, rejectReason: null });
      });
      const o = await this.getOrderByClientId(cid);
      if (o) closing.push(o);
    }
    this.logger?.info({ orders: closing.length }, 'paper close all positions');
    return closing;
  }

  async account(): Promise<BrokerAccount> {
    await this.ensureAccount();
    const [[acct], [res], positions] = await Promise.all([
      this.select<{ cash: string }>(`SELECT cash FROM paper_account WHERE id = 1`),
      this.select<{ reserved: string }>(`SELECT COALESCE(SUM((qty - filled_qty) * limit_price), 0) AS reserved FROM paper_orders WHERE side = 'buy' AND status IN ${OPEN_SQL}`),
      this.listPositions(),
    ]);
    const cash = Number(acct?.cash ?? 0);
    // Positions are marked at the bid (what they would sell for), at cost when no quote is to be had.
    const marks = await Promise.all(
      positions.map(async (p) => {
        try {
          const bid = (await this.quoteSource(p.symbol)).bid;
          return Number.isFinite(bid) && bid > 0 ? bid : p.avgEntryPrice;
        } catch {
          return p.avgEntryPrice;
        }
      }),
    );
    const value = positions.reduce((sum, p, i) => sum + p.qty * marks[i]!, 0);
    return { cash: round6(cash), equity: round6(cash + value), buyingPower: round6(Math.max(0, cash - Number(res?.reserved ?? 0))) };
  }

  // ---------------------------------------------------------------------------

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

  /** Writes the execution: fill, position, cash, and the order's final fields. Caller holds the account lock. */
  private async record(r: QueryRunner, orderId: string, symbol: string, side: OrderSide, e: Execution): Promise<void> {
    if (e.fillQty > 0) {
      await rows(r, `INSERT INTO paper_fills (order_id, symbol, side, qty, price) VALUES ($1, $2, $3, $4, $5)`, [orderId, symbol, side, e.fillQty, e.price]);
      const notional = e.fillQty * e.price;
      if (side === 'buy') {
        await rows(
          r,
          `INSERT INTO paper_positions (symbol, qty, avg_cost) VALUES ($1, $2, $3)
           ON CONFLICT (symbol) DO UPDATE SET
             avg_cost = (paper_positions.qty * paper_positions.avg_cost + EXCLUDED.qty * EXCLUDED.avg_cost) / (paper_positions.qty + EXCLUDED.qty),
             qty = paper_positions.qty + EXCLUDED.qty,
             updated_at = clock_timestamp()`,
          [symbol, e.fillQty, e.price],
        );
        await rows(r, `UPDATE paper_account SET cash = cash - $1, updated_at = clock_timestamp() WHERE id = 1`, [notional]);
      } else {
        // Delete first: the update would otherwise leave a row the delete could match by accident.
        await rows(r, `DELETE FROM paper_positions WHERE symbol = $1 AND qty = $2`, [symbol, e.fillQty]);
        await rows(r, `UPDATE paper_positions SET qty = qty - $2, updated_at = clock_timestamp() WHERE symbol = $1 AND qty > $2`, [symbol, e.fillQty]);
        await rows(r, `UPDATE paper_account SET cash = cash + $1, updated_at = clock_timestamp() WHERE id = 1`, [notional]);
      }
    }
    await rows(
      r,
      `UPDATE paper_orders SET status = $2, filled_qty = $3, avg_fill_price = $4, reject_reason = $5, updated_at = clock_timestamp() WHERE id = $1`,
      [orderId, e.status, e.fillQty, e.fillQty > 0 ? e.price : null, e.rejectReason],
    );
  }

  private async lockCash(r: QueryRunner): Promise<number> {
    const found = await rows(r, `SELECT cash FROM paper_account WHERE id = 1 FOR UPDATE`);
    const row = found[0] as { cash: string } | undefined;
    if (!row) throw new BrokerError({ broker: this.name, kind: 'unavailable', detail: 'the paper account row is missing' });
    return Number(row.cash);
  }

  private async lockPositionQty(r: QueryRunner, symbol: string): Promise<number> {
    const found = await rows(r, `SELECT qty FROM paper_positions WHERE symbol = $1 FOR UPDATE`, [symbol]);
    return (found[0] as { qty: number } | undefined)?.qty ?? 0;
  }

  private async reservedCash(r: QueryRunner, exceptId: string): Promise<number> {
    const found = await rows(
      r,
      `SELECT COALESCE(SUM((qty - filled_qty) * limit_price), 0) AS reserved FROM paper_orders WHERE side = 'buy' AND status IN ${OPEN_SQL} AND id <> $1`,
      [exceptId],
    );
    return Number((found[0] as { reserved: string } | undefined)?.reserved ?? 0);
  }

  private async reservedShares(r: QueryRunner, symbol: string, exceptId: string): Promise<number> {
    const found = await rows(
      r,
      `SELECT COALESCE(SUM(qty - filled_qty), 0)::int AS reserved FROM paper_orders WHERE side = 'sell' AND symbol = $1 AND status IN ${OPEN_SQL} AND id <> $2`,
      [symbol, exceptId],
    );
    return (found[0] as { reserved: number } | undefined)?.reserved ?? 0;
  }

  private alreadyPlaced(existing: BrokerOrder, req: OrderRequest): BrokerOrder {
    const same =
      existing.symbol === req.symbol && existing.side === req.side && existing.qty === req.qty && existing.limitPrice === req.limitPrice && existing.timeInForce === req.timeInForce;
    if (!same) {
      this.logger?.warn({ clientOrderId: req.clientOrderId, existing: { symbol: existing.symbol, side: existing.side, qty: existing.qty, limitPrice: existing.limitPrice } }, 'client order id reused with different order details; returning the existing order');
    }
    return existing;
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
    this.accountReady ??= this.ds
      .query(`INSERT INTO paper_account (id, cash) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, [this.startingCash])
      .then(() => undefined)
      .catch((e: unknown) => {
        this.accountReady = undefined;
        throw this.dbError('create the paper account', e);
      });
    return this.accountReady;
  }

  private async select<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      return (await this.ds.query(sql, params)) as T[];
    } catch (e) {
      throw this.dbError('read the paper books', e);
    }
  }

  private tx<T>(fn: (r: QueryRunner) => Promise<T>): Promise<T> {
    return tx(this.ds, fn);
  }


  private dbError(what: string, e: unknown): BrokerError {
    const why = e instanceof Error ? e.message : String(e);
    return new BrokerError({ broker: this.name, kind: 'unavailable', detail: `could not ${what}: ${why.slice(0, 200)}`, cause: e });
  }
}

/** Rows of any statement (TypeORM returns `[rows, count]` for UPDATE/DELETE unless asked for a structured result). */
async function rows(r: QueryRunner, sql: string, params: unknown[] = []): Promise<unknown[]> {
  const res = (await r.query(sql, params, true)) as { records?: unknown[] };
  return res.records ?? [];
}

function toOrder(row: OrderRow): BrokerOrder {
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

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function money(n: number): string {
  return `$${n.toFixed(2)}`;
}
