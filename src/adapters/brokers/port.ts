import { BrokerError } from '../../lib/broker-errors.js';
import { MAX_CLIENT_ORDER_ID_LENGTH, type OrderStatus } from '../../lib/order-status.js';
import { isKrxCode, TICKER_PATTERN } from '../../engine/market/symbols.js';


/**
 * The Broker port: what the approval flow, OMS and risk gates call to place
 * and track orders, whatever broker sits behind it (the Postgres paper broker
 * by default, Alpaca paper or live). Implementations throw {@link BrokerError}
 * (never a bare `Error`).
 *
 * Idempotency is by `clientOrderId`: the caller chooses it (derive it from the
 * approval, never from a clock or a retry counter) and a second submit with
 * the same id never places a second order. When a submit throws
 * `timeout_unknown`, look the order up with {@link Broker.findSubmitted};
 * never submit again under a new id.
 */

export type OrderSide = 'buy' | 'sell';
export type TimeInForce = 'ioc' | 'day';

export { MAX_CLIENT_ORDER_ID_LENGTH, ORDER_STATUSES, OPEN_STATUSES, isTerminal, type OrderStatus } from '../../lib/order-status.js';

export interface OrderRequest {
  /** Caller-chosen idempotency key: 1–48 printable ASCII characters, no spaces. */
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  /** Whole shares, > 0. */
  qty: number;
  type: 'limit';
  /** Positive; adapters round it to the venue's tick, never to a worse price (buys down, sells up). */
  limitPrice: number;
  timeInForce: TimeInForce;
}

export interface Fill {
  qty: number;
  price: number;
  /** RFC 3339. */
  at: string;
}

export interface BrokerOrder {
  brokerOrderId: string;
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  /**
   * Shares ordered (fractional for orders placed outside Courtside). 0 for a
   * notional order, whose share count the broker does not know until it
   * fills: see {@link BrokerOrder.notional}.
   */
  qty: number;
  /**
   * Set only for a notional order ("buy $100 of AAPL", placed outside
   * Courtside, e.g. from the Alpaca dashboard): the dollar amount ordered.
   * Its `qty` is then 0 — never a share count, so it never matches an order
   * we sent (which always has qty > 0) and its status is never derived from
   * qty — while `filledQty` is the (possibly fractional) shares filled so
   * far. Such an order is counted as open and cancelled like any other.
   * Absent for every order with a share count, including all Courtside places.
   */
  notional?: number;
  filledQty: number;
  /** Volume-weighted average fill price; null until something fills. */
  avgFillPrice: number | null;
  /** Null only for market orders the broker itself creates (closing positions). */
  limitPrice: number | null;
  status: OrderStatus;
  /** The broker's own status word (e.g. Alpaca `done_for_day`), for logs and support. */
  brokerStatus?: string;
  /** Why the broker refused or gave up on the order, when it said. */
  rejectReason?: string;
  timeInForce?: string;
  /** RFC 3339. */
  submittedAt: string;
  /** RFC 3339. */
  updatedAt: string;
  /** Individual executions, when the broker reports them (the paper broker does; Alpaca's order object does not). */
  fills?: Fill[];
}

export interface BrokerPosition {
  symbol: string;
  /** Shares held; negative for a short (the paper broker is long-only). */
  qty: number;
  avgEntryPrice: number;
  costBasis: number;
  /** Null when the broker did not price the position. */
  currentPrice: number | null;
  marketValue: number | null;
  unrealizedPl: number | null;
}

export interface BrokerAccount {
  cash: number;
  equity: number;
  buyingPower: number;
  /** What the broker says blocks trading on the account (absent: the broker has no such flags). */
  flags?: AccountFlags;
}

export { blockingFlags, type AccountFlags } from '../../lib/account-flags.js';
import type { AccountFlags } from '../../lib/account-flags.js';

/** The broker's own word on the session (Alpaca `GET /v2/clock`). */
export interface BrokerClock {
  isOpen: boolean;
  /** RFC 3339; null when the broker did not say. */
  nextOpen: string | null;
  /** RFC 3339; null when the broker did not say. */
  nextClose: string | null;
  /** The broker's time of the answer (RFC 3339). */
  at: string;
}

