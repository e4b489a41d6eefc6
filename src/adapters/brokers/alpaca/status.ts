import type { OrderStatus } from '../port.js';

/** Every order status Alpaca Trading API v2 documents. */
export const ALPACA_ORDER_STATUSES = [
  'new',
  'accepted',
  'pending_new',
  'accepted_for_bidding',
  'partially_filled',
  'filled',
  'done_for_day',
  'canceled',
  'expired',
  'replaced',
  'pending_cancel',
  'pending_replace',
  'stopped',
  'rejected',
  'suspended',
  'calculated',
  'held',
] as const;
export type AlpacaOrderStatus = (typeof ALPACA_ORDER_STATUSES)[number];

/** Working at the venue: `partially_filled` once something filled, else `new`. */
const working = (filledQty: number): OrderStatus => (filledQty > 0 ? 'partially_filled' : 'new');

/**
 * Alpaca status → normalised status. Some depend on how much has filled.
 *
 * | Alpaca                 | Normalised                              | Why |
 * |------------------------|-----------------------------------------|-----|
 * | `new`                  | `new` (`partially_filled` if fills)     | routed and working |
 * | `accepted`             | `submitted`                             | received, not yet routed (e.g. outside market hours) |
 * | `pending_new`          | `submitted`                             | routed, not yet accepted by the venue |
 * | `accepted_for_bidding` | `submitted`                             | venue is pricing it |
 * | `held`                 | `submitted`                             | held back (e.g. a bracket leg waiting for its parent) |
 * | `suspended`            | `submitted`                             | at the venue but not eligible to trade |
 * | `partially_filled`     | `partially_filled`                      | |
 * | `filled`               | `filled` — terminal                     | |
 * | `done_for_day`         | `partially_filled` / `new`              | no more fills today, but not closed |
 * | `stopped`              | `partially_filled` / `new`              | a fill is guaranteed but has not happened |
 * | `pending_cancel`       | `partially_filled` / `new`              | may still fill until the cancel lands |
 * | `pending_replace`      | `partially_filled` / `new`              | may still fill until the replace lands |
 * | `calculated`           | `filled` if fully filled, else `partially_filled` / `new` | done for the day, settlement pending; never `filled` when `qty` is unknown (a notional order) |
 * | `canceled`             | `canceled` — terminal                   | an IOC remainder ends here too |
 * | `expired`              | `expired` — terminal                    | |
 * | `replaced`             | `canceled` — terminal                   | this order will not fill again; its replacement is a different order (`replaced_by`) |
 * | `rejected`             | `rejected` — terminal                   | |
 *
 * `qty` is null for a notional order: how many shares it is for is unknown,
 * so no fill count proves it complete (only Alpaca's own `filled` does).
 *
 * Returns undefined for a status Alpaca does not document; the adapter turns
 * that into a `bad_response` error instead of guessing.
 */
export function mapAlpacaStatus(status: string, filledQty: number, qty: number | null): OrderStatus | undefined {
  switch (status as AlpacaOrderStatus) {
    case 'new':
      return working(filledQty);
    case 'accepted':
    case 'pending_new':
    case 'accepted_for_bidding':
    case 'held':
    case 'suspended':
      return 'submitted';
    case 'partially_filled':
      return 'partially_filled';
    case 'filled':
      return 'filled';
    case 'done_for_day':
    case 'stopped':
    case 'pending_cancel':
    case 'pending_replace':
      return working(filledQty);
    case 'calculated':
      return qty !== null && filledQty >= qty ? 'filled' : working(filledQty);
    case 'canceled':
      return 'canceled';
    case 'expired':
      return 'expired';
    case 'replaced':
      return 'canceled';
    case 'rejected':
      return 'rejected';
    default:
      return undefined;
  }
}
