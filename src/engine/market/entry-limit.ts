/**
 * The limit price of a marketable buy entry (an IOC, or a DAY order cancelled soon after): the
 * ask plus a small buffer, on the market's tick grid. The limit is what the per-order and daily
 * budgets are checked and reserved with and what the order row stores, so it must be the very
 * price the broker is sent.
 */
import { iocLimitPriceFromAsk } from '../tick.js';
import type { Market } from './markets.js';
import { roundToMarketTick } from './ticks.js';

/** What an entry limit depends on. */
export interface EntryLimitQuery {
  readonly market: Market;
  /** The market's own session date of the order, `YYYY-MM-DD` (KRX ticks change by date; the Seoul date for KR). */
  readonly date: string;
  /** The live ask, in the market's currency. */
  readonly ask: number;
  /** Fraction over the ask the order may pay; default 0.001 (0.1 %). */
  readonly buffer?: number;
}

/**
 * US: ask × (1 + buffer) rounded UP to the cent ({@link iocLimitPriceFromAsk}, unchanged): a cent
 * is noise against the buffer.
 *
 * KR: ask × (1 + buffer) rounded DOWN to the KRX ETF tick of the session date, whole won. Down,
 * because the buffer is the most we agreed to pay: a 5-won tick is worth more than the whole 0.1 %
 * buffer below ₩5,000, so rounding up could pay past the cap. Down still fills at the ask: a KRX
 * ask is on the tick grid, and the grid point below ask × (1 + buffer) is at least the ask. It is
 * also what the KIS adapter does to a buy limit off the grid, so the figure sent is the figure
 * computed here (stored as orders.limit_price and reserved as qty × limit), not a neighbour of it.
 */
export function entryLimitPrice(q: EntryLimitQuery): number {
  const buffer = q.buffer ?? 0.001;
  if (q.market === 'US') return iocLimitPriceFromAsk(q.ask, buffer);
  if (!Number.isFinite(q.ask) || q.ask <= 0) throw new RangeError(`ask must be a positive number, not ${String(q.ask)}`);
  // An ETF tick: the bot trades KRX ETFs only (the KIS adapter assumes the same).
  return roundToMarketTick({ market: q.market, instrument: 'etf', date: q.date, price: q.ask * (1 + buffer) }, 'down');
}
