import { krxHoursWithOverrides, krxOrderHoursFor } from '../../engine/krx-hours.js';
import type { MarketHours } from '../../engine/market-hours.js';
import { sharedCalendarOverrides } from '../../trading/calendar/overrides-source.js';
import type { BotDeps } from '../deps.js';

/**
 * KRX's order hours as the bot offers and queues KR orders: the continuous session
 * (never an auction), with the run-time calendar overrides applied, so a late open
 * declared with `courtside calendar` moves the offer and the queued order's window.
 *
 * Overrides that cannot be read leave the rule calendar here, for offering and
 * queueing only (logged): nothing is sent from the bot, and the open queue, which
 * sends and expires, reads the overrides again and never acts on the rule calendar
 * (it skips KR rows for a run it cannot read them). There, a late open moves the
 * row within its session day, and a day that turns out closed expires the row and
 * tells its chat; the row never moves to another day.
 */
export async function krQueueHours(deps: BotDeps): Promise<MarketHours> {
  const base = krxOrderHoursFor(deps.config);
  try {
    return krxHoursWithOverrides(base, await sharedCalendarOverrides(deps.uow).forExchange('XKRX'));
  } catch (err) {
    deps.log.warn({ err }, 'calendar overrides unreadable: KR queue offers use the rule calendar (the open queue checks the day again before sending)');
    return base;
  }
}
