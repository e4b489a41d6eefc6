import { describe, expect, it } from 'vitest';
import { describeRefusal, DriftBand, LiquidityGate, PolicyGate, PositionCaps, REFUSAL_LIMITS, type GateResult } from '../../../../src/engine/risk/index.js';

/** One case per gate and limit: the numbers a refusal records, and the sentence they must give. */
const CASES: [gate: string, limit: string, numbers: Record<string, number>, sentence: string][] = [
  [
    'var',
    'max_var',
    { qty: 150, price: 50.05, candidateValue: 7507.5, varBefore: 120.5, varAfter: 1234.56, equity: 100000, varPct: 1.23456, varBeforePct: 0.1205, varLimitPct: 0.5, limitUsd: 500, paths: 5000, seed: 4242, days: 120, firstDate: 20260622, lastDate: 20261207 },
    "Order refused by the value-at-risk limit: with this order (150 sh × $50.05 = $7,507.50) the book's one-day 99 % VaR would be $1,234.56 ($120.50 without it), 1.23% of equity $100,000.00, above the 0.5% limit ($500.00); bootstrap of 5000 paths, seed 4242, joint daily returns of 120 sessions 2026-06-22 to 2026-12-07.",
  ],
  [
    'var',
    'book_over_limit',
    { qty: 150, price: 50.05, candidateValue: 7507.5, varBefore: 800, varAfter: 900, equity: 100000, varPct: 0.9, varBeforePct: 0.8, varLimitPct: 0.5, limitUsd: 500, paths: 5000, seed: 4242, days: 120, firstDate: 20260622, lastDate: 20261207 },
    "Order refused by the value-at-risk limit: the open book's one-day 99 % VaR is already $800.00, 0.8% of equity $100,000.00, above the 0.5% limit ($500.00), so no new risk is taken (with this order, 150 sh × $50.05 = $7,507.50, it would be $900.00, 0.9%); bootstrap of 5000 paths, seed 4242, joint daily returns of 120 sessions 2026-06-22 to 2026-12-07.",
  ],
  [
    'correlation',
    'max_cluster_risk',
    { corrLimit: 0.7, riskBefore: 1500, candidateRisk: 600, riskAfter: 2100, riskAfterPct: 2.1, equity: 100_000, maxClusterRiskPct: 2, 'corr:HELD': 0.97 },
    "Order refused by the correlation limit: it moves with HELD (correlation 0.97) (daily returns correlated at 0.70 or more); their open risk $1,500.00 + this order's $600.00 = $2,100.00, 2.1% of equity $100,000.00, above the 2% limit.",
  ],
  ['policy', 'qty', { qty: 1.5 }, 'Order refused by PolicyGate: quantity must be a whole number of shares above 0, not 1.5.'],
  ['policy', 'price', { price: Number.NaN }, 'Order refused by PolicyGate: price must be a positive number, not NaN.'],
  ['policy', 'min_price', { price: 10.01, minPrice: 12 }, 'Order refused by PolicyGate: price $10.01 is below the minimum share price $12.00.'],
  ['policy', 'max_price', { price: 1234.5, maxPrice: 1000 }, 'Order refused by PolicyGate: price $1,234.50 is above the maximum share price $1,000.00.'],
  ['policy', 'no_shorts', { qty: 7, heldQty: 3 }, 'Order refused by PolicyGate: selling 7 shares with 3 held would open a short, and shorts are not allowed.'],
  [
    'policy',
    'per_order_budget',
    { qty: 8, price: 10.01, notional: 80.08, perOrderBudget: 75, maxQty: 7 },
    'Order refused by PolicyGate: 8 × $10.01 = $80.08 exceeds the per-order budget of $75.00 (at most 7 shares fit).',
  ],
  [
    'policy',
    'daily_budget',
    { spentToday: 70, notional: 70.07, total: 140.07, dailyBudget: 100, remaining: 30 },
    'Order refused by PolicyGate: $70.00 already committed today + $70.07 for this order = $140.07, over the daily budget of $100.00 ($30.00 left).',
  ],
  ['liquidity', 'quote', { bid: 0, ask: 10.01 }, 'Order refused by LiquidityGate: no usable two-sided quote (bid 0, ask 10.01).'],
  [
    'liquidity',
    'min_dollar_adv',
    { dollarAdv: 99_999, minDollarAdv: 100_000 },
    'Order refused by LiquidityGate: average daily dollar volume $99,999.00 is below the minimum $100,000.00.',
  ],
  [
    'liquidity',
    'max_spread',
    { bid: 10, ask: 10.06, spreadPct: 0.598205, maxSpreadPct: 0.5 },
    'Order refused by LiquidityGate: the spread $10.00 / $10.06 is 0.6% of the mid, wider than the 0.5% limit.',
  ],
  [
    'liquidity',
    'max_order_pct_adv',
    { notional: 70.14, dollarAdv: 5000, orderPctAdv: 1.4028, maxOrderPctAdv: 1 },
    'Order refused by LiquidityGate: $70.14 is 1.4% of the average daily dollar volume $5,000.00, above the 1% limit.',
  ],
  [
    'position',
    'max_open_positions',
    { openPositions: 5, maxOpenPositions: 5 },
    'Order refused by position caps: 5 positions are open and the limit is 5; close one first (/close SYMBOL, or a Close button on /positions).',
  ],
  ['position', 'equity', { equity: 0 }, 'Order refused by position caps: account equity is $0.00.'],
  [
    'position',
    'max_position_pct',
    { existingNotional: 600, orderNotional: 500, positionNotional: 1100, equity: 10_000, positionPct: 11, maxPositionPct: 10 },
    'Order refused by position caps: the position would be $1,100.00 ($600.00 held + $500.00), 11% of equity $10,000.00, above the 10% limit.',
  ],
  [
    'drift',
    'price',
    { entry: 10, live: 0, quoteIsBid: 0 },
    'Order refused by the drift band: cannot compare the live ask 0 with the entry 10; re-scan or re-quote.',
  ],
  [
    'drift',
    'max_drift',
    { entry: 10, live: 9.7, driftPct: -3, maxDriftPct: 2, quoteIsBid: 1 },
    "Order refused by the drift band: the live bid $9.70 is -3% from the pick's entry $10.00, beyond the ±2% band; re-scan or re-quote before approving again.",
  ],
];

