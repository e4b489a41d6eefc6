import { createHash } from 'node:crypto';
import { MAX_CLIENT_ORDER_ID_LENGTH } from '../../lib/order-status.js';
import type { OrderExitReason } from './exit-types.js';

const REASON_LETTER: Record<OrderExitReason, string> = { stop: 's', time_stop: 't', target: 'p', flatten: 'f', close: 'c' };

export interface ExitOrderKey {
  symbol: string;
  strategy: string;
  /** New York trading day of the decision, `YYYY-MM-DD`. */
  day: string;
  reason: OrderExitReason;
  /** 1 for the day's first order of this reason; a later one only after the previous is booked. */
  attempt: number;
}

/**
 * The broker client order id of an exit: derived only from the position,
 * the trading day, the reason and the attempt number (never a clock or a
 * random value), so a replay, a concurrent run or a restart computes the
 * same id and the broker's idempotency by client id holds.
 *
 * Shape: `cx-<s|t|p|f>-<yyyymmdd>-<24 hex of sha256>` (p: profit target) = 38 characters; the
 * readable part helps support, the hash keeps it unique per position.
 */
export function exitClientOrderId(k: ExitOrderKey): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(k.day)) throw new RangeError(`exit order day must be YYYY-MM-DD, not ${JSON.stringify(k.day)}`);
  if (!Number.isSafeInteger(k.attempt) || k.attempt < 1) throw new RangeError(`exit attempt must be a whole number ≥ 1, not ${String(k.attempt)}`);
  const digest = createHash('sha256').update(JSON.stringify([k.symbol.toUpperCase(), k.strategy, k.day, k.reason, k.attempt])).digest('hex').slice(0, 24);
  const id = `cx-${REASON_LETTER[k.reason]}-${k.day.replaceAll('-', '')}-${digest}`;
  if (id.length > MAX_CLIENT_ORDER_ID_LENGTH) throw new RangeError(`exit client order id ${id} is too long`);
  return id;
}

/** What fixes the client order id of a manual close: the request it carries out, never a clock. */
export interface CloseOrderKey {
  symbol: string;
  strategy: string;
  /** New York trading day the close was confirmed on, `YYYY-MM-DD` (carried by the request). */
  day: string;
  /** The confirmation token (or queued order id) the close carries out: one request, one order. */
  requestId: string;
}

/**
 * The broker client order id of a manual close: derived from the request
 * (the spent confirmation), so the job's retries, a second worker or a
 * restart all compute the same id, find the same `orders` row, and only ever
 * look the order up once it may have been sent. Shape as
 * {@link exitClientOrderId}: `cx-c-<yyyymmdd>-<24 hex>`.
 */
export function closeClientOrderId(k: CloseOrderKey): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(k.day)) throw new RangeError(`close order day must be YYYY-MM-DD, not ${JSON.stringify(k.day)}`);
  if (k.requestId.length === 0) throw new RangeError('a close order needs the id of the request it carries out');
  const digest = createHash('sha256').update(JSON.stringify([k.symbol.toUpperCase(), k.strategy, k.day, 'close', k.requestId])).digest('hex').slice(0, 24);
  return `cx-c-${k.day.replaceAll('-', '')}-${digest}`;
}
