/**
 * The calendar a data check holds a market's bars against: NYSE for US
 * (the NYSE functions the check has always used) and KRX for KR, each with
 * its run-time overrides (`courtside calendar close|late-open`) applied when
 * they can be read — a day closed by an override is no missing session.
 */
import { sessionsSpanning } from '../../engine/data-quality/index.js';
import { XKRX_CALENDAR, XNYS_CALENDAR, type ExchangeCalendar, type ExchangeId } from '../../engine/calendar/exchange.js';
import { withOverrides, type CalendarOverride } from '../../engine/calendar/overrides.js';
import type { Market } from '../../engine/market/index.js';
import type { CalendarOverridesPort } from '../calendar/overrides-source.js';
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
function fromExchange(exchange: 'NYSE' | 'KRX', cal: ExchangeCalendar): DataCheckCalendar {
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

/** The exchange of each market's data check. */
const EXCHANGE_OF: Record<Market, { id: ExchangeId; name: 'NYSE' | 'KRX'; rules: ExchangeCalendar; plain: DataCheckCalendar }> = {
  US: { id: 'XNYS', name: 'NYSE', rules: XNYS_CALENDAR, plain: NYSE },
  KR: { id: 'XKRX', name: 'KRX', rules: XKRX_CALENDAR, plain: KRX },
};

/** The calendar of a market's data check, by the exchange rules alone. */
export function dataCheckCalendar(market: Market): DataCheckCalendar {
  return EXCHANGE_OF[market].plain;
}

/**
 * How the run-time overrides were used, for the report: `applied` (how many of the exchange's
 * overrides exist; 0 is the rule calendar), or `unreadable` (the rules were used instead; `error`
 * says why, so the reader knows a day closed by an override may show as missing).
 */
export type DataCheckOverrides = { state: 'applied'; count: number } | { state: 'unreadable'; error: string };

/** A market's data-check calendar with its run-time overrides, and how they were used. */
export interface OverriddenDataCheckCalendar {
  calendar: DataCheckCalendar;
  overrides: DataCheckOverrides;
}

/**
 * The calendar of a market's data check with the exchange's run-time overrides (read through
 * `port`, the cached reader the scheduler shares) applied. When they cannot be read the check
 * still runs, on the rule calendar, and says so: a data check changes nothing, so unlike the entry
 * gate it need not stop; it only must not claim a calendar it did not use.
 */
export async function overriddenDataCheckCalendar(market: Market, port: CalendarOverridesPort): Promise<OverriddenDataCheckCalendar> {
  const ex = EXCHANGE_OF[market];
  let rows: readonly CalendarOverride[];
  try {
    rows = await port.forExchange(ex.id);
  } catch (err) {
    return { calendar: ex.plain, overrides: { state: 'unreadable', error: err instanceof Error ? err.message : String(err) } };
  }
  const cal = withOverrides(ex.rules, rows);
  // No override in effect: the very calendar the check has always used.
  return { calendar: cal === ex.rules ? ex.plain : fromExchange(ex.name, cal), overrides: { state: 'applied', count: rows.length } };
}

/** The calendar a report was checked against, in words ("NYSE calendar", "… with its run-time overrides (2)"). */
export function dataCheckOverridesText(exchange: string, o: DataCheckOverrides): string {
  if (o.state === 'applied') return o.count === 0 ? `${exchange} calendar` : `${exchange} calendar with its run-time overrides (${o.count})`;
  return `${exchange} rule calendar only: the run-time overrides could not be read (${o.error}), so a day closed by an override shows as missing_session`;
}
