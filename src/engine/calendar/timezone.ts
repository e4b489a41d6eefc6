/**
 * America/New_York wall-clock conversions from hand-written US DST rules.
 *
 * The engine must not depend on the host's tz database (or luxon), so the
 * Eastern-time rules are encoded directly:
 *
 * - 2007 onward (Energy Policy Act of 2005): daylight time from the second
 *   Sunday of March, 02:00 EST, to the first Sunday of November, 02:00 EDT.
 * - 1987–2006 (Uniform Time Act as amended in 1986): from the first Sunday of
 *   April, 02:00 EST, to the last Sunday of October, 02:00 EDT.
 *
 * Standard time is UTC−05:00 (EST) and daylight time UTC−04:00 (EDT).
 * Years outside {@link TZ_FIRST_YEAR}–{@link TZ_LAST_YEAR} throw rather than
 * guess: earlier years had other rules, and later ones assume today's law.
 *
 * This is the project's ONE New York time-zone module: every US-Eastern
 * conversion (session dates of bars, the trading day of an instant, "today"
 * in New York, timestamps shown to the user, the broker emulator's clock)
 * goes through it, not through `Intl.DateTimeFormat({ timeZone:
 * 'America/New_York' })`. Chosen over Intl because it is pure and
 * deterministic: the answer does not depend on the host's ICU build or tz
 * database (a Node built with small-icu, or a stale/missing zone file, would
 * silently give UTC or old rules), it may be used by src/engine, and it is
 * tested against the tz database (luxon as an oracle) for every transition
 * 2000–2050. Formatting a plain calendar date with `timeZone: 'UTC'` is not a
 * zone conversion and stays with Intl.
 */
import { APRIL, MARCH, NOVEMBER, OCTOBER } from './months.js';
import {
  MS_PER_DAY,
  SUNDAY,
  civilDate,
  formatDay,
  lastWeekdayOfMonth,
  nthWeekdayOfMonth,
  parseDay,
  weekdayOf,
} from './days.js';

/** IANA name of the exchange time zone. */
export const NY_TIME_ZONE = 'America/New_York';

/** First year for which the hand-written DST rules are valid. */
export const TZ_FIRST_YEAR = 1987;
/** Last year the rules are applied to (current law, assumed unchanged). */
export const TZ_LAST_YEAR = 2099;

/** UTC offset of Eastern Standard Time, in minutes. */
export const EST_OFFSET_MINUTES = -300;
/** UTC offset of Eastern Daylight Time, in minutes. */
export const EDT_OFFSET_MINUTES = -240;

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;

/** The half-open UTC interval [start, end) during which New York observes daylight time. */
export interface DstPeriod {
  /** Instant (epoch ms) of the spring-forward: 02:00 EST becomes 03:00 EDT. */
  readonly start: number;
  /** Instant (epoch ms) of the fall-back: 02:00 EDT becomes 01:00 EST. */
  readonly end: number;
}

const dstCache = new Map<number, DstPeriod>();

/**
 * Daylight-time period of `year` in New York.
 * @throws RangeError for years outside {@link TZ_FIRST_YEAR}–{@link TZ_LAST_YEAR}.
 */
export function dstPeriod(year: number): DstPeriod {
  const cached = dstCache.get(year);
  if (cached !== undefined) return cached;
  if (!Number.isInteger(year) || year < TZ_FIRST_YEAR || year > TZ_LAST_YEAR) {
    throw new RangeError(
      `Year ${year} is outside the supported New York time-zone range ${TZ_FIRST_YEAR}–${TZ_LAST_YEAR}`,
    );
  }
  const startDay =
    year >= 2007 ? nthWeekdayOfMonth(year, MARCH, SUNDAY, 2) : nthWeekdayOfMonth(year, APRIL, SUNDAY, 1);
  const endDay =
    year >= 2007 ? nthWeekdayOfMonth(year, NOVEMBER, SUNDAY, 1) : lastWeekdayOfMonth(year, OCTOBER, SUNDAY);
  const period: DstPeriod = {
    // 02:00 local standard time = 07:00 UTC; 02:00 local daylight time = 06:00 UTC.
    start: startDay * MS_PER_DAY + 7 * MS_PER_HOUR,
    end: endDay * MS_PER_DAY + 6 * MS_PER_HOUR,
  };
  dstCache.set(year, period);
  return period;
}

function assertInstant(instantMs: number): void {
  if (typeof instantMs !== 'number' || !Number.isFinite(instantMs)) {
    throw new RangeError(`Invalid instant ${String(instantMs)}: expected finite epoch milliseconds`);
  }
}

/**
 * UTC offset of New York at an instant, in minutes: −300 (EST) or −240 (EDT).
 * @throws RangeError for non-finite instants or years outside the supported range.
 */
export function nyOffsetMinutes(instantMs: number): number {
  assertInstant(instantMs);
  // DST never spans 1 January, so the UTC year picks the right period even
  // on the hours where the UTC and New York years differ.
  const { start, end } = dstPeriod(civilDate(Math.floor(instantMs / MS_PER_DAY)).year);
  return instantMs >= start && instantMs < end ? EDT_OFFSET_MINUTES : EST_OFFSET_MINUTES;
}

/** New York wall-clock fields of an instant. */
export interface NyLocalParts {
  /** Local calendar date, `YYYY-MM-DD`. */
  readonly date: string;
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  /** 0–23. */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  /** UTC offset in minutes (−300 or −240). */
  readonly offsetMinutes: number;
  /** True while daylight time (EDT) is in effect. */
  readonly isDst: boolean;
}

/**
 * Splits an instant into New York wall-clock fields.
 * @throws RangeError for non-finite instants or years outside the supported range.
 */
