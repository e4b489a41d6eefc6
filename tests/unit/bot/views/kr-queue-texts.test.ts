/** Issue 15, item 6: the KR queue offer on cards and in answers — KRX's open in KST, never ET or "$", within alert size. */
import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN, EXCHANGE_HOURS } from '../../../../src/engine/market-hours.js';
import { cardQueueOffer, queueButtonLabel } from '../../../../src/bot/views/pick-card.js';
import { krxClosedQueueApproveText, krxQueueOfferCardLine, queuedAnswer, queuedRow } from '../../../../src/bot/views/queue-view.js';
import type { QueuedOrder } from '../../../../src/trading/queue/queued-orders.js';

/** Mon 2025-07-07 20:00 KST (07:00 ET): KRX closed, its next open Tue 09:00 KST. */
const KST_2000 = Date.parse('2025-07-07T11:00:00Z');

describe('KR queue texts', () => {
  it('a KR card posted while KRX is closed offers KRX\'s open + 1 min in KST; a US card NYSE\'s', () => {
    const kr = cardQueueOffer({ symbol: '069500' }, EXCHANGE_HOURS, KST_2000);
    expect(kr).toMatchObject({ market: 'KR' });
    expect(kr!.sendAt.toISOString()).toBe('2025-07-08T00:01:00.000Z');
    expect(queueButtonLabel(kr!, 'US label')).toBe('⏰ Queue for the KRX open (Tue 09:00 KST)');
    const us = cardQueueOffer({ symbol: 'SPY' }, EXCHANGE_HOURS, KST_2000);
    expect(us?.market).toBeUndefined();
    expect(us!.sendAt.toISOString()).toBe('2025-07-07T13:31:00.000Z');
    // Tests of the fill path (always open) offer no queue in either market.
    expect(cardQueueOffer({ symbol: '069500' }, ALWAYS_OPEN, KST_2000)).toBeNull();
    expect(cardQueueOffer({ symbol: '069500' }, undefined, KST_2000)).toBeNull();
  });

  it('the refusal and the card line name the KRX open in KST and fit an alert', () => {
    const text = krxClosedQueueApproveText('069500', new Date('2025-07-08T00:01:00Z'));
    expect(text).toContain('Tue Jul 8 09:01 KST');
    expect(text).toContain('⏰ Queue for the KRX open');
    expect(text).not.toMatch(/\bET\b|\$/);
    expect(text.length).toBeLessThanOrEqual(200);
    expect(krxQueueOfferCardLine(new Date('2025-07-08T00:01:00Z'), new Date('2025-07-08T00:30:00Z'))).toContain('goes Tue Jul 8 09:01 KST, expires 09:30 KST');
  });

  it('a queued KR order is told in KST; a US one in ET as before', () => {
    const base = { id: 'qabcdefgh', kind: 'entry', state: 'QUEUED', sessionDate: '2025-07-08', sendAt: new Date('2025-07-08T00:01:00Z'), expiresAt: new Date('2025-07-08T00:30:00Z'), approvalId: null, pickId: null, symbol: '069500', strategy: 'donchian', side: 'buy', qty: 10, killEpoch: null, requestedBy: 1, role: 'admin', chatId: 1, cardMessageId: null, createdAt: new Date(), market: 'KR' } as QueuedOrder;
    expect(queuedAnswer(base)).toBe('Queued buy 10 069500 for Tue Jul 8 09:01 KST (qabcdefgh); expires 09:30 KST. /cancel qabcdefgh to drop it.');
    expect(queuedRow(base)).toBe('QUEUED qabcdefgh · buy 10 069500 (KRX) · goes Tue Jul 8 09:01 KST · expires 09:30 KST');
    const us = { ...base, symbol: 'SPY', market: 'US', sendAt: new Date('2025-07-08T13:31:00Z'), expiresAt: new Date('2025-07-08T14:00:00Z') } as QueuedOrder;
    expect(queuedAnswer(us)).toMatch(/for Tue Jul 8 09:31 ET .* expires 10:00 ET\./);
  });
});

describe('a queued order whose session a calendar override closed', () => {
  it('is told as dropped (not moved), naming the exchange and its session day; a normal expiry keeps its wording', async () => {
    const { queuedExpiredText, queuedExpiredCardLine } = await import('../../../../src/bot/views/queue-view.js');
    const { SESSION_CLOSED_BY } = await import('../../../../src/trading/queue/queued-orders.js');
    const base = { id: 'qabcdefgh', kind: 'entry', state: 'EXPIRED', sessionDate: '2025-07-08', sendAt: new Date('2025-07-08T00:01:00Z'), expiresAt: new Date('2025-07-08T00:30:00Z'), approvalId: null, pickId: null, symbol: '069500', strategy: 'donchian', side: 'buy', qty: 10, killEpoch: null, requestedBy: 1, role: 'admin', chatId: 1, cardMessageId: null, createdAt: new Date(), market: 'KR' } as QueuedOrder;
    const dropped = queuedExpiredText({ ...base, closedBy: SESSION_CLOSED_BY }).text;
    expect(dropped).toContain('Queued order dropped');
    expect(dropped).toContain('waited for the Tue Jul 8 KRX session, which is now closed');
    expect(dropped).toContain('nothing was ordered');
    expect(queuedExpiredCardLine({ ...base, closedBy: SESSION_CLOSED_BY })).toBe('⌛ Queued order qabcdefgh dropped: the Tue Jul 8 KRX session was closed; nothing was ordered');
    expect(queuedExpiredText(base).text).toBe('⌛ Queued order expired: buy 10 069500 (qabcdefgh) was not sent by Tue Jul 8 09:30 KST. Nothing was ordered.');
  });
});
