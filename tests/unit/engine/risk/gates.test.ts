import { describe, expect, it } from 'vitest';
import { DriftBand, LiquidityGate, PolicyGate, PositionCaps, usd, type GateResult } from '../../../../src/engine/risk/index.js';

function refused(r: GateResult) {
  if (r.ok) throw new Error('expected a refusal');
  return r;
}

describe('PolicyGate', () => {
  const base = { side: 'buy' as const, qty: 7, price: 10.01, spentToday: 0 };

  it('passes an order inside both budgets (defaults 75 per order, 1000 per day)', () => {
    expect(PolicyGate.check(base)).toEqual({ ok: true });
    expect(PolicyGate.check({ ...base, spentToday: 929.93 })).toEqual({ ok: true }); // 929.93 + 70.07 = 1000.00 exactly
  });

  it('refuses above the per-order budget, naming the numbers and how many shares would fit', () => {
    const r = refused(PolicyGate.check({ ...base, qty: 8 })); // 8 × 10.01 = 80.08
    expect(r).toMatchObject({ gate: 'policy', limit: 'per_order_budget', numbers: { qty: 8, price: 10.01, notional: 80.08, perOrderBudget: 75, maxQty: 7 } });
    expect(r.reason).toContain('8 × $10.01 = $80.08 exceeds the per-order budget of $75.00');
    expect(r.reason).toContain('at most 7 shares');
    expect(refused(PolicyGate.check({ ...base, qty: 1, price: 80 })).reason).toContain('not even one share');
  });

  it('refuses past the daily budget with spent + order = total > limit', () => {
    const r = refused(PolicyGate.check({ ...base, spentToday: 940 }));
    expect(r).toMatchObject({ limit: 'daily_budget', numbers: { spentToday: 940, notional: 70.07, total: 1010.07, dailyBudget: 1000, remaining: 60 } });
    expect(r.reason).toBe(
      'Order refused by PolicyGate: $940.00 already committed today + $70.07 for this order = $1,010.07, over the daily budget of $1,000.00 ($60.00 left).',
    );
    expect(PolicyGate.check({ ...base, spentToday: 0, dailyBudget: 50 }).ok).toBe(false);
  });

  it('custom budgets, min/max price, bad quantities and prices', () => {
    expect(PolicyGate.check({ ...base, qty: 90, perOrderBudget: 2000 })).toEqual({ ok: true });
    expect(refused(PolicyGate.check({ ...base, minPrice: 12 }))).toMatchObject({ limit: 'min_price', numbers: { price: 10.01, minPrice: 12 } });
    expect(refused(PolicyGate.check({ ...base, maxPrice: 10 }))).toMatchObject({ limit: 'max_price' });
    expect(refused(PolicyGate.check({ ...base, qty: 0 }))).toMatchObject({ limit: 'qty' });
    expect(refused(PolicyGate.check({ ...base, qty: 1.5 }))).toMatchObject({ limit: 'qty' });
    expect(refused(PolicyGate.check({ ...base, price: Number.NaN }))).toMatchObject({ limit: 'price' });
  });

  it('no shorts by default: a sell needs the shares; sells do not draw on the daily budget', () => {
    expect(refused(PolicyGate.check({ ...base, side: 'sell', heldQty: 3 }))).toMatchObject({ limit: 'no_shorts', numbers: { qty: 7, heldQty: 3 } });
    expect(PolicyGate.check({ ...base, side: 'sell', heldQty: 7, spentToday: 5000 })).toEqual({ ok: true });
    expect(PolicyGate.check({ ...base, side: 'sell', allowShorts: true })).toEqual({ ok: true });
  });
});