/** What we know of an order we sent (or may have sent): enough for any broker to find it again. */
export interface SubmittedOrderRef {
  clientOrderId: string;
  /** The broker's id, when an earlier answer told us. */
  brokerOrderId: string | null;
  symbol: string;
  side: OrderSide;
  qty: number;
  limitPrice: number;
  /** When the submission was first attempted (null when unknown); the order cannot be older. */
  attemptedAt: Date | null;
}

export interface WaitOptions {
  /** Give up waiting after this long (default 30 s) and resolve with the latest state. */
  timeoutMs?: number;
  /** Delay between looks (default 250 ms for the paper broker, 500 ms for Alpaca). */
  pollMs?: number;
}

export interface Broker {
  /** Short identifier for logs and messages, e.g. `paper` or `alpaca-paper`. */
  readonly name: string;
  /**
   * Places a limit order, or returns the existing order when `clientOrderId`
   * was used before (nothing new is placed). Throws `rejected` (broker said
   * no; show `BrokerError.reason`), `timeout_unknown` (outcome unknown: look
   * up by client id, never resubmit), `rate_limited`, `unavailable`, `auth`,
   * `bad_response`.
   */
  submitOrder(req: OrderRequest): Promise<BrokerOrder>;
  /** The order with this client id, or null when the broker has none. */
  getOrderByClientId(clientOrderId: string): Promise<BrokerOrder | null>;
  /**
   * The order we submitted (or may have submitted) as `ref` describes, or null
   * when the broker shows none (yet). How an outcome that is unknown after a
   * submit is resolved: look it up, never submit again. Brokers with client
   * order ids look it up by `ref.clientOrderId`; one without them matches
   * symbol, side, qty, limit price and the time of the attempt.
   */
  findSubmitted(ref: SubmittedOrderRef): Promise<BrokerOrder | null>;
  /** The order with this broker id; throws `not_found` when there is none. */
  getOrder(brokerOrderId: string): Promise<BrokerOrder>;
  /**
   * Polls until the order is terminal and returns it. When `timeoutMs` passes
   * first it resolves with the latest (non-terminal) state: check
   * {@link isTerminal}. Throws `not_found` if the order never appears.
   */
  waitForTerminal(clientOrderId: string, opts?: WaitOptions): Promise<BrokerOrder>;
  /** Open orders. `urgent`: for /kill's proof, which may use the request budget's reserved share. */
  listOpenOrders(opts?: { urgent?: boolean }): Promise<BrokerOrder[]>;
  /**
   * Cancels every open order, then counts what is still open (should be 0).
   * `cancelled` is the broker's own count for this call; `stillOpen` is null
   * when the look afterwards failed (the cancels went out: look again with
   * {@link listOpenOrders} rather than cancelling again to learn the count).
   * `orderIds`: the broker ids it reported cancelled, when it lists them
   * (Alpaca's 207 body), so a caller can count each order once and say later
   * that /kill cancelled it.
   */
  cancelAllOrders(): Promise<{ cancelled: number; stillOpen: number | null; orderIds?: string[] }>;
  listPositions(): Promise<BrokerPosition[]>;
  /**
   * Cancels open orders, then sells (or covers) every position; returns the
   * closing orders placed. Positions that could not be closed are logged and
   * stay in {@link listPositions}: check it afterwards.
   */
  closeAllPositions(): Promise<BrokerOrder[]>;
  account(): Promise<BrokerAccount>;
  /**
   * The broker's own clock, for brokers that keep one (Alpaca). New risk
   * goes only while both our calendar and this clock say open: the broker
   * knows unscheduled closures our calendar cannot. `fresh` skips any cache
   * (answers are cached at most 60 s and never past the next open or close).
   */
  clock?(opts?: { fresh?: boolean }): Promise<BrokerClock>;
  /**
   * Cancels one open order by the broker's id, for brokers whose orders can
   * rest (Alpaca queues orders sent outside the session; DAY orders rest).
   * Asynchronous at the venue: follow the order to its terminal state
   * afterwards. An order already final is not an error.
   */
  cancelOrder?(brokerOrderId: string): Promise<void>;
}

const CLIENT_ID = /^[\x21-\x7e]{1,48}$/;

/** Throws `rejected` (nothing is sent) unless `clientOrderId` is 1–48 printable ASCII characters. */
export function checkClientOrderId(broker: string, clientOrderId: string): string {
  if (typeof clientOrderId !== 'string' || !CLIENT_ID.test(clientOrderId)) {
    throw invalid(
      broker,
      `client order id ${JSON.stringify(String(clientOrderId).slice(0, 60))} must be 1–${MAX_CLIENT_ORDER_ID_LENGTH} printable characters without spaces`,
    );
  }
  return clientOrderId;
}

