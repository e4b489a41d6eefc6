/**
 * Broker commission charged on every fill (entry and exit separately).
 *
 * - `none`: free.
 * - `per_share`: `perShare` per share with a `minimum` per order (IB-style).
 * - `bps`: basis points of the fill's notional.
 * - `krw_rate`: a fraction of the fill's value in won, the fraction of a won
 *   dropped (원 미만 절사), as KIS charges it: every KR amount stays whole won.
 */
export type CommissionModel =
  | { kind: 'none' }
  | { kind: 'per_share'; perShare: number; minimum: number }
  | { kind: 'bps'; bps: number }
  | { kind: 'krw_rate'; rate: number };

/** Commission for one fill of `qty` shares at `price`. */
export function commissionFor(model: CommissionModel, qty: number, price: number): number {
  switch (model.kind) {
    case 'none':
      return 0;
    case 'per_share':
      return Math.max(model.minimum, model.perShare * qty);
    case 'bps':
      return (qty * price * model.bps) / 1e4;
    case 'krw_rate':
      // The same truncation as the KR fee model (src/engine/market/fees.ts krFees): float noise
      // dropped at a millionth of a won first, so 1,000 × 35,000 × 0.00015 is 5,250 and not 5,249.
      return Math.floor(Math.round(qty * price * model.rate * 1e6) / 1e6);
  }
}
