/**
 * One-off NYSE schedule changes between 2000 and 2050 that no rule predicts.
 *
 * Sources (checked 2025): NYSE Group holiday announcements; contemporaneous
 * press (AP, Bloomberg, USA Today, Washington Times); the historical closings
 * compiled in pandas_market_calendars (`holidays_nyse.py`, itself based on the
 * NYSE "Closings" history). Add future unscheduled closures here when the
 * exchange announces them — the rules cannot know about them.
 *
 * Deliberately NOT modelled (unscheduled, minutes-scale, or intraday halts):
 * moments-of-silence openings at 09:31–09:33 (2001-09-17, 2001-10-08,
 * 2003-03-20, 2004-06-07, 2006-12-27) and the 2005-06-01 15:56 systems close.
 */

/** A full-day closure of the exchange on a weekday that was otherwise a session. */
export interface SpecialClosure {
  readonly date: string;
  readonly name: string;
}

/** A session with a non-standard close (New York wall time `HH:MM`). */
export interface SpecialEarlyClose {
  readonly date: string;
  readonly name: string;
  readonly closeTime: string;
}

/** A session with a delayed open (New York wall time `HH:MM`). */
export interface SpecialLateOpen {
  readonly date: string;
  readonly name: string;
  readonly openTime: string;
}

export const SPECIAL_CLOSURES: readonly SpecialClosure[] = [
  // Markets did not open on the day of the attacks and stayed shut through the week.
  { date: '2001-09-11', name: 'September 11 attacks' },
  { date: '2001-09-12', name: 'September 11 attacks' },
  { date: '2001-09-13', name: 'September 11 attacks' },
  { date: '2001-09-14', name: 'September 11 attacks' },
  { date: '2004-06-11', name: 'National Day of Mourning for President Ronald Reagan' },
  { date: '2007-01-02', name: 'National Day of Mourning for President Gerald R. Ford' },
  { date: '2012-10-29', name: 'Hurricane Sandy' },
  { date: '2012-10-30', name: 'Hurricane Sandy' },
  { date: '2018-12-05', name: 'National Day of Mourning for President George H. W. Bush' },
  // Announced by NYSE and Nasdaq on 2024-12-30, after the 2025 calendar was published.
  { date: '2025-01-09', name: 'National Day of Mourning for President Jimmy Carter' },
];

export const SPECIAL_EARLY_CLOSES: readonly SpecialEarlyClose[] = [
  // Friday after a Thursday Christmas; AP (2003-12-23) reported "a half session Friday".
  // Not repeated in 2008, 2014 or 2025, so it is a one-off, not a rule.
  { date: '2003-12-26', name: 'Day after Christmas', closeTime: '13:00' },
];

export const SPECIAL_LATE_OPENS: readonly SpecialLateOpen[] = [
  // First anniversary of 9/11: opening delayed 2½ hours to noon (Variety, ABC News, LA Times 2002-09-11/12).
  { date: '2002-09-11', name: 'First anniversary of the September 11 attacks', openTime: '12:00' },
];
