/**
 * National Assembly elections are fixed by law (Public Official Election Act art. 34(1)2: the first
 * Wednesday on or after the 50th day before the Assembly's term ends on 29 May; art. 34(2): a week
 * later when that day or a day next to it is a public holiday). The rule is computed here,
 * independently of the calendar: every listed NA election day since the Wednesday rule (2004
 * itself still voted on a Thursday, 15 April), 2028 included, must be that day, and closed.
 */
import { describe, expect, it } from 'vitest';
import { KRX_SPECIAL_CLOSURES, holidaysOf, isSession } from '../../../../../src/engine/calendar/krx/index.js';

/** Art. 34(1)2 for a term ending `termEnd` (no April public holiday falls next to these days, so 34(2) does not move them). */
function assemblyElectionDay(termEnd: string): string {
  const d = new Date(`${termEnd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 50);
  while (d.getUTCDay() !== 3) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

describe('KRX: statutory National Assembly election days', () => {
  it('closes on 12 April 2028, the 23rd National Assembly election, as a special closure', () => {
    expect(assemblyElectionDay('2028-05-29')).toBe('2028-04-12');
    expect(isSession('2028-04-12')).toBe(false);
    expect(holidaysOf(2028).find((h) => h.date === '2028-04-12')).toMatchObject({ name: 'National Assembly election', kind: 'special' });
    expect(isSession('2028-04-11')).toBe(true);
    expect(isSession('2028-04-13')).toBe(true);
  });

  it('every listed NA election day from 2008 on is the day the law fixes', () => {
    const listed = KRX_SPECIAL_CLOSURES.filter((s) => s.name === 'National Assembly election' && s.date >= '2008');
    expect(listed.map((s) => s.date)).toEqual([2008, 2012, 2016, 2020, 2024, 2028].map((y) => assemblyElectionDay(`${y}-05-29`)));
  });
});
