import { describe, expect, it } from 'vitest';
import { fillConfirmation, GATE_TITLES, stillCheckingText } from '../../../../src/bot/views/fill-view.js';
import { validateSpec } from '../../../../src/adapters/charts/validate.js';
import type { ExecutionOutcome, RefusalGate } from '../../../../src/trading/execution/execute.js';
import type { RecordedReason } from '../../../../src/trading/execution/recorded-reasons.js';
import type { FillContext } from '../../../../src/trading/portfolio/fill-context.js';
import { covered, summary } from './fixtures.js';

const candles = Array.from({ length: 60 }, (_, i) => ({ date: `2024-10-${String((i % 28) + 1).padStart(2, '0')}`, o: 9 + i / 100, h: 9.5 + i / 100, l: 8.5 + i / 100, c: 9.2 + i / 100 }));
const ctx: FillContext = { stop: 9.4, plannedEntry: 9.98, demo: false, candles, positionQty: 7 };

describe('fillConfirmation', () => {
  it('filled: symbol, filled/ordered, avg vs limit, notional, stop and risk, holding, broker and full client order id; a candle chart with entry and stop', () => {
    const m = fillConfirmation({ kind: 'filled', ...summary() }, ctx);
    expect(m.text.text.split('\n')).toEqual([
      '✅ Bought ABC — 7/7 shares filled',
      'Avg 10.00 vs limit 10.02 (0.20% better) · planned 9.98',
      // (10 - 9.4) × 7 = 4.20 at risk to the stop
      'Notional $70.00 · stop 9.40 (risk $4.20 to it)',
      'Now holding 7 sh of ABC · /positions',
      'paper · cs-1a2b3c4d-0000-4000-8000-000000000001',
    ]);
    expect(covered(m.text, 'code')).toEqual(['cs-1a2b3c4d-0000-4000-8000-000000000001']);
    expect(covered(m.text, 'bold')).toEqual(['Bought ABC']);
    expect(m.chart).not.toBeNull();
    expect(m.chart!.bars).toHaveLength(60);
    expect(m.chart!.levels).toEqual([
      { role: 'entry', price: 10, label: 'Filled 10.00' },
      { role: 'stop', price: 9.4 },
    ]);
    expect(m.chart!.title).toBe('ABC · bought 7 @ 10.00');
    expect(() => validateSpec(m.chart!)).not.toThrow();
    expect(m.text.text.length).toBeLessThanOrEqual(1024); // fits a photo caption
  });

  it('filled at the limit on DEMO data: says so, DEMO watermark and label', () => {
    const m = fillConfirmation({ kind: 'filled', ...summary({ avgFillPrice: 10.02, filledNotional: 70.14 }) }, { ...ctx, demo: true });
    expect(m.text.text).toContain('Avg 10.02 vs limit 10.02 (at the limit)');
    expect(m.text.text).toContain('paper · DEMO data · cs-');
    expect(m.chart!.levels!.map((l) => l.role)).toEqual(['entry', 'stop']);
    expect(m.chart!.watermark).toBe('DEMO');
  });

  it('without context the text still stands and there is no chart', () => {
    const m = fillConfirmation({ kind: 'filled', ...summary() });
    expect(m.text.text).toContain('Notional $70.00 · stop not set\n');
    expect(m.text.text).not.toContain('holding');
    expect(m.chart).toBeNull();
  });

  it('partially filled: says how many were not filled and that nothing is left working', () => {
    const m = fillConfirmation({ kind: 'partially_filled', ...summary({ qty: 10, filledQty: 6, filledNotional: 60, orderState: 'canceled' }) }, { ...ctx, positionQty: 6 });
    expect(m.text.text.split('\n')[0]).toBe('🟡 Partly filled: bought ABC — 6 of 10 shares');
    expect(m.text.text).toContain('Notional $60.00 · stop 9.40 (risk $3.60 to it)');
    expect(m.text.text).toContain('The other 4 shares were not filled and were canceled (immediate-or-cancel): nothing more will fill');
    expect(m.text.text).toContain('Now holding 6 sh');
    expect(m.chart!.title).toBe('ABC · bought 6 @ 10.00');
  });

  it('partially filled: the rest says who ended it, as recorded on the order at booking', () => {
    const kill = fillConfirmation(
      { kind: 'partially_filled', ...summary({ qty: 10, filledQty: 6, filledNotional: 60, orderState: 'canceled' }), unfilledReason: { code: 'ioc_ended', status: 'canceled', endedBy: 'kill' } },
      { ...ctx, positionQty: 6 },
    );
    expect(kill.text.text).toContain('The other 4 shares were not filled: cancelled by /kill (the kill switch cancelled every open order) before the rest filled. Nothing more will fill, nothing is left working.');
    const ioc = fillConfirmation(
      { kind: 'partially_filled', ...summary({ qty: 10, filledQty: 9, filledNotional: 90, orderState: 'canceled' }), unfilledReason: { code: 'ioc_ended', status: 'canceled', endedBy: 'ioc' } },
      { ...ctx, positionQty: 9 },
    );
    expect(ioc.text.text).toContain('The other 1 share was not filled: the IOC order ended canceled with the rest unfilled.');
  });

  it('not filled (IOC, nothing filled): nothing bought, budget released, what next; no chart', () => {
    const m = fillConfirmation({ kind: 'not_filled', reason: { code: 'ioc_ended', status: 'canceled' }, ...summary({ filledQty: 0, avgFillPrice: null, filledNotional: 0, orderState: 'canceled' }) }, ctx);
    const lines = m.text.text.split('\n');
    expect(lines[0]).toBe('⚪ Not filled: ABC — 0/7 at limit 10.02');
    expect(m.text.text).toContain('(the IOC order ended canceled with nothing filled)');
    expect(m.text.text).toContain('Nothing was bought, no position was opened and the reserved budget was released.');
    expect(m.text.text).toMatch(/What next: /);
    expect(covered(m.text, 'code')).toEqual(['cs-1a2b3c4d-0000-4000-8000-000000000001']);
    expect(m.chart).toBeNull();
  });

  const refusal = (gate: RefusalGate, reason: RecordedReason, numbers: Record<string, number> = {}): Extract<ExecutionOutcome, { kind: 'refused' }> => ({
    kind: 'refused',
    approvalId: 'a',
    pickId: 'p1',
    symbol: 'ABC',
    gate,
    reason,
    numbers,
  });
  const gateRefusal = (gate: 'policy' | 'liquidity' | 'position' | 'drift', limit: string, numbers: Record<string, number>) => refusal(gate, { code: 'gate', gate, limit, numbers }, numbers);

  it.each<[string, Extract<ExecutionOutcome, { kind: 'refused' }>, string, RegExp[]]>([
    [
      'policy: per-order budget',
      gateRefusal('policy', 'per_order_budget', { qty: 10, price: 10, notional: 100, perOrderBudget: 75, maxQty: 7 }),
      'Order refused by PolicyGate: 10 × $10.00 = $100.00 exceeds the per-order budget of $75.00 (at most 7 shares fit).',
      [/refused by PolicyGate$/m, /^Numbers: qty 10 · price \$10\.00 · notional \$100\.00 · per-order budget \$75\.00 · max qty 7$/m, /at most 7 shares fit\); approve a smaller size/],
    ],
    [
      'policy: daily budget',
      gateRefusal('policy', 'daily_budget', { spentToday: 990, notional: 70, total: 1060, dailyBudget: 1000, remaining: 10 }),
      'Order refused by PolicyGate: $990.00 already committed today + $70.00 for this order = $1,060.00, over the daily budget of $1,000.00 ($10.00 left).',
      [/spent today \$990\.00/, /daily budget \$1,000\.00/, /budget is used up; it starts again on the next New York trading day/],
    ],
    [
      'policy: budget used up by another order',
      refusal('policy', { code: 'budget_used_up', dailyBudget: 1000 }, { notional: 70, dailyBudget: 1000 }),
      'Order refused by PolicyGate: the daily budget of $1,000.00 was used up by another order.',
      [/budget is used up; it starts again on the next New York trading day/],
    ],
    [
      'liquidity: spread',
      { ...gateRefusal('liquidity', 'max_spread', { bid: 0.5, ask: 0.52, spreadPct: 3.921568, maxSpreadPct: 0.5 }), symbol: 'THIN' },
      'Order refused by LiquidityGate: the spread $0.50 / $0.52 is 3.92% of the mid, wider than the 0.5% limit.',
      [/refused by LiquidityGate$/m, /bid \$0\.5000 · ask \$0\.5200 · spread 3\.92% · max spread 0\.5%/, /too thin or its spread too wide/],
    ],
    [
      'position caps: max open',
      gateRefusal('position', 'max_open_positions', { openPositions: 5, maxOpenPositions: 5 }),
      'Order refused by position caps: 5 positions are open and the limit is 5; close one first (/close SYMBOL, or a Close button on /positions).',
      [/refused by position caps$/m, /open positions 5 · max open 5/, /close a position with \/close SYMBOL \(or a Close button on \/positions\)/],
    ],
    [
      'drift',
      gateRefusal('drift', 'max_drift', { entry: 10, live: 10.5, driftPct: 5, maxDriftPct: 2, quoteIsBid: 0 }),
      "Order refused by the drift band: the live ask $10.50 is 5% from the pick's entry $10.00, beyond the ±2% band; re-scan or re-quote before approving again.",
      // quoteIsBid only serves the sentence: it is not one of the numbers shown.
      [/refused by the drift band$/m, /drift 5% · max drift 2%$/m, /Wait for the next \/scan/],
    ],
    [
      'kill switch',
      refusal('kill_switch', { code: 'kill_switch', order: 'entry', killReason: 'maintenance' }),
      'Kill switch is ON (maintenance): nothing was sent to the broker. Resume with /resume and approve a fresh pick.',
      [/refused by the kill switch$/m, /An admin can \/resume/],
    ],
    [
      'expired',
      refusal('expired', { code: 'expired', expiresAt: '2025-01-10T19:20:00.000Z' }),
      'The approval expired at 2025-01-10T19:20:00.000Z before execution started; nothing was ordered. Re-scan and approve again.',
      [/approval window/, /run \/scan again/],
    ],
    [
      'broker',
      refusal('broker', { code: 'broker_rejected', broker: 'paper', brokerReason: 'insufficient buying power' }),
      'insufficient buying power',
      [/refused by the broker$/m, /check \/status and the broker account/],
    ],
    [
      'broker, without words',
      refusal('broker', { code: 'broker_rejected', broker: 'alpaca-paper', brokerReason: null }),
      'alpaca-paper rejected the order',
      [/refused by the broker$/m],
    ],
    ['a row from before typed reasons', refusal('policy', { code: 'recorded', recorded: 'Order refused by PolicyGate: as it was stored.' }), 'Order refused by PolicyGate: as it was stored.', []],
  ])('refused by %s: gate, reason in words, numbers, what to do next', (_name, outcome, sentence, patterns) => {
    const m = fillConfirmation(outcome, ctx);
    const lines = m.text.text.split('\n');
    expect(lines[0]).toBe(`⛔ Not ordered: ${outcome.symbol} — refused by ${GATE_TITLES[outcome.gate]}`);
    expect(lines[1]).toBe(sentence);
    for (const p of patterns) expect(m.text.text).toMatch(p);
    expect(m.text.text).toContain('What to do next:');
    if (outcome.gate === 'broker' && outcome.reason.code === 'broker_rejected') {
      // The broker refused it: it WAS sent, and nothing was placed.
      expect(m.text.text).not.toContain('Nothing was sent');
      expect(m.text.text.split('\n').at(-1)).toBe(`It was sent to ${outcome.reason.broker} and refused there: nothing was placed. Pick p1.`);
    } else {
      expect(m.text.text.split('\n').at(-1)).toBe('Nothing was sent to the broker. Pick p1.');
    }
    if (Object.keys(outcome.numbers).length === 0) expect(m.text.text).not.toContain('Numbers:');
    expect(m.text.text).not.toContain('quote is bid');
    expect(m.chart).toBeNull();
  });

  it('failed, pending and not_found have plain texts', () => {
    expect(fillConfirmation({ kind: 'failed', approvalId: 'a', reason: { code: 'recorded', recorded: 'no live quote' }, retryable: false }).text.text).toMatch(
      /^❌ Order not placed — no live quote\nNothing was ordered\. Approve a fresh pick/,
    );
    expect(fillConfirmation({ kind: 'failed', approvalId: 'a', reason: { code: 'gave_up', tries: 5, error: 'Redis went away' }, retryable: false }).text.text).toMatch(
      /^❌ Order not placed — gave up after 5 tries: Redis went away\nNothing was ordered\./,
    );
    expect(fillConfirmation({ kind: 'failed', approvalId: 'a', reason: { code: 'not_placed', error: 'paper: bad key' }, retryable: false }).text.text).toMatch(
      /^❌ Order not placed — paper: bad key; nothing was placed\n/,
    );
    expect(fillConfirmation({ kind: 'failed', approvalId: 'a', cause: { code: 'not_placed', error: 'x' }, retryable: true }).text.text).toContain('It will be tried again shortly.');
    const pending = fillConfirmation({ kind: 'pending', approvalId: 'a', cause: { code: 'order_open', clientOrderId: 'cs-x', orderState: 'submitted' }, clientOrderId: 'cs-x' });
    expect(pending.text.text).toContain('Client order id cs-x');
    expect(covered(pending.text, 'code')).toEqual(['cs-x']);
    expect(fillConfirmation({ kind: 'not_found', approvalId: 'abc' }).text.text).toBe('❓ Approval abc was not found; nothing was ordered.');
  });
});

describe('stillCheckingText', () => {
  it('names the broker and the symbol, says the outcome is not known and nothing is sent twice, and that the trader will be told', () => {
    const t = stillCheckingText({ broker: 'alpaca-paper', symbol: 'SLOW', pickId: 'p1' });
    expect(t.text).toBe("⏳ Still checking with alpaca-paper — SLOW: the order's outcome is not known yet; nothing will be sent twice. You will be told when it is.");
    expect(covered(t, 'bold')).toEqual(['Still checking with alpaca-paper']);
  });

  it('without the symbol (the pick could not be read) it names the pick', () => {
    expect(stillCheckingText({ broker: 'paper', symbol: null, pickId: 'p9' }).text).toBe(
      "⏳ Still checking with paper — pick p9: the order's outcome is not known yet; nothing will be sent twice. You will be told when it is.",
    );
  });
});
