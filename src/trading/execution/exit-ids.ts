import { createHash } from 'node:crypto';
import { MAX_CLIENT_ORDER_ID_LENGTH } from '../../lib/order-status.js';
import type { ExitReason } from '../../engine/exits/index.js';

const REASON_LETTER: Record<ExitReason, string> = { stop: 's', time_stop: 't', flatten: 'f' };

export interface ExitOrderKey {
  symbol: string;
  strategy: string;
  /** New York trading day of the decision, `YYYY-MM-DD`. */
  day: string;
  reason: ExitReason;
  /** 1 for the day's first order of this reason; a later one only after the previous is booked. */
  attempt: number;
}

/**
 * The broker client order id of an exit: derived only from the position,
 * the trading day, the reason and the attempt number (never a clock or a
 * random value), so a replay, a concurrent run or a restart computes the
 * same id and the broker's idempotency by client id holds.
 *
 * Shape: `cx-<s|t|f>-<yyyymmdd>-<24 hex of sha256>` = 38 characters; the
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