export function nyLocalParts(instantMs: number): NyLocalParts {
  const offsetMinutes = nyOffsetMinutes(instantMs);
  const local = instantMs + offsetMinutes * MS_PER_MINUTE;
  const dayNum = Math.floor(local / MS_PER_DAY);
  let rest = local - dayNum * MS_PER_DAY;
  const hour = Math.floor(rest / MS_PER_HOUR);
  rest -= hour * MS_PER_HOUR;
  const minute = Math.floor(rest / MS_PER_MINUTE);
  rest -= minute * MS_PER_MINUTE;
  const second = Math.floor(rest / 1000);
  const millisecond = rest - second * 1000;
  const { year, month, day } = civilDate(dayNum);
  return {
    date: formatDay(dayNum),
    year,
    month,
    day,
    hour,
    minute,
    second,
    millisecond,
    weekday: weekdayOf(dayNum),
    offsetMinutes,
    isDst: offsetMinutes === EDT_OFFSET_MINUTES,
  };
}

const HHMM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Parses a 24-hour `HH:MM` wall-clock time into minutes after midnight.
 * @throws RangeError when malformed.
 */
export function parseHhmm(time: string): number {
  const m = typeof time === 'string' ? HHMM_RE.exec(time) : null;
  if (m === null) throw new RangeError(`Invalid time ${JSON.stringify(time)}: expected HH:MM (00:00–23:59)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * The instant at which New York wall clocks show `time` on `date`.
 *
 * Around DST changes a wall time can be missing or repeated; this follows the
 * same "compatible" choice as Temporal and ECMAScript `Date`:
 * - Non-existent (spring-forward gap, 02:00–02:59 on the March/April Sunday):
 *   the time is read with the pre-transition offset (EST), so it lands that
 *   many minutes after the jump — `02:30` becomes 03:30 EDT (07:30 UTC).
 * - Ambiguous (fall-back, 01:00–01:59 on the October/November Sunday): the
 *   earlier occurrence (EDT) is returned — `01:30` becomes 05:30 UTC.
 * Exchange hours (09:30–16:00) are never affected.
 *
 * @param date `YYYY-MM-DD`
 * @param time `HH:MM`, 24-hour
 * @throws RangeError on malformed input or years outside the supported range.
 */
export function nyTimeToInstant(date: string, time: string): number {
  return localMsToInstant(parseDay(date) * MS_PER_DAY + parseHhmm(time) * MS_PER_MINUTE);
}

/**
 * Converts a New York wall-clock time (expressed as ms since 1970-01-01T00:00
 * local, i.e. the wall time read as if it were UTC) into an instant, using the
 * disambiguation described on {@link nyTimeToInstant}.
 */
export function localMsToInstant(localMs: number): number {
  const asDaylight = localMs - EDT_OFFSET_MINUTES * MS_PER_MINUTE;
  const asStandard = localMs - EST_OFFSET_MINUTES * MS_PER_MINUTE;
  const daylightValid = nyOffsetMinutes(asDaylight) === EDT_OFFSET_MINUTES;
  const standardValid = nyOffsetMinutes(asStandard) === EST_OFFSET_MINUTES;
  if (daylightValid) return asDaylight; // also the earlier pick when both are valid (fall-back overlap)
  if (standardValid) return asStandard;
  // Neither reading exists: the spring-forward gap. US gaps always go from
  // standard to daylight time, so the pre-transition offset is EST.
  return asStandard;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Formats an instant as ISO 8601 New York local time with its offset,
 * e.g. `2026-03-09T09:30:00-04:00`. Milliseconds are appended only when
 * non-zero (`…T09:30:00.250-04:00`).
 * @throws RangeError for non-finite instants or years outside the supported range.
 */
export function formatNyIso(instantMs: number): string {
  const p = nyLocalParts(instantMs);
  const off = -p.offsetMinutes; // positive minutes west of UTC
  const sign = p.offsetMinutes < 0 ? '-' : '+';
  const frac = p.millisecond === 0 ? '' : `.${pad(p.millisecond, 3)}`;
  return (
    `${p.date}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}${frac}` +
    `${sign}${pad(Math.floor(Math.abs(off) / 60), 2)}:${pad(Math.abs(off) % 60, 2)}`
  );
}

/**
 * The New York calendar date (`YYYY-MM-DD`) of an instant. US daily bars are
 * stamped at New York midnight (04:00 or 05:00 UTC), so taking the UTC date
 * would be right only by luck; a bar stamped in UTC evening would land a day
 * early.
 * @throws RangeError for non-finite instants or years outside the supported range.
 */
export function nyDateOf(instantMs: number): string {
  const local = instantMs + nyOffsetMinutes(instantMs) * MS_PER_MINUTE;
  return formatDay(Math.floor(local / MS_PER_DAY));
}

/**
 * The instant of New York midnight at the start of `date` (how Polygon and
 * Alpaca stamp daily bars): 05:00Z in EST, 04:00Z in EDT. US clocks change at
 * 02:00, so midnight always exists and is never ambiguous; on a switch day it
 * keeps the previous day's offset.
 * @param date `YYYY-MM-DD`
 * @throws RangeError on a malformed date or a year outside the supported range.
 */
export function nyMidnightMs(date: string): number {
  return localMsToInstant(parseDay(date) * MS_PER_DAY);
}

/**
 * The New York calendar date at `now`: the day US sessions are dated by.
 * The caller passes the clock (the engine never reads it).
 * @throws RangeError for an invalid date or a year outside the supported range.
 */
export function nyToday(now: Date): string {
  return nyDateOf(now.getTime());
}