describe('LiquidityGate', () => {
  const base = { dollarAdv: 5_000_000, bid: 9.99, ask: 10.01, qty: 7, price: 10.02 };

  it('passes a liquid, tight, small order', () => {
    expect(LiquidityGate.check(base)).toEqual({ ok: true });
  });

  it('refuses a thin stock (dollar ADV below 100k by default)', () => {
    const r = refused(LiquidityGate.check({ ...base, dollarAdv: 99_999 }));
    expect(r).toMatchObject({ gate: 'liquidity', limit: 'min_dollar_adv', numbers: { dollarAdv: 99_999, minDollarAdv: 100_000 } });
    expect(r.reason).toContain('$99,999.00 is below the minimum $100,000.00');
  });

  it('refuses a wide spread: (ask − bid) / mid above 0.5%', () => {
    // 10.00 / 10.06: spread 0.06 over mid 10.03 = 0.598%
    const r = refused(LiquidityGate.check({ ...base, bid: 10, ask: 10.06 }));
    expect(r.limit).toBe('max_spread');
    expect(r.numbers['spreadPct']).toBeCloseTo(0.598205, 5);
    expect(r.reason).toContain('0.6% of the mid, wider than the 0.5% limit');
    expect(LiquidityGate.check({ ...base, bid: 10, ask: 10.05 })).toEqual({ ok: true }); // 0.4988%
  });

  it('refuses an order above 1% of the dollar ADV', () => {
    // 7 × 10.02 = 70.14 of 5 000 → 1.4028 %
    const r = refused(LiquidityGate.check({ ...base, dollarAdv: 5_000, minDollarAdv: 1_000 }));
    expect(r).toMatchObject({ limit: 'max_order_pct_adv', numbers: { notional: 70.14, dollarAdv: 5000, orderPctAdv: 1.4028, maxOrderPctAdv: 1 } });
  });

  it('refuses without a usable quote', () => {
    expect(refused(LiquidityGate.check({ ...base, bid: 0 })).limit).toBe('quote');
    expect(refused(LiquidityGate.check({ ...base, bid: 10.2, ask: 10.1 })).limit).toBe('quote');
  });
});

describe('PositionCaps', () => {
  it('refuses a new symbol when the open-position slots are full, but allows adding to a held one', () => {
    const r = refused(PositionCaps.check({ openPositions: 5, addsToExisting: false, orderNotional: 70, equity: 100_000 }));
    expect(r).toMatchObject({ gate: 'position', limit: 'max_open_positions', numbers: { openPositions: 5, maxOpenPositions: 5 } });
    expect(PositionCaps.check({ openPositions: 5, addsToExisting: true, existingNotional: 70, orderNotional: 70, equity: 100_000 })).toEqual({ ok: true });
    expect(PositionCaps.check({ openPositions: 4, addsToExisting: false, orderNotional: 70, equity: 100_000 })).toEqual({ ok: true });
  });

  it('refuses a position above maxPositionPct of equity (existing + order)', () => {
    // 600 + 500 = 1100 of 10 000 = 11 % > 10 %
    const r = refused(PositionCaps.check({ openPositions: 1, addsToExisting: true, existingNotional: 600, orderNotional: 500, equity: 10_000 }));
    expect(r).toMatchObject({ limit: 'max_position_pct', numbers: { positionNotional: 1100, positionPct: 11, maxPositionPct: 10, equity: 10_000 } });
    expect(r.reason).toContain('$1,100.00 ($600.00 held + $500.00), 11% of equity $10,000.00');
    expect(PositionCaps.check({ openPositions: 1, addsToExisting: true, existingNotional: 500, orderNotional: 500, equity: 10_000 })).toEqual({ ok: true });
    expect(refused(PositionCaps.check({ openPositions: 0, addsToExisting: false, orderNotional: 1, equity: 0 })).limit).toBe('equity');
  });
});

describe('DriftBand', () => {
  it('passes inside the band (default ±2%) and refuses beyond it either way, saying re-scan or re-quote', () => {
    expect(DriftBand.check({ side: 'buy', entry: 10, live: 10.2 })).toEqual({ ok: true });
    expect(DriftBand.check({ side: 'buy', entry: 10, live: 9.8 })).toEqual({ ok: true });
    const up = refused(DriftBand.check({ side: 'buy', entry: 10, live: 10.6, maxDriftPct: 3 }));
    expect(up).toMatchObject({ gate: 'drift', limit: 'max_drift', numbers: { entry: 10, live: 10.6, driftPct: 6, maxDriftPct: 3 } });
    expect(up.reason).toContain('live ask $10.60 is 6% from the pick\'s entry $10.00, beyond the ±3% band');
    expect(up.reason).toContain('re-scan or re-quote');
    const down = refused(DriftBand.check({ side: 'sell', entry: 10, live: 9.7 }));
    expect(down.numbers['driftPct']).toBeCloseTo(-3, 9);
    expect(down.reason).toContain('live bid');
    expect(refused(DriftBand.check({ side: 'buy', entry: 10, live: 0 })).reason).toContain('re-scan or re-quote');
  });
});

describe('usd', () => {
  it('formats with separators and two decimals', () => {
    expect(usd(1234567.891)).toBe('$1,234,567.89');
    expect(usd(-5)).toBe('-$5.00');
  });
});
