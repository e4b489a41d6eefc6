/** Issue 15: a KR pick or position while KRX is closed — Seoul time, no queue, within Telegram's alert size. */
import { describe, expect, it } from 'vitest';
import { XKRX_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { krxClosedApproveText } from '../../../../src/bot/views/queue-view.js';
import { closeMarketClosedText } from '../../../../src/bot/views/close-view.js';

describe('KRX closed', () => {
  it('the Approve alert names the next KRX open in KST, offers no queue and fits an alert', () => {
    // 2026-11-19 is the CSAT day: KRX opens at 10:00 KST.
    const next = XKRX_CALENDAR.sessionInfo('2026-11-19');
    const text = krxClosedApproveText('069500', next);
    expect(text).toContain('KRX opens Thu 10:00 KST');
    expect(text).not.toMatch(/Queue|ET\b|New York/);
    expect(text.length).toBeLessThanOrEqual(200);
  });

  it('/close of a KR position says KRX closed, in Seoul hours, not New York time', () => {
    const text = closeMarketClosedText('069500', null).text;
    expect(text).toContain('KRX closed');
    expect(text).toContain('KST');
    expect(text).not.toContain('New York');
    expect(closeMarketClosedText('SPY', null).text).toContain('New York time');
  });
});
