/**
 * Slippage applied to fill prices, in basis points per side.
 * Buys fill higher and sells fill lower, so slippage always costs money.
 */

/** Price paid when buying at `price` with `bps` of slippage. */
export function buyFill(price: number, bps: number): number {
  return price * (1 + bps / 1e4);
}

/** Price received when selling at `price` with `bps` of slippage. */
export function sellFill(price: number, bps: number): number {
  return price * (1 - bps / 1e4);
}
