/**
 * Price increments by market, instrument type, date and price.
 *
 * US: the existing Reg NMS rule of src/engine/tick.ts ($0.01 at or above $1,
 * $0.0001 below), the same for ETFs and stocks.
 *
 * KR (KRW, whole won):
 * - ETFs: 5 won at every price until the KRX ETF/ETN tick reform; from
 *   {@link KRX_ETF_TICK_CHANGE_DATE} 1 won below 2,000 and 5 won at or above.
 * - Stocks: the single KOSPI/KOSDAQ/KONEX table in force from
 *   {@link KRX_STOCK_TICK_CHANGE_DATE}. Earlier dates are refused: the older
 *   tables differed by board (KOSPI vs KOSDAQ above 50,000 won), which a
 *   symbol does not tell.
 */
import { roundToTick as usRoundToTick, tickSize as usTickSize, type TickRounding } from '../tick.js';
import { isoDate } from './dates.js';
import { MarketRuleNotSupportedError } from './errors.js';
import type { Market } from './markets.js';

/** What is traded; ticks and limits differ between ETFs and ordinary shares on KRX. */
export type InstrumentType = 'etf' | 'stock';

/** Side of an order. */
export type OrderSide = 'buy' | 'sell';

/**
 * First KRX session with the ETF/ETN tick of 1 won below 2,000 won.
 *
 * KRX announced the reform of the ETF/ETN 업무규정시행세칙 (호가가격단위: 1 won
 * below 2,000 won, 5 won at or above; before: 5 won for every ETF/ETN) on
 * 2023-10-05, comments until 2023-10-12, effective after the member firms'
 * system work. Press reports of that notice disagree on the planned day
 * (etoday.co.kr/news/view/2289674: 12월 8일; mediapen.com/news/view/860330:
 * 12월18일); 2023-12-11 (Monday) is the day taken by a study built on KRX's own
 * daily ETF prices (etf_bydd_trd). The KRX notice itself could not be read
 * from here: CONFIRM against the KRX 공지 before relying on sessions from
 * 2023-12-08 to 2023-12-18.
 */
export const KRX_ETF_TICK_CHANGE_DATE = '2023-12-11';

/**
 * First session of the KRX stock tick table of the 2023 reform (one table for
 * KOSPI, KOSDAQ and KONEX, launched with the Exture 3.0 system), announced by
 * KRX on 2022-11-01 (v.daum.net/v/20221101161150796, ajunews 20221101162227957)
 * and in force from 2023-01-25 (ggoose.tistory.com, "1월 25일부터").
 */
export const KRX_STOCK_TICK_CHANGE_DATE = '2023-01-25';

/** ETF tick below / at-or-above 2,000 won after the ETF reform; 5 won everywhere before it. */
const KRX_ETF_LOW_PRICE_LIMIT = 2_000;

/**
 * KRX stock ticks from 2023-01-25: [upper bound (exclusive), tick]. 2,000 →
 * 1 won below; 5 won to 5,000; 10 to 20,000; 50 to 50,000; 100 to 200,000;
 * 500 to 500,000; 1,000 at or above 500,000.
 */
const KRX_STOCK_TICKS_2023: ReadonlyArray<readonly [number, number]> = [
  [2_000, 1],
  [5_000, 5],
  [20_000, 10],
  [50_000, 50],
  [200_000, 100],
  [500_000, 500],
];
const KRX_STOCK_TOP_TICK_2023 = 1_000;

/** Everything a tick depends on. */
export interface TickQuery {
  readonly market: Market;
  readonly instrument: InstrumentType;
  /** Session date, `YYYY-MM-DD` (the market's own calendar day). */
  readonly date: string;
  /** A positive price in the market's currency. */
  readonly price: number;
}

function checkPrice(price: number): void {
  if (!Number.isFinite(price) || price <= 0) throw new RangeError(`price must be a positive number, not ${String(price)}`);
}

function krTick(instrument: InstrumentType, date: string, price: number): number {
  if (instrument === 'etf') return date < KRX_ETF_TICK_CHANGE_DATE || price >= KRX_ETF_LOW_PRICE_LIMIT ? 5 : 1;
  if (date < KRX_STOCK_TICK_CHANGE_DATE) {
    throw new MarketRuleNotSupportedError(
      `KRX stock ticks before ${KRX_STOCK_TICK_CHANGE_DATE} are not supported (the older tables differ between KOSPI and KOSDAQ); use a date from ${KRX_STOCK_TICK_CHANGE_DATE} on, or trade ETFs`,
    );
  }
  for (const [upper, tick] of KRX_STOCK_TICKS_2023) if (price < upper) return tick;
  return KRX_STOCK_TOP_TICK_2023;
}

/** The price increment at `price` on `date` for the instrument in its market. */
export function tickSizeFor(q: TickQuery): number {
  checkPrice(q.price);
  const date = isoDate(q.date);
  return q.market === 'US' ? usTickSize(q.price) : krTick(q.instrument, date, q.price);
}

function krRound(q: TickQuery, mode: TickRounding): number {
  const date = isoDate(q.date);
  const tick = krTick(q.instrument, date, q.price);
  // Kill float noise (10,000 × 1.15 = 11,499.999999999998) so an exact multiple
  // of the tick never moves when rounded up or down. The window is a billionth
  // of a tick: wide enough for a few ulps at 2,000,000 won, narrow enough that
  // a real price a hair below a tick (1,999,999.9999975) still rounds down.
  const raw = q.price / tick;
  const steps = Math.abs(raw - Math.round(raw)) <= 1e-9 ? Math.round(raw) : raw;
  const n = mode === 'up' ? Math.ceil(steps) : mode === 'down' ? Math.floor(steps) : Math.round(steps);
  // Every KRX band boundary (2,000, 5,000, 20,000, ...) is a multiple of the
  // tick above it, so rounding with the tick of the price never lands off the
  // grid of the result: 1,999.5 up → 2,000 and 2,003 down → 2,000 are both valid.
  const out = n * tick;
  if (out <= 0) throw new RangeError(`${q.price} rounded ${mode} is 0 won; the lowest KRX price on ${date} is ${tick} won`);
  return out;
}

/**
 * Rounds a positive price to the tick grid of its market. A KRW price within a
 * billionth of a tick of a grid point is taken as that point (float noise). KRW results are
 * whole won; USD results follow src/engine/tick.ts (2 decimals at or above $1,
 * 4 below).
 */
export function roundToMarketTick(q: TickQuery, mode: TickRounding = 'nearest'): number {
  checkPrice(q.price);
  return q.market === 'US' ? usRoundToTick(q.price, mode) : krRound(q, mode);
}

/**
 * A limit price on the tick grid that is never worse for the order than the
 * price asked for: a buy rounds down, a sell rounds up.
 */
export function limitPriceOnTick(q: TickQuery, side: OrderSide): number {
  return roundToMarketTick(q, side === 'buy' ? 'down' : 'up');
}

/** True when `price` sits exactly on its market's tick grid on `date`. */
export function isOnMarketTick(q: TickQuery): boolean {
  if (!Number.isFinite(q.price) || q.price <= 0) return false;
  return roundToMarketTick(q, 'nearest') === q.price;
}