function refused(r: GateResult) {
  if (r.ok) throw new Error('expected a refusal');
  return r;
}

describe('describeRefusal', () => {
  it.each(CASES)('%s / %s: the sentence from the numbers alone', (gate, limit, numbers, sentence) => {
    expect(describeRefusal(gate, limit, numbers)).toBe(sentence);
  });

  it('every gate and limit with a sentence has a case above', () => {
    const covered = CASES.map(([g, l]) => `${g}.${l}`).sort();
    const known = Object.entries(REFUSAL_LIMITS)
      .flatMap(([g, limits]) => limits.map((l) => `${g}.${l}`))
      .sort();
    expect(covered).toEqual(known);
  });

  it('names the quote the drift was measured on: the ask for a buy, the bid for a sell', () => {
    expect(describeRefusal('drift', 'price', { entry: 10, live: Number.NaN, quoteIsBid: 1 })).toBe(
      'Order refused by the drift band: cannot compare the live bid NaN with the entry 10; re-scan or re-quote.',
    );
    expect(describeRefusal('drift', 'max_drift', { entry: 10, live: 10.6, driftPct: 6, maxDriftPct: 3, quoteIsBid: 0 })).toContain('the live ask $10.60 is 6%');
  });

  it('says "not even one share" when none fits the per-order budget', () => {
    expect(describeRefusal('policy', 'per_order_budget', { qty: 1, price: 80, notional: 80, perOrderBudget: 75, maxQty: 0 })).toBe(
      'Order refused by PolicyGate: 1 × $80.00 = $80.00 exceeds the per-order budget of $75.00 (not even one share fits).',
    );
  });

  it('a gate or limit it does not know, or numbers missing a figure: a short sentence naming the gate and the limit', () => {
    expect(describeRefusal('policy', 'max_leverage', { leverage: 3 })).toBe('Order refused by PolicyGate (max_leverage).');
    expect(describeRefusal('liquidity', 'max_spread', { bid: 10, ask: 10.06 })).toBe('Order refused by LiquidityGate (max_spread).');
    expect(describeRefusal('position', 'equity', {})).toBe('Order refused by position caps (equity).');
    expect(describeRefusal('drift', 'max_drift', { entry: 10, live: 10.6, driftPct: 6, maxDriftPct: 3 })).toBe('Order refused by the drift band (max_drift).');
    expect(describeRefusal('sector', 'max_sector_pct', { pct: 40 })).toBe('Order refused by the sector gate (max_sector_pct).');
    // Inherited object keys are not limits.
    expect(describeRefusal('policy', 'toString', {})).toBe('Order refused by PolicyGate (toString).');
    expect(describeRefusal('constructor', 'name', {})).toBe('Order refused by the constructor gate (name).');
  });

  it('is the words of every gate: a refusal says describeRefusal of its own gate, limit and numbers', () => {
    const refusals = [
      refused(PolicyGate.check({ side: 'buy', qty: 8, price: 10.01, spentToday: 0 })),
      refused(PolicyGate.check({ side: 'buy', qty: 7, price: 10.01, spentToday: 940 })),
      refused(PolicyGate.check({ side: 'sell', qty: 7, price: 10.01, spentToday: 0, heldQty: 3 })),
      refused(PolicyGate.check({ side: 'buy', qty: 7, price: 10.01, spentToday: 0, minPrice: 12 })),
      refused(LiquidityGate.check({ dollarAdv: 99_999, bid: 9.99, ask: 10.01, qty: 7, price: 10.02 })),
      refused(LiquidityGate.check({ dollarAdv: 5_000_000, bid: 10, ask: 10.06, qty: 7, price: 10.02 })),
      refused(LiquidityGate.check({ dollarAdv: 5_000, minDollarAdv: 1_000, bid: 9.99, ask: 10.01, qty: 7, price: 10.02 })),
      refused(LiquidityGate.check({ dollarAdv: 5_000_000, bid: 0, ask: 10.01, qty: 7, price: 10.02 })),
      refused(PositionCaps.check({ openPositions: 5, addsToExisting: false, orderNotional: 70, equity: 100_000 })),
      refused(PositionCaps.check({ openPositions: 1, addsToExisting: true, existingNotional: 600, orderNotional: 500, equity: 10_000 })),
      refused(PositionCaps.check({ openPositions: 0, addsToExisting: false, orderNotional: 1, equity: 0 })),
      refused(DriftBand.check({ side: 'buy', entry: 10, live: 10.6, maxDriftPct: 3 })),
      refused(DriftBand.check({ side: 'sell', entry: 10, live: 9.7 })),
      refused(DriftBand.check({ side: 'buy', entry: 10, live: 0 })),
    ];
    for (const r of refusals) expect(describeRefusal(r.gate, r.limit, r.numbers)).toBe(r.reason);
  });
});
