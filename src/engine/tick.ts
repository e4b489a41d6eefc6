/**
 * US equity price increments (Reg NMS rule 612, enforced by Alpaca): $0.01 at
 * or above $1, $0.0001 below $1. A limit price off the tick is refused, so
 * every price we send goes through {@link roundToTick}.
 */

export type TickRounding = 'up' | 'down' | 'nearest';

/** The tick for a price: 0.01 at or above $1, 0.0001 below. */
export function tickSize(price: number): number {
  return price >= 1 ? 0.01 : 0.0001;
}

function decimalsFor(price: number): number {
  return price >= 1 ? 2 : 4;
}

function roundAt(price: number, tick: number, mode: TickRounding): number {
  // Kill float noise first (100.1 / 0.01 = 10009.999999999998) so an exact
  // multiple of the tick never moves when rounded up or down.
  const steps = Math.round((price / tick) * 1e6) / 1e6;
  const n = mode === 'up' ? Math.ceil(steps) : mode === 'down' ? Math.floor(steps) : Math.round(steps);
  return n * tick;
}

/**
 * Rounds a positive price to its tick. The tick is chosen by the price, then
 * re-checked on the result, so rounding 0.99995 up gives 1.00 and rounding
 * 1.0049 down gives 1.00 (never 0.9999...).
 */
export function roundToTick(price: number, mode: TickRounding = 'nearest'): number {
  if (!Number.isFinite(price) || price <= 0) throw new RangeError(`price must be a positive number, not ${String(price)}`);
  let out = roundAt(price, tickSize(price), mode);
  // Rounding across $1 changes the tick: recompute with the tick of the result.
  if (tickSize(out) !== tickSize(price)) out = roundAt(mode === 'down' ? Math.min(out, price) : Math.max(out, price), tickSize(out), mode);
  return Number(out.toFixed(decimalsFor(out)));
}

/** A price as the wire wants it: rounded to its tick, 2 decimals at or above $1, 4 below. */
export function formatPrice(price: number, mode: TickRounding = 'nearest'): string {
  const p = roundToTick(price, mode);
  return p.toFixed(decimalsFor(p));
}

/** True when `price` sits exactly on its tick. */
export function isOnTick(price: number): boolean {
  return Number.isFinite(price) && price > 0 && roundToTick(price, 'nearest') === price;
}

/**
 * The limit price for a marketable US buy IOC: the ask plus 0.1 %, rounded UP to
 * the tick, so small quote moves between pricing and arrival still fill while
 * the worst price stays bounded. Entries of any market go through
 * `entryLimitPrice` (market/entry-limit.ts), which uses this for the US; KRX
 * rounds down instead (its tick is worth more than the buffer).
 */
export function iocLimitPriceFromAsk(ask: number, buffer = 0.001): number {
  if (!Number.isFinite(ask) || ask <= 0) throw new RangeError(`ask must be a positive number, not ${String(ask)}`);
  return roundToTick(ask * (1 + buffer), 'up');
}
