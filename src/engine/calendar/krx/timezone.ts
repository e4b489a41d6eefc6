/**
 * Asia/Seoul wall-clock conversions. Korea has kept UTC+09:00 all year since
 * it last observed daylight time in 1988, so the whole 2000–2050 range is one
 * fixed offset and no tz database is needed (the engine stays pure).
 */
import { MS_PER_DAY, formatDay, parseDay } from '../days.js';
import { parseHhmm } from '../timezone.js';

/** IANA name of the KRX time zone. */
export const KRX_TIME_ZONE = 'Asia/Seoul';
/** UTC offset of Korea Standard Time, in minutes (fixed since 1988). */
export const KST_OFFSET_MINUTES = 540;

const MS_PER_MINUTE = 60_000;
const OFFSET_MS = KST_OFFSET_MINUTES * MS_PER_MINUTE;

function assertInstant(instantMs: number): void {
  if (typeof instantMs !== 'number' || !Number.isFinite(instantMs)) {
    throw new RangeError(`Invalid instant ${String(instantMs)}: expected finite epoch milliseconds`);
  }
}

/**
 * The instant of a Seoul wall-clock time.
 * @param date `YYYY-MM-DD`
 * @param time `HH:MM`, 24-hour
 * @throws RangeError on malformed input.
 */
export function krxTimeToInstant(date: string, time: string): number {
  return parseDay(date) * MS_PER_DAY + parseHhmm(time) * MS_PER_MINUTE - OFFSET_MS;
}

/** The instant of `minutes` after Seoul midnight of day number `day` (internal fast path). */
export function krxDayMinutesToInstant(day: number, minutes: number): number {
  return day * MS_PER_DAY + minutes * MS_PER_MINUTE - OFFSET_MS;
}

/**
 * The Seoul calendar date (`YYYY-MM-DD`) of an instant.
 * @throws RangeError for non-finite instants.
 */
export function krxDateOf(instantMs: number): string {
  assertInstant(instantMs);
  return formatDay(Math.floor((instantMs + OFFSET_MS) / MS_PER_DAY));
}

/**
 * Formats an instant as ISO 8601 Seoul local time, e.g. `2025-01-02T10:00:00+09:00`
 * (milliseconds only when non-zero, like the New York formatter).
 * @throws RangeError for non-finite instants.
 */
export function formatKrxIso(instantMs: number): string {
  assertInstant(instantMs);
  const iso = new Date(instantMs + OFFSET_MS).toISOString(); // the wall time, read as UTC
  const body = iso.endsWith('.000Z') ? iso.slice(0, -5) : iso.slice(0, -1);
  return `${body}+09:00`;
}

/**
 * The Seoul calendar date at `now` (the caller passes the clock).
 * @throws RangeError for an invalid date.
 */
export function krxToday(now: Date): string {
  return krxDateOf(now.getTime());
}
