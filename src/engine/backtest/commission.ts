/**
 * Broker commission charged on every fill (entry and exit separately).
 *
 * - `none`: free.
 * - `per_share`: `perShare` per share with a `minimum` per order (IB-style).
 * - `bps`: basis points of the fill's notional.
 */
export type CommissionModel =
  | { kind: 'none' }
  | { kind: 'per_share'; perShare: number; minimum: number }
  | { kind: 'bps'; bps: number };

/** Commission for one fill of `qty` shares at `price`. */
export function commissionFor(model: CommissionModel, qty: number, price: number): number {
  switch (model.kind) {
    case 'none':
      return 0;
    case 'per_share':
      return Math.max(model.minimum, model.perShare * qty);
    case 'bps':
      return (qty * price * model.bps) / 1e4;
  }
}
