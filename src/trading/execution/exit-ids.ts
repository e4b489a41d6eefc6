import { createHash } from 'node:crypto';
import { MAX_CLIENT_ORDER_ID_LENGTH } from '../../lib/order-status.js';
import type { OrderExitReason } from './exit-types.js';

const REASON_LETTER: Record<OrderExitReason, string> = { stop: 's', time_stop: 't', target: 'p', flatten: 'f', close: 'c' };

/** An installation id as the `installation` table holds it (migration 1765300000005): 8 lowercase hex characters. */
const INSTALLATION = /^[0-9a-f]{8}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What fixes the client order id of an exit or flatten order. */
export interface ExitOrderKey {
  /** New York trading day of the decision, `YYYY-MM-DD` (only for reading). */
  day: string;
  reason: Exclude<OrderExitReason, 'close'>;
  /** The random uuid of the order's own `orders` row, chosen before the row is written. */
  orderId: string;
  /** This database's installation id (`installation` table). */
  installation: string;
}

/**
 * The broker client order id of an exit or flatten order: the order row's
 * own random id plus the installation id, never a counter.
 *
 * A retried run finds the unbooked row (and so the id) instead of choosing
 * again, so one order keeps one id. A restored or reset database lacks the
 * rows written after its backup, so its next exit gets a new row and a new
 * id — a counter over the rows would repeat the id of an order the broker
 * already holds, and that old order could be booked as today's exit while
 * the shares stay held. A second installation on the same account differs
 * in both parts.
 *
 * Shape: `cx-<s|t|p|f>-<yyyymmdd>-<24 hex of the row id><8 hex installation>`
 * (p: profit target) = 46 characters. The readable prefix helps support; the
 * hex run has no dash so `shortClientOrderId` keeps its first 10 characters,
 * which come from the row id and so differ between the orders of one flatten.
 */
export function exitClientOrderId(k: ExitOrderKey): string {
  if (!DAY.test(k.day)) throw new RangeError(`exit order day must be YYYY-MM-DD, not ${JSON.stringify(k.day)}`);
  if (!UUID.test(k.orderId)) throw new RangeError(`exit order id must be the orders row's uuid, not ${JSON.stringify(k.orderId)}`);
  if (!INSTALLATION.test(k.installation)) throw new RangeError(installationError(k.installation));
  const row = k.orderId.toLowerCase().replaceAll('-', '').slice(0, 24);
  return checked(`cx-${REASON_LETTER[k.reason]}-${k.day.replaceAll('-', '')}-${row}${k.installation}`);
}

/** What fixes the client order id of a manual close: the request it carries out, never a clock. */
export interface CloseOrderKey {
  symbol: string;
  strategy: string;
  /** New York trading day the close was confirmed on, `YYYY-MM-DD` (carried by the request). */
  day: string;
  /** The confirmation token (or queued order id) the close carries out: one request, one order. */
  requestId: string;
  /** This database's installation id (`installation` table). */
  installation: string;
}

/**
 * The broker client order id of a manual close: derived from the request
 * (the spent confirmation) and the installation, so the job's retries, a
 * second worker or a restart all compute the same id, find the same
 * `orders` row, and only ever look the order up once it may have been sent;
 * another installation's close of a request with the same id gets another.
 * Shape as {@link exitClientOrderId}: `cx-c-<yyyymmdd>-<24 hex of a hash><8 hex installation>`.
 */
export function closeClientOrderId(k: CloseOrderKey): string {
  if (!DAY.test(k.day)) throw new RangeError(`close order day must be YYYY-MM-DD, not ${JSON.stringify(k.day)}`);
  if (k.requestId.length === 0) throw new RangeError('a close order needs the id of the request it carries out');
  if (!INSTALLATION.test(k.installation)) throw new RangeError(installationError(k.installation));
  const digest = createHash('sha256').update(JSON.stringify([k.symbol.toUpperCase(), k.strategy, k.day, 'close', k.requestId, k.installation])).digest('hex').slice(0, 24);
  return checked(`cx-c-${k.day.replaceAll('-', '')}-${digest}${k.installation}`);
}

/**
 * The id a close of this request got before ids carried the installation
 * (issue 19, item 5). Only looked up, never sent: a close job written by the
 * previous release and retried by this one must find its row under the old
 * id instead of selling a second time. Can go once no such job can be retried
 * (close requests are stale after their trading day).
 */
export function legacyCloseClientOrderId(k: Omit<CloseOrderKey, 'installation'>): string {
  const digest = createHash('sha256').update(JSON.stringify([k.symbol.toUpperCase(), k.strategy, k.day, 'close', k.requestId])).digest('hex').slice(0, 24);
  return `cx-c-${k.day.replaceAll('-', '')}-${digest}`;
}

function installationError(got: string): string {
  return `installation id must be 8 lowercase hex characters, not ${JSON.stringify(got)}; run the migrations (the installation table makes it)`;
}

function checked(id: string): string {
  if (id.length > MAX_CLIENT_ORDER_ID_LENGTH) throw new RangeError(`exit client order id ${id} is too long`);
  return id;
}
