import type { ExchangeCalendar } from '../../engine/calendar/exchange.js';
import { withOverrides } from '../../engine/calendar/overrides.js';
import { marketPlan, type MarketPlan, type SlotZone } from '../../engine/schedule/market-plan.js';
import type { Market } from '../../engine/market/markets.js';
import type { CalendarOverridesPort } from '../calendar/overrides-source.js';

/** Where one market's slots are planned; calendar and zone default to the market's exchange (NYSE/New York, KRX/Seoul). */
export interface MarketCalendarChoice {
  market: Market;
  /** The rule calendar its sessions come from (its run-time overrides are applied on top). */
  calendar?: ExchangeCalendar;
  /** The clock its wall-clock slot times are read on. */
  zone?: SlotZone;
}

/**
 * The plan one market's slots run on (the scheduler) and are judged on (the
 * dead-man): its exchange's sessions with that exchange's run-time overrides
 * applied (`courtside calendar close|late-open`), so a closed day owes no slot
 * and a late open moves the open-anchored ones. With `port` null (overrides
 * off) or unreadable (`onUnreadable` is told), the rule calendar: slots only
 * run and report jobs, and new risk has its own refusing gate, so falling back
 * to the rules here is safe. The NYSE case is what `slotSessionLookup` does.
 */
export async function marketSlotPlan(choice: MarketCalendarChoice, port: CalendarOverridesPort | null, onUnreadable: (err: unknown) => void): Promise<MarketPlan> {
  const base = marketPlan(choice.market);
  const calendar = choice.calendar ?? base.calendar;
  const zone = choice.zone ?? base.zone;
  // The market's own rule sessions unless another calendar was chosen (NYSE's are its unwidened `sessionInfo`).
  const rules = choice.calendar === undefined ? base.sessionOf : (date: string) => calendar.sessionInfo(date);
  if (port === null) return { ...base, calendar, zone, sessionOf: rules };
  try {
    const overridden = withOverrides(calendar, await port.forExchange(calendar.id));
    // No override applies: the rule sessions, exactly as without overrides.
    return { ...base, calendar, zone, sessionOf: overridden === calendar ? rules : (date) => overridden.sessionInfo(date) };
  } catch (err) {
    onUnreadable(err);
    return { ...base, calendar, zone, sessionOf: rules };
  }
}
