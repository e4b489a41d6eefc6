import type { ExchangeSession, SessionBreak } from '../exchange-session.js';

/** A midday trading break (instants, epoch ms). */
export type KrxBreak = SessionBreak;

/**
 * One KRX trading session (KOSPI/KOSDAQ regular market), in the shape every
 * exchange calendar shares. On KRX:
 * - `date` is the Seoul calendar date of the session;
 * - `open` is 09:00 Seoul, 10:00 on the year's first session and CSAT days;
 * - `close` is 15:30 Seoul (15:00 before 2016-08-01), one hour later on CSAT days;
 * - `earlyClose` is always false: KRX had no scheduled early closes 2000–2050;
 * - `lateOpen` marks the first session of the year and CSAT days, `lateClose` CSAT days;
 * - `break` is the 12:00–13:00 lunch break, which existed until 2000-05-19; null afterwards.
 */
export type KrxSessionInfo = ExchangeSession;

/** Where an instant falls relative to its Seoul calendar day's session. */
export interface KrxSessionAt {
  readonly session: KrxSessionInfo;
  /** True when the market is trading: inside open–close and not in the midday break. */
  readonly isOpen: boolean;
  readonly phase: 'pre-open' | 'open' | 'break' | 'closed';
}
