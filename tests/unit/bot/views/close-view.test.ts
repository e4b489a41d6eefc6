import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closeResultText } from '../../../../src/bot/views/close-view.js';
import type { ExitOutcome } from '../../../../src/trading/execution/exit-types.js';
import { cents, round6 } from '../../../../src/lib/numbers.js';

/** A booked close as the desk reports it: realized = round6((avg − cost) × filled), shown in cents. */
function outcome(qty: number, filled: number, avg: number, cost: number, held: number): ExitOutcome {
  return {
    symbol: 'TOL',
    strategy: 'donchian',
    reason: 'close',
    status: filled >= qty ? 'filled' : 'partially_filled',
    qty,
    filledQty: filled,
    avgFillPrice: avg,
    realizedPnl: cents(round6((avg - cost) * filled)),
    orderState: filled >= qty ? 'filled' : 'canceled',
    clientOrderId: 'cx-c-20261214-0123456789abcdef01234567',
    decisionPrice: avg,
    limitPrice: Math.floor(avg * 0.995 * 100) / 100,
    remainingQty: held - filled,
    rejectReason: null,
    note: { code: 'order' },
  };
}

describe('closeResultText', () => {
  it('shows a realized P&L that recomputes to the cent from the qty and prices it shows (averages with up to 6 decimals)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 100, max: 5_000_000 }),
        fc.integer({ min: 100_000, max: 500_000_000 }),
        (qty, extra, avgTicks, costMicros) => {
          const avg = avgTicks / 10_000; // an average fill: up to 4 decimals
          const cost = costMicros / 1_000_000; // an average cost over several buys: up to 6 decimals
          const held = qty + extra;
          const text = closeResultText({ symbol: 'TOL', strategy: 'donchian', qty, underKill: false }, { kind: 'outcome', outcome: outcome(qty, qty, avg, cost, held), avgCost: cost }).text;
          const m = /Realized: (\d+) × \(\$([\d.]+) − \$([\d.]+)\) = ([+-]?)\$([\d,.]+)/.exec(text);
          expect(m, text).not.toBeNull();
          const [, q, exit, entry, sign, dollars] = m!;
          const shown = (sign === '-' ? -1 : 1) * Number(dollars!.replaceAll(',', ''));
          // The dollars shown are the product of the numbers shown, rounded to the cent (a half-cent tie may go either way).
          expect(Math.abs(Number(q) * (Number(exit) - Number(entry)) - shown)).toBeLessThanOrEqual(0.005 + 1e-6);
          expect(text).toContain(`${extra} shares still held.`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('says what a partial fill left, and that nothing rests', () => {
    const text = closeResultText({ symbol: 'TOL', strategy: 'donchian', qty: 10, underKill: true }, { kind: 'outcome', outcome: outcome(10, 4, 50, 45.5, 10), avgCost: 45.5 }).text;
    expect(text).toMatch(/Closed 4 of 10 TOL/);
    expect(text).toMatch(/sold under the kill switch/);
    expect(text).toMatch(/The other 6 found no buyer/);
    expect(text).toMatch(/Realized: 4 × \(\$50\.00 − \$45\.50\) = \+\$18\.00/);
    expect(text).toMatch(/6 shares still held/);
  });

  it('says who ended the unfilled rest, from the reason recorded on the order (a DAY sell names its limit so)', () => {
    const o = { ...outcome(10, 4, 50, 45.5, 10), rejectReason: { code: 'ioc_ended' as const, status: 'canceled', endedBy: 'day_timeout' as const }, timeInForce: 'day' as const };
    const text = closeResultText({ symbol: 'TOL', strategy: 'donchian', qty: 10, underKill: false }, { kind: 'outcome', outcome: o, avgCost: 45.5 }).text;
    expect(text).toMatch(/Sold 4\/10 @ \$50\.00 \(DAY limit \$49\.75\)/);
    expect(text).toContain('The other 6: cancelled by Courtside: the DAY limit order was still partly unfilled after ALPACA_DAY_CANCEL_AFTER_S.');
    expect(text).not.toMatch(/IOC|found no buyer/);
    const killed = { ...outcome(10, 4, 50, 45.5, 10), rejectReason: { code: 'ioc_ended' as const, status: 'canceled', endedBy: 'kill' as const } };
    const k = closeResultText({ symbol: 'TOL', strategy: 'donchian', qty: 10, underKill: false }, { kind: 'outcome', outcome: killed, avgCost: 45.5 }).text;
    expect(k).toContain('(IOC limit $49.75)');
    expect(k).toContain('The other 6: cancelled by /kill (the kill switch cancelled every open order) before the rest filled.');
  });

  it('a close that sold nothing says who ended it', () => {
    const o: ExitOutcome = { ...outcome(10, 0, 50, 45.5, 10), status: 'not_filled', avgFillPrice: null, realizedPnl: 0, orderState: 'canceled', rejectReason: { code: 'ioc_ended', status: 'canceled', endedBy: 'ioc' } };
    const text = closeResultText({ symbol: 'TOL', strategy: 'donchian', qty: 10, underKill: false }, { kind: 'outcome', outcome: o, avgCost: 45.5 }).text;
    expect(text).toContain('nothing sold at the limit $49.75 — the IOC order ended canceled with nothing filled. The position is still open.');
  });
});
