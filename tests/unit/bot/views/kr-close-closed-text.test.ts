/** /close of a KR position while KRX is closed: the reply names KRX's next open in KST, and no NYSE queue talk. */
import { describe, expect, it } from 'vitest';
import { XKRX_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { closeMarketClosedText } from '../../../../src/bot/views/close-view.js';

describe('KR /close while KRX is closed', () => {
  it('names the next KRX open in Seoul time (the CSAT day opens at 10:00), never New York or $', () => {
    const text = closeMarketClosedText('069500', XKRX_CALENDAR.sessionInfo('2026-11-19')).text;
    expect(text).toContain('KRX opens next Thu Nov 19 10:00 KST; /close works from then.');
    expect(text).not.toMatch(/\bET\b|New York|\$|NYSE/);
  });

  it('without a next session in the calendar, says so instead of a time', () => {
    expect(closeMarketClosedText('069500', null).text).toContain('The next KRX session is not in the calendar yet');
  });
});
