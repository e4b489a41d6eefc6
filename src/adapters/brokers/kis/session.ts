/**
 * When the adapter may send a KRX IOC limit order, on the KST wall clock
 * (UTC+9 all year: Korea keeps no summer time). IOC orders are refused by
 * KRX in the single-price auctions (동시호가): the opening one from 08:30 to
 * the open and the closing one in the last 10 minutes before the close
 * (15:20–15:30); KIS answers APBK3013 then. Outside the session there is
 * nothing to match. The adapter refuses locally, so nothing is sent.
 */

const KST_OFFSET_MS = 9 * 3_600_000;
/** The closing single-price auction: the last 10 minutes of the session. */
const CLOSING_AUCTION_MIN = 10;
/** The opening single-price auction starts 30 minutes before the open. */
const OPENING_AUCTION_MIN = 30;

/** A day's continuous session, in minutes after KST midnight; null: no session (holiday). */
export interface KrxHours {
  openMin: number;
  closeMin: number;
}

/** A session calendar: the hours of a KST date (`YYYY-MM-DD`), null when closed. */
export type KrxHoursOf = (kstDate: string) => KrxHours | null;

/**
 * A session calendar that may have to read to answer: the app passes the KRX
 * calendar with its run-time overrides (`courtside calendar close|late-open
 * --market krx`, kept in the database), so a day closed at run time is closed
 * here too and a late open moves the opening auction and the continuous
 * start with it. The adapter imports no database: it only awaits the answer.
 * A source that throws makes the adapter refuse the IOC order locally.
 */
export type KrxHoursSource = (kstDate: string) => KrxHours | null | Promise<KrxHours | null>;

/**
 * The default calendar: weekdays 09:00–15:30, no holidays. The app should
 * pass the KRX calendar (holidays, the 10:00 first-day open, CSAT days).
 */
export const weekdayHours: KrxHoursOf = (kstDate) => {
  const day = new Date(`${kstDate}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6 ? null : { openMin: 9 * 60, closeMin: 15 * 60 + 30 };
};

/** The KST calendar date (`YYYY-MM-DD`) and minute of the day of an instant. */
export function kstParts(ms: number): { date: string; minute: number; compact: string } {
  const d = new Date(ms + KST_OFFSET_MS);
  const date = d.toISOString().slice(0, 10);
  return { date, minute: d.getUTCHours() * 60 + d.getUTCMinutes(), compact: date.replaceAll('-', '') };
}

/** The instant of a KST date and time as KIS writes them (`20240102`, `091503`). */
export function kstInstant(yyyymmdd: string, hhmmss: string): number {
  const t = hhmmss.padStart(6, '0');
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}Z`;
  return Date.parse(iso) - KST_OFFSET_MS;
}

const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** "09:00–15:20 KST": a day's continuous session, from the open to the closing auction; the regular one on a closed day. */
export function continuousText(day: KrxHours | null): string {
  const h = day ?? { openMin: 9 * 60, closeMin: 15 * 60 + 30 };
  return `${hhmm(h.openMin)}–${hhmm(h.closeMin - CLOSING_AUCTION_MIN)} KST${day === null ? ' on a session day' : ''}`;
}

/**
 * Why an IOC order may not be sent at `nowMs`, or null when it may: inside
 * the opening or closing single-price auction, or outside the session.
 */
export function iocRefusal(nowMs: number, hoursOf: KrxHoursOf = weekdayHours): string | null {
  const { date, minute } = kstParts(nowMs);
  const h = hoursOf(date);
  if (h === null) return `KRX is closed on ${date} (KST)`;
  const auctionFrom = h.closeMin - CLOSING_AUCTION_MIN;
  if (minute >= h.openMin - OPENING_AUCTION_MIN && minute < h.openMin) {
    return `it is the opening single-price auction (${hhmm(h.openMin - OPENING_AUCTION_MIN)}–${hhmm(h.openMin)} KST), when KRX takes no IOC orders`;
  }
  if (minute >= auctionFrom && minute < h.closeMin) {
    return `it is the closing single-price auction (${hhmm(auctionFrom)}–${hhmm(h.closeMin)} KST), when KRX takes no IOC orders`;
  }
  if (minute < h.openMin || minute >= h.closeMin) return `KRX is outside its session (${hhmm(h.openMin)}–${hhmm(h.closeMin)} KST on ${date})`;
  return null;
}
