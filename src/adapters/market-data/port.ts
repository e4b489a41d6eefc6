import type { Bar } from '../../engine/bars.js';

/** Inclusive calendar range of trading dates, both ISO `YYYY-MM-DD`. */
export interface DateRange {
  from: string;
  to: string;
}

/**
 * A source of daily OHLCV bars. One implementation per data provider
 * (CSV folder, synthetic demo data, Polygon, Alpaca), so the engine never
 * knows where bars came from.
 *
 * Implementations return bars sorted oldest first, one per trading date,
 * already split/dividend adjusted where the provider supports it, and throw
 * {@link DataProviderError} (never a bare `Error`) on failure.
 */
export interface MarketDataProvider {
  /** Short identifier used in logs and error messages, e.g. `polygon`. */
  readonly name: string;
  /**
   * True when the bars are not real market data (synthetic demo universe).
   * Anything user-facing must say so: a demo backtest is not evidence.
   */
  readonly demo: boolean;
  /**
   * What the bars include: `price_only` when distributions are not reinvested
   * (never total return; say so wherever returns are shown). Absent: as the
   * provider's own documentation says (split and dividend adjusted above).
   */
  readonly adjustment?: 'price_only';
  /** Daily bars with `range.from <= date <= range.to`; `[]` when the provider has none. */
  dailyBars(symbol: string, range: DateRange): Promise<Bar[]>;
}

/** Top of book at one instant. */
export interface Quote {
  symbol: string;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  /** Quote timestamp as reported by the provider (RFC 3339). */
  time: string;
}

/** Latest quote, used to re-price an approved idea right before execution. */
export interface QuoteProvider {
  latestQuote(symbol: string): Promise<Quote>;
  /** Several symbols in one request, where the source can; a symbol without a quote is absent from the map. */
  latestQuotes?(symbols: string[]): Promise<Map<string, Quote>>;
}

/**
 * Optional cache in front of a network provider. Keys are opaque strings
 * built by the provider (they never contain secrets). Both methods may be sync
 * or async so an in-memory Map or Redis can back it.
 */
export interface BarCache {
  get(key: string): Promise<Bar[] | undefined> | Bar[] | undefined;
  set(key: string, bars: Bar[]): Promise<void> | void;
}
