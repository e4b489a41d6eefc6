/** A midday trading break inside a session (instants, epoch ms). */
export interface SessionBreak {
  readonly start: number;
  readonly end: number;
}

/**
 * One session in the shape every exchange calendar shares (instants are
 * epoch ms). Kept in a file of its own so an exchange's module (`krx/`) can
 * name it without importing the calendar registry in `exchange.ts`.
 */
export interface ExchangeSession {
  /** `YYYY-MM-DD`, the exchange-local calendar date. */
  readonly date: string;
  readonly open: number;
  readonly close: number;
  /** Closes before the regular close (NYSE 13:00 days; never on KRX). */
  readonly earlyClose: boolean;
  /** Opens after the regular open (NYSE 2002-09-11; KRX first session of the year, CSAT days). */
  readonly lateOpen: boolean;
  /** Closes after the regular close (KRX CSAT days; never on NYSE). */
  readonly lateClose: boolean;
  /** A midday break inside open–close (KRX until 2000-05-19), else null. */
  readonly break: SessionBreak | null;
}
