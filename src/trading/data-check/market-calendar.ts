/**
 * The calendar a data check holds a market's bars against: NYSE for US
 * (unchanged: the NYSE functions the check has always used) and KRX for KR.
 */
import { sessionsSpanning } from '../../engine/data-quality/index.js';
import { XKRX_CALENDAR, type ExchangeCalendar } from '../../engine/calendar/exchange.js';
import type { Market } from '../../engine/market/index.js';
import { lastCompletedSession } from '../market-clock.js';

/** What a data check asks of a market's calendar. */
export interface DataCheckCalendar {
  /** Exchange name for messages (`NYSE`, `KRX`). */
  readonly exchange: 'NYSE' | 'KRX';
  /** The latest session whose close has passed at `nowMs`: the bar every symbol should have. */
  lastCompleted(nowMs: number): string;
  /** The sessions from `from` to `to`, both inclusive, clamped to the calendar's years. */
  sessionsSpanning(from: string, to: string): string[];
}

const NYSE: DataCheckCalendar = Object.freeze({ exchange: 'NYSE', lastCompleted: lastCompletedSession, sessionsSpanning });

/** A {@link DataCheckCalendar} over an exchange calendar (the same answers the NYSE one gives, on its clock). */
function fromExchange(exchange: 'KRX', cal: ExchangeCalendar): DataCheckCalendar {
  return Object.freeze({
    exchange,
    lastCompleted(nowMs: number): string {
      const today = cal.dateOf(nowMs);
      const info = cal.sessionInfo(today);
      return info !== null && nowMs >= info.close ? today : cal.previousSession(today);
    },
    sessionsSpanning(from: string, to: string): string[] {
      const lo = from < `${cal.firstYear}-01-01` ? `${cal.firstYear}-01-01` : from;
      const hi = to > `${cal.lastYear}-12-31` ? `${cal.lastYear}-12-31` : to;
      return lo > hi ? [] : cal.sessionsBetween(lo, hi);
    },
  });
}

const KRX = fromExchange('KRX', XKRX_CALENDAR);

/** The calendar of a market's data check. */
export function dataCheckCalendar(market: Market): DataCheckCalendar {
  return market === 'KR' ? KRX : NYSE;
}
