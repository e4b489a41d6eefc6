/**
 * KRX schedule events that no recurring rule predicts: ad hoc full-day
 * closures (election days, government-designated temporary holidays, the
 * Y2K closure) and CSAT (College Scholastic Ability Test, 수능) days, on
 * which the market opens at 10:00 and closes one hour late.
 *
 * Add new closures here when KRX announces them (KRX "휴장일" notice); the
 * rules cannot know about them. Future election days are listed only once
 * their date is certain: the National Assembly election of 2028 is, because
 * the Assembly cannot be dissolved and the law fixes the day (see
 * {@link NA_ELECTION_LAW}). Not listed yet (checked 2026-12):
 * - the 2030 local elections: art. 34(1)3 gives the first Wednesday on or
 *   after 31 May 2030 (5 June), moved by art. 34(2) to 12 June because
 *   6 June is Memorial Day. The date follows from the law as it stands, but
 *   no KRX notice is out and the terms it rests on can still be changed by
 *   law, so it waits for the notice (until then a run-time override,
 *   `courtside calendar close --market krx`, closes the day without a release);
 * - presidential elections: art. 34(1)1 counts 70 days back from the term's
 *   end (2030-06-03 for the term begun 2025-06-04: Wednesday 2030-03-27),
 *   but a vacancy moves the election (2017 and 2025 were early), so none is
 *   certain in advance;
 * - NA elections after 2028 (2032-04-14 by the same rule) and everything to
 *   2050: add each when its notice is out.
 */

/** Where every closure below is also listed: KRX's own market-holiday page. */
export const KRX_HOLIDAY_PAGE = 'https://global.krx.co.kr/contents/GLB/05/0501/0501110000/GLB0501110000.jsp';

/** A full-day closure on a weekday that would otherwise be a session. */
export interface KrxSpecialClosure {
  readonly date: string;
  readonly name: string;
  /** A public holiday by law (elections, temporary holidays): substitute days skip it. */
  readonly publicHoliday: boolean;
  /** Where the closure is documented (URL or notice name). */
  readonly source: string;
}

const ELECTION_LAW = 'Public Official Election Act art. 34 (election day is a public holiday); KRX 휴장일 notice';
/**
 * Public Official Election Act art. 34(1)2: a National Assembly election is held on the first
 * Wednesday on or after the 50th day before the Assembly's term ends (29 May; the 22nd Assembly's
 * term runs 2024-05-30 to 2028-05-29, so 9 April 2028 → Wednesday 12 April); art. 34(2) moves it a
 * week when it or a neighbouring day is a public holiday (not so in 2028). Election day is a public
 * holiday (Regulations on Holidays of Government Offices art. 2(10)), on which KRX is closed.
 */
const NA_ELECTION_LAW = 'Public Official Election Act art. 34(1)2 and (2) (first Wednesday on or after 50 days before the term ends); election day is a public holiday';
const TEMPORARY = 'Presidential decree designating a temporary public holiday (임시공휴일); KRX 휴장일 notice';

