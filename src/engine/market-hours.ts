import { nextSession, nyLocalParts, sessionAt, sessionInfo, type SessionInfo } from './calendar/index.js';

/**
 * When the market takes orders that can fill: the exchange's regular
 * sessions (EXCHANGE_HOURS, the only production choice), or always
 * (ALWAYS_OPEN: tests of the fill path that run at any hour).
 * Every entry, the paper broker, flatten and the open queue ask this one port.
 */
export interface MarketHours {
  readonly name: 'exchange' | 'always';
  /** True while orders can execute at `nowMs` (IOC orders fill nowhere else). */
  isOpen(nowMs: number): boolean;
  /** The next session whose open is at or after `nowMs` (today's, before its open); null only beyond the calendar. */
  nextOpen(nowMs: number): SessionInfo | null;
}

/** The NYSE/Nasdaq regular sessions (holidays and early closes included). */
export const EXCHANGE_HOURS: MarketHours = {
  name: 'exchange',
  isOpen: (nowMs) => sessionAt(nowMs)?.isOpen ?? false,
  nextOpen: (nowMs) => {
    const at = sessionAt(nowMs);
    if (at && at.phase === 'pre-open') return at.session;
    try {
      return sessionInfo(nextSession(nyLocalParts(nowMs).date));
    } catch {
      return null;
    }
  },
};

/** Always open (tests of the fill path only; never a production setting). */
export const ALWAYS_OPEN: MarketHours = {
  name: 'always',
  isOpen: () => true,
  nextOpen: (nowMs) => EXCHANGE_HOURS.nextOpen(nowMs),
};

/** Minutes after the open at which queued orders go (re-quoted, re-checked). */
export const QUEUE_SEND_AFTER_OPEN_MIN = 1;
/** Minutes after the open at which a queued order not sent expires. */
export const QUEUE_EXPIRE_AFTER_OPEN_MIN = 30;

/** When an order queued at `nowMs` goes, and until when it may: open + 1 min and open + 30 min of the next session. */
export function queueWindow(hours: MarketHours, nowMs: number): QueueWindow | null {
  const s = hours.nextOpen(nowMs);
  return s ? queueWindowAt(s.open, s.date) : null;
}

/** When a queued order goes and expires, for a session that opens at `openMs`. */
export interface QueueWindow {
  /** The session's New York date (`YYYY-MM-DD`). */
  sessionDate: string;
  sendAt: Date;
  expiresAt: Date;
}

/**
 * The queue window of an open the broker names (its clock's next open after an
 * unscheduled closure our calendar does not show): open + 1 min and + 30 min,
 * as for a calendar open. `sessionDate` defaults to the open's New York date.
 */
export function queueWindowAt(openMs: number, sessionDate: string = nyLocalParts(openMs).date): QueueWindow {
  return { sessionDate, sendAt: new Date(openMs + QUEUE_SEND_AFTER_OPEN_MIN * 60_000), expiresAt: new Date(openMs + QUEUE_EXPIRE_AFTER_OPEN_MIN * 60_000) };
}

/**
 * The hours a configuration asks for: `market.hours` = `always` gives
 * {@link ALWAYS_OPEN} (tests of the fill path only), anything else the
 * exchange's sessions. Takes any config object so a configuration without the
 * setting (the default) gets the exchange's hours.
 */
export function marketHoursFor(config: object): MarketHours {
  const market = 'market' in config ? config.market : undefined;
  const hours = typeof market === 'object' && market !== null && 'hours' in market ? market.hours : undefined;
  return hours === 'always' ? ALWAYS_OPEN : EXCHANGE_HOURS;
}
