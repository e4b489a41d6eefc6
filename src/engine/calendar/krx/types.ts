/** A midday trading break (instants, epoch ms). */
export interface KrxBreak {
  readonly start: number;
  readonly end: number;
}

/** One KRX trading session (KOSPI/KOSDAQ regular market). */
export interface KrxSessionInfo {
  /** `YYYY-MM-DD`, the Seoul calendar date of the session. */
  readonly date: string;
  /** Opening instant, epoch ms (09:00 Seoul; 10:00 on the year's first session and CSAT days). */
  readonly open: number;
  /** Closing instant, epoch ms (15:30 Seoul, 15:00 before 2016-08-01; one hour later on CSAT days). */
  readonly close: number;
  /** Always false: KRX had no scheduled early closes 2000–2050 (kept for the shared session shape). */
  readonly earlyClose: boolean;
  /** True when the session opened later than the regular 09:00 (first session of the year, CSAT day). */
  readonly lateOpen: boolean;
  /** True when the session closed later than the regular close (CSAT day). */
  readonly lateClose: boolean;
  /** The 12:00–13:00 lunch break, which existed until 2000-05-19; null afterwards. */
  readonly break: KrxBreak | null;
}

/** Where an instant falls relative to its Seoul calendar day's session. */
export interface KrxSessionAt {
  readonly session: KrxSessionInfo;
  /** True when the market is trading: inside open–close and not in the midday break. */
  readonly isOpen: boolean;
  readonly phase: 'pre-open' | 'open' | 'break' | 'closed';
}
