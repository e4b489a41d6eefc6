/**
 * The markets Courtside trades (DESIGN section 8). A symbol belongs to exactly
 * one market; the market fixes the exchange, the clock and the currency.
 */

/** A market: US equities (NYSE calendar) or Korean listings on KRX. */
export type Market = 'US' | 'KR';

/** ISO 4217 code of a market's currency. Mirrors `Currency` in src/lib/money.ts (the engine may not import lib). */
export type MarketCurrency = 'USD' | 'KRW';

/** What a market is: where it trades, on whose clock, in which money. */
export interface MarketDescriptor {
  readonly market: Market;
  /** Exchange name as users know it. */
  readonly exchange: 'NYSE' | 'KRX';
  /** ISO 10383 market identifier code of the calendar exchange. */
  readonly mic: 'XNYS' | 'XKRX';
  /** IANA zone of the session clock. */
  readonly timeZone: 'America/New_York' | 'Asia/Seoul';
  readonly currency: MarketCurrency;
  /** Digits after the decimal point in amounts of the currency (ISO 4217 minor unit): 2 for USD, 0 for KRW. */
  readonly currencyMinorDigits: 2 | 0;
}

/** Every market, keyed by its id. */
export const MARKETS: Readonly<Record<Market, MarketDescriptor>> = Object.freeze({
  US: Object.freeze({ market: 'US', exchange: 'NYSE', mic: 'XNYS', timeZone: 'America/New_York', currency: 'USD', currencyMinorDigits: 2 }),
  KR: Object.freeze({ market: 'KR', exchange: 'KRX', mic: 'XKRX', timeZone: 'Asia/Seoul', currency: 'KRW', currencyMinorDigits: 0 }),
});

/** The ids of all markets, in a stable order. */
export const MARKET_IDS: readonly Market[] = Object.freeze(['US', 'KR']);

/** True for `'US'` and `'KR'`. */
export function isMarket(value: unknown): value is Market {
  return value === 'US' || value === 'KR';
}

/** The descriptor of a market; throws a RangeError naming the accepted ids otherwise. */
export function marketDescriptor(market: Market): MarketDescriptor {
  if (!isMarket(market)) throw new RangeError(`unknown market ${JSON.stringify(String(market)).slice(0, 20)}; use one of ${MARKET_IDS.join(', ')}`);
  return MARKETS[market];
}
