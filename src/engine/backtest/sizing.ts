/**
 * How many shares an entry buys. Percentages are fractions (0.01 = 1%).
 *
 * - `shares`: a fixed share count.
 * - `dollars`: floor(n / entry).
 * - `equity`: floor(pct·equity / entry).
 * - `risk`: floor(pct·equity / (entry − stop)), i.e. losing `pct` of equity at the stop.
 */
export type Sizing =
  | { kind: 'shares'; n: number }
  | { kind: 'dollars'; n: number }
  | { kind: 'equity'; pct: number }
  | { kind: 'risk'; pct: number };

/**
 * Whole shares to buy. May be 0 (or negative for a nonsensical risk distance):
 * the caller skips anything below 1.
 *
 * @param equity account equity the size is based on (the previous close's)
 * @param entry the entry fill price, slippage included
 */
export function sharesFor(sizing: Sizing, equity: number, entry: number, stop: number): number {
  switch (sizing.kind) {
    case 'shares':
      return Math.floor(sizing.n);
    case 'dollars':
      return Math.floor(sizing.n / entry);
    case 'equity':
      return Math.floor((sizing.pct * equity) / entry);
    case 'risk':
      return Math.floor((sizing.pct * equity) / (entry - stop));
  }
}
