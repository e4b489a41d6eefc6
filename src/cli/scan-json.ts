import { cents, ratio, tick } from '../trading/backtest/json-rounding.js';

/** Pick fields that are prices (rounded to the tick) and money (to the cent); the ATR and score keep 4 decimals. */
const PRICES = new Set(['close', 'stop', 'target', 'entry', 'limit']);
const MONEY = new Set(['dollarRisk', 'notional']);
const FOUR_DECIMALS = new Set(['atr', 'score']);

/**
 * A `courtside scan --json` value as printed: prices on the tick, dollars in
 * cents, the ATR and score to 4 decimals, other non-integers without binary noise. Applied at the edge only;
 * the scan itself keeps full precision.
 */
export function roundedScanJson<T>(value: T, key = ''): T {
  if (typeof value === 'number') {
    if (Number.isInteger(value) || !Number.isFinite(value)) return value;
    if (FOUR_DECIMALS.has(key)) return (Math.round(value * 1e4) / 1e4) as T;
    return (PRICES.has(key) ? tick(value) : MONEY.has(key) ? cents(value) : ratio(value)) as T;
  }
  if (Array.isArray(value)) return value.map((v) => roundedScanJson(v, key)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = roundedScanJson(v, k);
    return out as T;
  }
  return value;
}
