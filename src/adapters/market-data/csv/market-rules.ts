/**
 * What a bars CSV line must satisfy once its symbol's market is known, beyond
 * the format: the optional `market` column agrees with the symbol, and a KR
 * bar falls on a KRX session and is priced in whole won (KRW has no minor
 * unit). US bars keep the US rules (no session or price-unit check here), so a
 * US file reads exactly as before.
 */
import type { Bar } from '../../../engine/bars.js';
import { XKRX_CALENDAR } from '../../../engine/calendar/exchange.js';
import { isMarket, MARKETS, type Market } from '../../../engine/market/index.js';

const PRICES = ['open', 'high', 'low', 'close'] as const;
const WEEKDAY = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/**
 * Why a line's `market` cell does not fit a symbol of `market`, or undefined when it fits.
 * A blank cell says nothing and fits (the column is optional, and so is each value).
 */
export function marketCellProblem(cell: string, market: Market, symbol: string): string | undefined {
  if (cell === '') return undefined;
  const said = cell.toUpperCase();
  if (!isMarket(said)) return `market "${cell.slice(0, 20)}" is not US or KR; write US or KR (or leave the cell empty)`;
  if (said === market) return undefined;
  const why = market === 'KR' ? `${symbol} is a six-digit KRX code, so its bars are KR` : `${symbol} is a US ticker (KRX codes have six digits), so its bars are US`;
  return `market ${said} does not match the symbol: ${why}; fix the market column, or name the file after the right symbol`;
}

/**
 * Why a bar (already format-checked) breaks its market's rules, or undefined. KR: the date must
 * be a KRX session (2000–2050, the calendar's years) and every price a whole number of won.
 */
export function marketBarProblem(bar: Bar, market: Market): string | undefined {
  if (market !== 'KR') return undefined;
  const session = krxSessionProblem(bar.date);
  if (session) return session;
  const fractional = PRICES.find((k) => !Number.isInteger(bar[k]));
  if (fractional !== undefined) {
    return `${fractional} ${bar[fractional]} is not whole won: ${MARKETS.KR.currency} prices have no fractional part; fix the price (is the file in another currency, or adjusted?)`;
  }
  return undefined;
}

function krxSessionProblem(date: string): string | undefined {
  const year = Number(date.slice(0, 4));
  if (year < XKRX_CALENDAR.firstYear || year > XKRX_CALENDAR.lastYear) {
    return `${date} is outside the KRX calendar (${XKRX_CALENDAR.firstYear}–${XKRX_CALENDAR.lastYear}), so it cannot be checked as a session; leave the line out`;
  }
  if (XKRX_CALENDAR.isSession(date)) return undefined;
  const holiday = XKRX_CALENDAR.holidaysOf(year).find((h) => h.date === date);
  const dow = WEEKDAY[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
  const why = holiday ? holiday.name : dow === 'Saturday' || dow === 'Sunday' ? `a ${dow}` : 'a KRX closure';
  return `${date} is not a KRX session (${why}); KR bars fall on KRX trading days: fix the date or remove the line`;
}
