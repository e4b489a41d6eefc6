import { MAX_CLIENT_ORDER_ID_LENGTH } from '../../lib/order-status.js';
import { nyDateOf } from '../../engine/calendar/timezone.js';

/**
 * The broker client order id of an approval's order: derived from the
 * approval id alone (never a clock or retry counter), so every attempt,
 * replay or restart sends the same id and the broker's idempotency holds.
 * `cs-` + a 36-character uuid = 39 characters.
 */
export function clientOrderIdFor(approvalId: string): string {
  const id = `cs-${approvalId.toLowerCase()}`;
  if (!/^cs-[0-9a-f-]{1,45}$/.test(id) || id.length > MAX_CLIENT_ORDER_ID_LENGTH) {
    throw new RangeError(`approval id ${JSON.stringify(approvalId.slice(0, 60))} does not make a valid client order id`);
  }
  return id;
}

/** The trading day (America/New_York calendar date, `YYYY-MM-DD`) an instant belongs to: the daily budget's key. */
export function tradingDay(at: Date): string {
  return nyDateOf(at.getTime());
}

/**
 * Whether an order at the broker was placed by Courtside: its client order id
 * has one of our shapes (`cs-` entries, `cx-` exits and closes). Anything else
 * came from the broker's dashboard, another app or a person, and is shown as
 * "not placed by Courtside" (it is still counted and cancelled by /kill).
 */
export function placedByCourtside(clientOrderId: string): boolean {
  return /^c[sx]-/.test(clientOrderId);
}