/**
 * Validates an order request before anything is sent; returns it with the
 * symbol upper-cased. Throws `BrokerError` kind `rejected` naming the problem.
 */
export function validateOrderRequest(broker: string, req: OrderRequest): OrderRequest {
  checkClientOrderId(broker, req.clientOrderId);
  const symbol = typeof req.symbol === 'string' ? req.symbol.trim() : '';
  if (!TICKER_PATTERN.test(symbol.toUpperCase())) throw invalid(broker, `symbol ${JSON.stringify(String(req.symbol).slice(0, 20))} is not a ticker`);
  if (req.side !== 'buy' && req.side !== 'sell') throw invalid(broker, `side must be "buy" or "sell", not ${JSON.stringify(req.side)}`);
  if (!Number.isSafeInteger(req.qty) || req.qty <= 0) throw invalid(broker, `qty must be a whole number of shares above 0, not ${String(req.qty)}`);
  if (req.type !== 'limit') throw invalid(broker, `only limit orders are supported, not ${JSON.stringify(req.type)}`);
  if (typeof req.limitPrice !== 'number' || !Number.isFinite(req.limitPrice) || req.limitPrice <= 0) {
    throw invalid(broker, `limit price must be a positive number, not ${String(req.limitPrice)}`);
  }
  if (req.timeInForce !== 'ioc' && req.timeInForce !== 'day') {
    throw invalid(broker, `time in force must be "ioc" or "day", not ${JSON.stringify(req.timeInForce)}`);
  }
  return { ...req, symbol: symbol.toUpperCase() };
}

/** What an order we sent is made of: what the order found under its client order id must repeat. */
export type SentOrder = Pick<OrderRequest, 'clientOrderId' | 'symbol' | 'side' | 'qty' | 'limitPrice'>;

/**
 * Why `found` (the broker's order under `sent.clientOrderId`) is not the order
 * we sent, or null when it is. The limit may differ by the rounding to the
 * venue's tick an adapter applies (one cent, 0.0001 below $1), never more.
 */
export function orderMismatch(found: BrokerOrder, sent: SentOrder): string | null {
  const diffs: string[] = [];
  if (found.symbol.toUpperCase() !== sent.symbol.toUpperCase()) diffs.push(`symbol ${found.symbol}, not ${sent.symbol}`);
  if (found.side !== sent.side) diffs.push(`side ${found.side}, not ${sent.side}`);
  if (found.qty !== sent.qty) diffs.push(`qty ${found.qty}, not ${sent.qty}`);
  // A KRX limit is rounded onto the won grid (at most 5 won for an ETF); a US one to the Reg NMS tick.
  const tick = isKrxCode(sent.symbol) ? 5 : sent.limitPrice >= 1 ? 0.01 : 0.0001;
  if (found.limitPrice === null || Math.abs(found.limitPrice - sent.limitPrice) > tick + 1e-9) diffs.push(`limit ${found.limitPrice ?? 'none (market)'}, not ${sent.limitPrice}`);
  return diffs.length === 0 ? null : diffs.join('; ');
}

/**
 * `found` when it is the order we sent; otherwise throws `ambiguous` with the
 * broker's evidence (its order id, what it is, its status and fills), so the
 * caller books nothing and /stuck can show why.
 */
export function checkSameOrder(broker: string, found: BrokerOrder, sent: SentOrder): BrokerOrder {
  const why = orderMismatch(found, sent);
  if (why === null) return found;
  const what = `${found.side} ${found.qty} ${found.symbol} limit ${found.limitPrice ?? 'market'}, ${found.status}, ${found.filledQty} filled${found.avgFillPrice === null ? '' : ` at ${found.avgFillPrice}`} (broker order id ${found.brokerOrderId}, submitted ${found.submittedAt})`;
  throw new BrokerError({
    broker,
    kind: 'ambiguous',
    detail: `client order id ${sent.clientOrderId} holds a different order at the broker: ${what} — ${why}`,
    clientOrderId: sent.clientOrderId,
  });
}

function invalid(broker: string, detail: string): BrokerError {
  return new BrokerError({
    broker,
    kind: 'rejected',
    detail: `order not sent: ${detail}`,
    reason: detail,
    hint: 'fix the order and submit it again',
  });
}
