import { hoursWithOverrides } from '../../engine/calendar/override-hours.js';
import type { CalendarOverride } from '../../engine/calendar/overrides.js';
import { krxHoursWithOverrides } from '../../engine/krx-hours.js';
import { MARKETS, type Market } from '../../engine/market/markets.js';
import { marketCalendar } from '../../engine/market/session-day.js';
import type { MarketHours } from '../../engine/market-hours.js';
import type { CalendarOverridesPort } from '../calendar/overrides-source.js';
import type { MarketClosed } from './recorded-reasons.js';

/**
 * The session gate of NEW-RISK orders (entries): outside the regular session
 * an entry is not sent at all. An IOC cannot fill then, and a broker that
 * takes extended-hours orders could fill it at a price nobody approved. The
 * bot already offers "Queue for the open" to an Approve outside the session;
 * this gate covers what reaches the order path anyway (a job that starts
 * after the close, a retry, a worker back late). Exits and flatten never pass
 * it: they reduce risk and keep their own session rule.
 *
 * The clock and the hours are injected (`marketHoursFor(config)` as the app
 * wires them), so the same check holds for tests with a set clock.
 */
export interface NewRiskSession {
  hours: MarketHours;
  /** The market whose exchange `hours` are (default US): its calendar's overrides apply (XKRX for KR). */
  market?: Market;
  now: () => Date;
  /**
   * Run-time calendar overrides of the market's exchange (`courtside calendar close|late-open`): on a closed day, or
   * before a late open, an entry is refused like outside the session. When they cannot be read
   * (the port throws: no read yet, or the last one older than its limit) the entry is refused
   * `calendar_unknown`. Absent: the rule calendar alone (tests of the fill path).
   */
  overrides?: CalendarOverridesPort;
  /** Told when the overrides cannot be read (the entry is then refused `calendar_unknown`). */
  onOverridesError?: (err: unknown) => void;
}

/** Null while the market is open at `now`; otherwise the reason to record, with the next open. */
export function marketClosedReason(s: NewRiskSession): MarketClosed | null {
  const at = s.now();
  const ms = at.getTime();
  if (s.hours.isOpen(ms)) return null;
  const next = s.hours.nextOpen(ms);
  return { code: 'market_closed', order: 'entry', at: at.toISOString(), nextOpen: next ? new Date(next.open).toISOString() : null };
}

/**
 * {@link marketClosedReason} with the run-time calendar overrides read (cached) and applied.
 * New risk never goes on an unknown calendar: when the overrides cannot be read, the answer is
 * `calendar_unknown` — even when the rules say open, since a closure may have been added — and
 * not the rule calendar's guess. Only entries pass here; exits, flatten and /close never do.
 */
export async function newRiskClosedReason(s: NewRiskSession): Promise<MarketClosed | null> {
  // Only the exchange's hours have a calendar to change (`always` is for tests of the fill path).
  if (s.overrides === undefined || s.hours.name !== 'exchange') return marketClosedReason(s);
  const market = s.market ?? 'US';
  const exchange = MARKETS[market].mic;
  let overrides;
  try {
    overrides = await s.overrides.forExchange(exchange);
  } catch (err) {
    s.onOverridesError?.(err);
    return { code: 'calendar_unknown', order: 'entry', at: s.now().toISOString(), exchange, detail: err instanceof Error ? err.message : String(err) };
  }
  return marketClosedReason({ hours: withRunTimeOverrides(s.hours, market, overrides), now: s.now });
}

/**
 * The market's order hours with the overrides applied. KRX's are the continuous session only
 * (no IOC in the closing auction, the last 10 minutes): krxHoursWithOverrides keeps that rule on
 * an overridden calendar, where the generic hoursWithOverrides would reopen the auction to entries.
 */
function withRunTimeOverrides(hours: MarketHours, market: Market, overrides: readonly CalendarOverride[]): MarketHours {
  return market === 'KR' ? krxHoursWithOverrides(hours, overrides) : hoursWithOverrides(hours, marketCalendar(market), overrides);
}
