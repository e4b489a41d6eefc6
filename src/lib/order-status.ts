/**
 * Normalised broker order statuses and the client order id limit: shared by
 * the Broker port (src/adapters/brokers/port.ts, which re-exports them) and
 * the order lifecycle in src/trading, which tests them by value.
 */

/** Longest client order id we send (Alpaca allows 128; we keep ids short enough for logs and chat). */
export const MAX_CLIENT_ORDER_ID_LENGTH = 48;

/**
 * Normalised order status:
 * - `submitted`: the broker has the order but it is not working at a venue yet
 *   (received, routed, held or suspended).
 * - `new`: working at the venue, nothing filled.
 * - `partially_filled`: working, some shares filled.
 * - `filled`, `canceled`, `rejected`, `expired`: terminal. An IOC order that
 *   filled only in part ends `canceled` with `0 < filledQty < qty`.
 *
 * How each Alpaca status maps is documented (and implemented) in
 * `src/adapters/brokers/alpaca/status.ts`.
 */
export const ORDER_STATUSES = ['new', 'submitted', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const TERMINAL: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['filled', 'canceled', 'rejected', 'expired']);

/** True when the order will never change again (no more fills, no cancel needed). */
export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL.has(status);
}

/** Statuses of orders that can still fill and can be canceled. */
export const OPEN_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter((s) => !TERMINAL.has(s));
