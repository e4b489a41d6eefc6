import { describe, expect, it } from 'vitest';
import { resolveAskText, resolveVerdictText, stuckListText } from '../../../../src/bot/views/stuck-view.js';
import type { StuckExit } from '../../../../src/trading/execution/stuck.js';

const CID = 'cx-s-20250707-6424cf6944bf4735884d644b5c268ab8';
const exit: StuckExit = {
  clientOrderId: CID,
  symbol: 'ABC',
  strategy: 'donchian',
  exitReason: 'stop',
  qty: 7,
  broker: 'alpaca-paper',
  brokerOrderId: null,
  orderState: 'new',
  attemptedAt: '2025-07-07T14:31:02.000Z',
  ageMs: 300_000,
  version: 1,
};
const token = { id: 't', version: 1, expiresAt: new Date(0) };

describe('stuck-view, exit orders', () => {
  it('/stuck says how to settle each exit', () => {
    const text = stuckListText({ asOf: '2025-07-07T14:36:02.000Z', resolveAfterMs: 120_000, approvals: [], exits: [exit] });
    expect(text).toContain(`ABC (donchian) stop sell 7 — order ${CID} at alpaca-paper`);
    expect(text).toContain(`settle it: /resolve ${CID}`);
  });

  it('/resolve words the evidence and only the offered choices', () => {
    const other = resolveAskText({ kind: 'exit_ask', item: exit, evidence: { kind: 'lookup_failed', broker: 'alpaca-paper', error: 'x', otherOrder: true }, markFailed: token, bookFill: null });
    expect(other).toContain(`Stuck exit order ${CID}`);
    expect(other).toContain('DIFFERENT order');
    expect(other).toMatch(/Mark failed: closes this exit order with nothing sold/);
    expect(other).not.toMatch(/Book fill:/);
    const down = resolveAskText({ kind: 'exit_ask', item: exit, evidence: { kind: 'lookup_failed', broker: 'alpaca-paper', error: 'ECONNREFUSED' }, markFailed: null, bookFill: null });
    expect(down).toMatch(/Nothing can be settled while the broker cannot be asked/);
    expect(resolveAskText({ kind: 'exit_not_stuck', clientOrderId: CID })).toMatch(/is not stuck/);
  });

  it('a stale press says what changed', () => {
    const text = resolveVerdictText({
      kind: 'refused',
      refusal: { kind: 'stale', version: 1, currentVersion: 2, changedAt: new Date('2025-07-07T14:40:00.000Z') },
      exit: { clientOrderId: CID, state: 'rejected', booked: true },
    });
    expect(text).toBe(`This confirmation is out of date: exit order ${CID} changed at 2025-07-07T14:40:00.000Z since it was shown (now: rejected, settled). Nothing was changed. Send /resolve ${CID} again.`);
  });
});
