/** A weekday on which the exchange is closed all day. */
export interface MarketHoliday {
  /** `YYYY-MM-DD` (the observed date, e.g. 2026-07-03 for Independence Day). */
  readonly date: string;
  /** Human-readable name, with "(observed)" when moved off the actual date. */
  readonly name: string;
  /** `holiday`: recurring NYSE holiday; `special`: one-off closure (mourning, weather, emergency). */
  readonly kind: 'holiday' | 'special';
}

/** A session that ends before the regular 16:00 close. */
export interface EarlyClose {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** Why the session is short, e.g. "Day after Thanksgiving". */
  readonly name: string;
  /** New York wall-clock close, `HH:MM` (13:00 for every scheduled early close 2000–2050). */
  readonly closeTime: string;
}

/** One trading session. */
export interface SessionInfo {
  /** `YYYY-MM-DD`, the New York calendar date of the session. */
  readonly date: string;
  /** Opening instant, epoch ms (09:30 New York unless a documented late open). */
  readonly open: number;
  /** Closing instant, epoch ms (16:00 New York, or 13:00 on early closes). */
  readonly close: number;
  /** True when the session closes early (see {@link EarlyClose}). */
  readonly earlyClose: boolean;
  /** True when the session opened later than 09:30 by exchange decision (2002-09-11). */
  readonly lateOpen: boolean;
}

/** Where an instant falls relative to its New York calendar day's session. */
export interface SessionAt {
  /** The session held on the instant's New York calendar date. */
  readonly session: SessionInfo;
  /** True when `open <= instant < close`. */
  readonly isOpen: boolean;
  /** `pre-open` before the open, `open` during, `closed` at or after the close. */
  readonly phase: 'pre-open' | 'open' | 'closed';
}
