import { describe, expect, it } from 'vitest';
import { exitLine } from '../../../../src/bot/views/exit-view.js';
import type { ExitOutcome } from '../../../../src/trading/execution/exit-types.js';

/** An exit order closed without selling anything, as the exit desk reports it. */
function rejected(rejectReason: ExitOutcome['rejectReason']): ExitOutcome {
  return {
    symbol: 'ABC',
    strategy: 'donchian',
    reason: 'stop',
    status: 'rejected',
    qty: 7,
    filledQty: 0,
    avgFillPrice: null,
    realizedPnl: 0,
    orderState: 'rejected',
    clientOrderId: 'cx-s-20250708-abc',
    decisionPrice: 9,
    limitPrice: 8.9,
    remainingQty: 7,
    rejectReason,
    note: { code: 'order' },
  };
}

describe('exitLine of an exit order closed unexecuted', () => {
  it.each<[string, ExitOutcome['rejectReason'], string]>([
    ['the broker’s words', { code: 'broker_rejected', broker: 'paper', brokerReason: 'limit above the bid' }, 'limit above the bid'],
    ['a broker that said nothing', { code: 'broker_rejected', broker: 'alpaca-paper', brokerReason: null }, 'alpaca-paper rejected the order'],
    ['the kill switch right before the POST', { code: 'kill_switch', order: 'exit', killReason: 'drill' }, 'kill switch is ON (drill): not sent'],
    ['a stale decision', { code: 'stale_exit', day: '2025-07-07' }, "never sent on 2025-07-07 (the run stopped before submission); today's run decides afresh"],
    ['a row from before typed reasons', { code: 'recorded', recorded: 'old words' }, 'old words'],
    ['no record', null, 'rejected'],
  ])('%s', (_name, reason, words) => {
    expect(exitLine(rejected(reason))).toBe(`Stop exit ABC (donchian): not executed — ${words}. The position is still open.`);
  });
});