export const KRX_SPECIAL_CLOSURES: readonly KrxSpecialClosure[] = [
  {
    date: '2000-01-03',
    name: 'Y2K market closure',
    publicHoliday: false,
    source: 'KRX (KSE) 2000 schedule: trading began 2000-01-04 (exchange_calendars xkrx_holidays.py)',
  },
  { date: '2000-04-13', name: 'National Assembly election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2002-06-13', name: 'Local elections', publicHoliday: true, source: ELECTION_LAW },
  { date: '2002-07-01', name: 'Temporary holiday (World Cup semi-final celebration)', publicHoliday: true, source: TEMPORARY },
  { date: '2002-12-19', name: 'Presidential election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2004-04-15', name: 'National Assembly election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2006-05-31', name: 'Local elections', publicHoliday: true, source: ELECTION_LAW },
  { date: '2007-12-19', name: 'Presidential election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2008-04-09', name: 'National Assembly election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2010-06-02', name: 'Local elections', publicHoliday: true, source: ELECTION_LAW },
  { date: '2012-04-11', name: 'National Assembly election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2012-12-19', name: 'Presidential election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2014-06-04', name: 'Local elections', publicHoliday: true, source: ELECTION_LAW },
  { date: '2015-08-14', name: 'Temporary holiday (70th Liberation anniversary)', publicHoliday: true, source: TEMPORARY },
  { date: '2016-04-13', name: 'National Assembly election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2016-05-06', name: 'Temporary holiday', publicHoliday: true, source: TEMPORARY },
  { date: '2017-05-09', name: 'Presidential election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2017-10-02', name: 'Temporary holiday (Chuseok bridge day)', publicHoliday: true, source: TEMPORARY },
  { date: '2018-06-13', name: 'Local elections', publicHoliday: true, source: ELECTION_LAW },
  { date: '2020-04-15', name: 'National Assembly election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2020-08-17', name: 'Temporary holiday', publicHoliday: true, source: TEMPORARY },
  { date: '2022-03-09', name: 'Presidential election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2022-06-01', name: 'Local elections', publicHoliday: true, source: ELECTION_LAW },
  { date: '2023-10-02', name: 'Temporary holiday (Chuseok bridge day)', publicHoliday: true, source: TEMPORARY },
  { date: '2024-04-10', name: 'National Assembly election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2024-10-01', name: 'Temporary holiday (Armed Forces Day)', publicHoliday: true, source: TEMPORARY },
  { date: '2025-01-27', name: 'Temporary holiday (Seollal bridge day)', publicHoliday: true, source: TEMPORARY },
  { date: '2025-06-03', name: 'Presidential election', publicHoliday: true, source: ELECTION_LAW },
  { date: '2026-06-03', name: 'Local elections', publicHoliday: true, source: ELECTION_LAW },
  { date: '2028-04-12', name: 'National Assembly election', publicHoliday: true, source: NA_ELECTION_LAW },
];

/**
 * The year-end closing days of 2000, when the market closed on the last three
 * weekdays instead of one (exchange_calendars xkrx_holidays.py; DESIGN §8).
 */
export const KRX_YEAR_END_2000: readonly string[] = ['2000-12-27', '2000-12-28', '2000-12-29'];

/**
 * CSAT days on which KRX opened at 10:00 and closed one hour late, from each
 * year's KRX notice as reported by the press (the list with per-day article
 * links is in exchange_calendars xkrx_holidays.py `precomputed_csat_days`).
 * 2017-11-16 kept the announced late hours although the exam itself was
 * postponed to 2017-11-23 by the Pohang earthquake, and the 23rd had late
 * hours too (Seoul Shinmun 2017-11-15, "수능 연기됐지만…16일 증시, 10시 개장").
 * 2020-12-03: the exam was moved from November by COVID-19.
 * 2026-11-19 and 2027-11-18 are the dates published by the Ministry of
 * Education (2027 and 2028 academic-year CSAT plans).
 */
export const KRX_CSAT_DAYS: readonly string[] = [
  '2000-11-15',
  '2001-11-07',
  '2002-11-06',
  '2003-11-05',
  '2004-11-17',
  '2005-11-23',
  '2006-11-16',
  '2007-11-15',
  '2008-11-13',
  '2009-11-12',
  '2010-11-18',
  '2011-11-10',
  '2012-11-08',
  '2013-11-07',
  '2014-11-13',
  '2015-11-12',
  '2016-11-17',
  '2017-11-16',
  '2017-11-23',
  '2018-11-15',
  '2019-11-14',
  '2020-12-03',
  '2021-11-18',
  '2022-11-17',
  '2023-11-16',
  '2024-11-14',
  '2025-11-13',
  '2026-11-19',
  '2027-11-18',
];

/** Last year covered by {@link KRX_CSAT_DAYS}; later years use {@link projectedCsatDay}. */
export const KRX_CSAT_LAST_LISTED_YEAR = 2027;
