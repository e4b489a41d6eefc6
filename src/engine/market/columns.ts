import { MARKETS, type Market, type MarketCurrency } from './markets.js';
import { marketOfSymbol } from './symbols.js';

/**
 * The `market` and `currency` columns of a row about `symbol`, in that order,
 * for an INSERT's parameters. Every insert names both (the columns' defaults
 * are US/USD, and Postgres refuses a six-digit code filed as US), so a KR row
 * can never be written as dollars by a forgotten column.
 */
export function marketColumns(symbol: string): [Market, MarketCurrency] {
  const market = marketOfSymbol(symbol);
  return [market, MARKETS[market].currency];
}
