/**
 * The market and currency every stored bar carries (`bars_daily.market`,
 * `bars_daily.currency`). A symbol belongs to one market and its code says
 * which (six-digit KRX codes are KR), so the writer derives both columns from
 * the symbol instead of trusting the table's US/USD defaults.
 */
import { MARKETS, parseSymbol, type Market, type MarketCurrency } from '../../engine/market/index.js';

/** Where a symbol's bars belong: its market and the currency their prices are in. */
export interface BarMarket {
  readonly market: Market;
  readonly currency: MarketCurrency;
}

/**
 * The market and currency of `symbol`'s bars.
 * @throws SymbolError for a string that is neither a KRX code nor a US ticker (e.g. a
 *   five-digit code, whose message suggests the zero-padded one).
 */
export function barMarketOf(symbol: string): BarMarket {
  const { market } = parseSymbol(symbol);
  return { market, currency: MARKETS[market].currency };
}
