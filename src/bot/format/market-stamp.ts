import { XKRX_CALENDAR } from '../../engine/calendar/exchange.js';
import type { Market } from '../../engine/market/markets.js';
import { nyStamp } from './display.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * "Jan 10 14:05 ET" for a US event, "Dec 8 08:30 KST" for a KR one: each
 * market's times on its own exchange's clock, whatever the server's zone.
 */
export function marketStamp(market: Market | undefined, d: Date): string {
  if (market !== 'KR') return nyStamp(d);
  // "2026-12-08T08:30:00+09:00": the Seoul wall clock.
  const iso = XKRX_CALENDAR.formatIso(d.getTime());
  return `${MONTHS[Number(iso.slice(5, 7)) - 1]!} ${Number(iso.slice(8, 10))} ${iso.slice(11, 16)} KST`;
}
