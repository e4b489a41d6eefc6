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

/** An exit order that ended canceled or expired short of its qty, with who ended it recorded on its row. */
function ended(filledQty: number, endedBy: 'ioc' | 'kill' | 'day_timeout' | 'outside_courtside' | 'expired', over: Partial<ExitOutcome> = {}): ExitOutcome {
  const status = endedBy === 'expired' ? 'expired' : 'canceled';
  return {
    ...rejected({ code: 'ioc_ended', status, endedBy }),
    status: filledQty > 0 ? 'partially_filled' : 'not_filled',
    filledQty,
    avgFillPrice: filledQty > 0 ? 8.95 : null,
    realizedPnl: filledQty > 0 ? -0.35 : 0,
    orderState: status,
    remainingQty: 7 - filledQty,
    ...over,
  };
}

describe('exitLine says who ended the unfilled part', () => {
  it.each<[string, ExitOutcome, string]>([
    ['the IOC, nothing sold', ended(0, 'ioc'), 'Stop exit ABC (donchian): nothing sold at the limit $8.90 — the IOC order ended canceled with nothing filled. The position is still open.'],
    ['/kill, nothing sold', ended(0, 'kill'), 'Stop exit ABC (donchian): nothing sold at the limit $8.90 — cancelled by /kill (the kill switch cancelled every open order) before anything filled. The position is still open.'],
    [
      'Courtside, a DAY sell unfilled',
      ended(0, 'day_timeout', { timeInForce: 'day' }),
      'Stop exit ABC (donchian): nothing sold at the limit $8.90 — cancelled by Courtside: the DAY limit order was still unfilled after ALPACA_DAY_CANCEL_AFTER_S. The position is still open.',
    ],
    ['the broker expiring it', ended(0, 'expired'), 'Stop exit ABC (donchian): nothing sold at the limit $8.90 — expired at the broker (a DAY order ends at the close) with nothing filled. The position is still open.'],
    [
      'the rest of a partial IOC fill',
      ended(3, 'ioc'),
      'Stop exit ABC (donchian): sold 3/7 @ $8.95, realized -$0.35. The other 4: the IOC order ended canceled with the rest unfilled. 4 shares still held.',
    ],
    [
      'the rest of a partial DAY fill',
      ended(3, 'day_timeout', { timeInForce: 'day' }),
      'Stop exit ABC (donchian): sold 3/7 @ $8.95, realized -$0.35. The other 4: cancelled by Courtside: the DAY limit order was still partly unfilled after ALPACA_DAY_CANCEL_AFTER_S. 4 shares still held.',
    ],
    [
      'the rest cancelled outside Courtside',
      ended(3, 'outside_courtside'),
      'Stop exit ABC (donchian): sold 3/7 @ $8.95, realized -$0.35. The other 4: cancelled at the broker outside Courtside (the broker dashboard, another app, or the broker itself) before the rest filled. 4 shares still held.',
    ],
  ])('%s', (_name, o, line) => {
    expect(exitLine(o)).toBe(line);
  });

  it('a row booked before the reason was kept on it says only its state', () => {
    expect(exitLine({ ...ended(0, 'ioc'), rejectReason: null })).toBe('Stop exit ABC (donchian): the IOC sell at $8.90 ended canceled with nothing sold. The position is still open.');
    expect(exitLine({ ...ended(3, 'ioc'), rejectReason: null })).toBe('Stop exit ABC (donchian): sold 3/7 @ $8.95, realized -$0.35. 4 shares still held.');
  });
});
