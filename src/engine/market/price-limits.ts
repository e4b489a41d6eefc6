/**
 * Daily price limits (가격제한폭). KRX: ±30 % of the base price (the previous
 * close) from 2015-06-15, ±15 % before; a leveraged ETF's band is the rate
 * times its leverage (a 2x ETF moves ±60 %). The limit prices are on the tick
 * grid and inside the band: the upper limit is rounded down to its tick, the
 * lower limit up. US equities have no daily limit (LULD bands are intraday
 * pauses, not a daily band), so the answer there is null.
 */
import { isoDate } from './dates.js';
import type { Market } from './markets.js';
import { roundToMarketTick, tickSizeFor, type InstrumentType } from './ticks.js';

/** First session with the ±30 % KRX band (FSC/KRX reform of 2015; ±15 % before). */
export const KRX_30_PERCENT_LIMIT_FROM = '2015-06-15';

/** What the daily band depends on. */
export interface PriceLimitQuery {
  readonly market: Market;
  readonly instrument: InstrumentType;
  /** Session date, `YYYY-MM-DD`. */
  readonly date: string;
  /** The base price: the previous session's close. */
  readonly previousClose: number;
  /** Absolute leverage of a leveraged or inverse ETF (2 for 2x and for -2x inverse); 1 when absent. */
  readonly leverage?: number;
}

/** The prices an order may carry in one session. */
export interface DailyPriceBand {
  /** Fraction of the base price the price may move, e.g. 0.3 or 0.6 for a 2x ETF. */
  readonly rate: number;
  /** Lowest price (하한가), on the tick grid. */
  readonly lower: number;
  /** Highest price (상한가), on the tick grid. */
  readonly upper: number;
}

/** The KRX band fraction on `date` for an instrument of the given absolute leverage. */
export function krxLimitRate(date: string, leverage = 1): number {
  if (!Number.isFinite(leverage) || leverage <= 0) throw new RangeError(`leverage must be a positive number such as 1 or 2 (use 2 for a -2x inverse ETF), not ${String(leverage)}`);
  const base = isoDate(date) >= KRX_30_PERCENT_LIMIT_FROM ? 0.3 : 0.15;
  return base * leverage;
}

/**
 * The daily band for a session, or null where the market has none (US).
 * Throws what the tick rule throws (e.g. KRX stocks before 2023-01-25).
 */
export function dailyPriceBand(q: PriceLimitQuery): DailyPriceBand | null {
  if (q.market === 'US') return null;
  if (!Number.isFinite(q.previousClose) || q.previousClose <= 0) throw new RangeError(`previousClose must be a positive price, not ${String(q.previousClose)}`);
  if (q.instrument === 'stock' && (q.leverage ?? 1) !== 1) throw new RangeError('leverage applies to ETFs only; leave it out for a stock');
  const rate = krxLimitRate(q.date, Math.abs(q.leverage ?? 1));
  const at = (price: number) => ({ market: q.market, instrument: q.instrument, date: q.date, price });
  const upper = roundToMarketTick(at(q.previousClose * (1 + rate)), 'down');
  const lowRaw = q.previousClose * (1 - rate);
  // A band wider than 100 % (never listed on KRX today) would reach 0: the lowest price is one tick.
  const lower = lowRaw > 0 ? roundToMarketTick(at(lowRaw), 'up') : tickSizeFor(at(1));
  return { rate, lower, upper };
}

/** True when `price` may be ordered in the session: inside the band (or any price where there is none). */
export function isWithinDailyBand(q: PriceLimitQuery, price: number): boolean {
  const band = dailyPriceBand(q);
  return band === null || (price >= band.lower && price <= band.upper);
}
