/** The /status data line (issue 21, part 5): its counts add up, it names when and what it checked, and says what to do when there is no check. */
import { describe, expect, it } from 'vitest';
import { dataCheckLine } from '../../../src/bot/views/status-view.js';

const base = { market: 'US' as const, checkedAt: new Date('2026-12-04T15:30:00Z'), lastCompleted: '2026-12-03', symbols: 903, missingSessions: 7 };

describe('the data line of /status', () => {
  it('findings that add up, the symbols, when (ET) and the command that lists them', () => {
    const line = dataCheckLine({ last: { ...base, symbolsFlagged: 4, counts: { missing_session: 2, stale: 3 } } });
    expect(line).toBe('⚠️ Data: 5 findings (4 symbols): missing_session 2, stale 3 (checked 2026-12-04 10:30 ET of 903 symbols, last session 2026-12-03) — courtside data check lists them');
  });
  it('no findings, no check yet, or an unreadable check each say what to do', () => {
    expect(dataCheckLine({ last: { ...base, symbolsFlagged: 0, counts: { missing_session: 0, stale: 0 } } })).toMatch(/^Data: no findings \(checked 2026-12-04 10:30 ET/);
    expect(dataCheckLine({ last: null })).toBe('Data: not checked against the calendar yet — run courtside data check');
    expect(dataCheckLine({ error: 'relation "data_checks" does not exist' })).toMatch(/cannot be read .* run courtside data check/);
  });
});
