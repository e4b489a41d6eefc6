/**
 * Korea Standard Time helpers for the KIS emulator. KST is UTC+9 with no
 * daylight saving (none since 1988), so a fixed offset is exact.
 */
const KST_OFFSET_MS = 9 * 3_600_000;

/** A KST wall-clock reading of an instant. */
export interface KstParts {
  /** YYYYMMDD, as KIS writes dates (ORD_DT, STCK_BSOP_DATE). */
  date: string;
  /** HHMMSS, as KIS writes times (ORD_TMD). */
  time: string;
  /** Minutes since KST midnight. */
  minutes: number;
  /** 0 Sunday … 6 Saturday. */
  weekday: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The KST date, time, minute of day and weekday of `ms`. */
export function kstParts(ms: number): KstParts {
  const d = new Date(ms + KST_OFFSET_MS);
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  return {
    date: `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`,
    time: `${pad(h)}${pad(m)}${pad(d.getUTCSeconds())}`,
    minutes: h * 60 + m,
    weekday: d.getUTCDay(),
  };
}

/** `YYYY-MM-DD HH:MM:SS` in KST: the form of `access_token_token_expired`. */
export function kstDateTime(ms: number): string {
  const p = kstParts(ms);
  return `${p.date.slice(0, 4)}-${p.date.slice(4, 6)}-${p.date.slice(6)} ${p.time.slice(0, 2)}:${p.time.slice(2, 4)}:${p.time.slice(4)}`;
}

/** The instant of a KST wall-clock time, e.g. `kstInstant('2026-03-02', '09:30')`. */
export function kstInstant(date: string, time = '00:00:00'): number {
  const t = time.length === 5 ? `${time}:00` : time;
  return Date.parse(`${date}T${t}+09:00`);
}

/** The regular KRX equity session's phases (see README "Orders"). */
export type KrxPhase = 'closed' | 'opening_auction' | 'continuous' | 'closing_auction';

const OPEN_AUCTION_START = 8 * 60 + 30;
const CONTINUOUS_START = 9 * 60;
const CLOSE_AUCTION_START = 15 * 60 + 20;
const SESSION_END = 15 * 60 + 30;

/**
 * The phase at `ms`: single-price auctions 08:30–09:00 and 15:20–15:30,
 * continuous trading 09:00–15:20, closed otherwise and on weekends and
 * `closedDays` (YYYYMMDD). Late opens (New Year, CSAT) are not modelled.
 */
export function krxPhase(ms: number, closedDays: ReadonlySet<string>): KrxPhase {
  const p = kstParts(ms);
  if (p.weekday === 0 || p.weekday === 6 || closedDays.has(p.date)) return 'closed';
  if (p.minutes < OPEN_AUCTION_START || p.minutes >= SESSION_END) return 'closed';
  if (p.minutes < CONTINUOUS_START) return 'opening_auction';
  if (p.minutes < CLOSE_AUCTION_START) return 'continuous';
  return 'closing_auction';
}
