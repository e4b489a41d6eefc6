import { describe, expect, it } from 'vitest';
import { evidenceText, resolveRefusalText, resolveVerdictText, stuckListText } from '../../../../src/bot/views/stuck-view.js';
import type { StuckList } from '../../../../src/trading/execution/stuck.js';

const item = {
  approvalId: '8be24343-ab64-49aa-b60f-f26181737533',
  pickId: 'p1',
  symbol: 'ABC',
  side: 'buy' as const,
  qty: 7,
  limitPrice: 10.01,
  reserved: 70.07,
  clientOrderId: 'cs-8be24343-ab64-49aa-b60f-f26181737533',
  broker: 'alpaca-paper',
  brokerOrderId: null,
  orderState: 'new',
  approvedBy: 42,
  attemptedAt: '2025-07-07T14:31:02.000Z',
  ageMs: 300_000,
  version: 1,
};

describe('stuck-view', () => {
  it('/stuck lists each approval with the id /resolve takes, or says nothing is stuck', () => {
    const list: StuckList = { asOf: '2025-07-07T14:36:02.000Z', resolveAfterMs: 120_000, approvals: [item], exits: [] };
    const text = stuckListText(list);
    expect(text).toContain('ABC buy 7 @ $10.01 — approval 8be24343-ab64-49aa-b60f-f26181737533, send began 5 min ago');
    expect(text).toContain('$70.07 reserved');
    expect(text).toContain('/resolve <approval id>');
    expect(stuckListText({ ...list, approvals: [] })).toBe('✅ Nothing stuck: every order whose send began more than 2 min ago is booked or settled.');
  });

  it('words the broker evidence', () => {
    expect(evidenceText({ kind: 'none', broker: 'paper' })).toBe('paper has NO order with this client order id.');
    expect(evidenceText({ kind: 'lookup_failed', broker: 'paper', error: 'ECONNREFUSED' })).toBe('paper could not be asked: ECONNREFUSED');
    expect(
      evidenceText({ kind: 'found', broker: 'paper', brokerOrderId: 'b1', status: 'filled', qty: 7, filledQty: 7, avgFillPrice: 10, submittedAt: 's', updatedAt: 'u' }),
    ).toBe('paper has this order: filled, 7/7 filled at $10.00 (broker id b1, submitted s, updated u).');
  });

  it('words refusals and verdicts', () => {
    expect(resolveRefusalText({ kind: 'stale', version: 1, currentVersion: 2, changedAt: new Date('2025-07-07T14:40:00.000Z') })).toBe(
      'This confirmation is out of date: the order changed at 2025-07-07T14:40:00.000Z since it was shown. Send /resolve again.',
    );
    expect(resolveVerdictText({ kind: 'settled', approvalId: 'a', result: { kind: 'busy', approvalId: 'a' } })).toMatch(/being worked on by a running execution/);
    expect(resolveVerdictText({ kind: 'settled', approvalId: 'a', result: { kind: 'ambiguous', approvalId: 'a', cause: 'order_at_broker', evidence: { kind: 'none', broker: 'paper' } } })).toBe(
      'Nothing was changed: the broker shows this order (live or filled): it cannot be marked failed; book it instead. paper has NO order with this client order id.',
    );
    expect(
      resolveVerdictText({
        kind: 'settled',
        approvalId: 'a',
        result: {
          kind: 'failed',
          approvalId: 'a',
          evidence: { kind: 'none', broker: 'paper' },
          outcome: { kind: 'failed', approvalId: 'a', retryable: false, reason: { code: 'lost_after_crash', symbol: 'ABC', attemptedAt: 't', markedBy: '1' } },
        },
      }),
    ).toMatch(/^✅ Marked failed; the budget is released\. Recorded: marked failed by admin 1/);
  });
});
