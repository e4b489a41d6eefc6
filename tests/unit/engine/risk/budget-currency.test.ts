import { describe, expect, it } from 'vitest';
import { describeRefusal, PolicyGate } from '../../../../src/engine/risk/index.js';
import { currencyFigure, won } from '../../../../src/engine/risk/money-words.js';
import { formatMoney, money } from '../../../../src/lib/money.js';

/** PolicyGate's budget refusals speak the market's currency: won (whole, ₩) for KR, dollars as before for US. */
describe('budget refusals in the market currency', () => {
  it('a KRW daily-budget refusal shows whole won and records the currency as a figure', () => {
    const r = PolicyGate.check({ currency: 'KRW', side: 'buy', qty: 10, price: 10_010, spentToday: 100_100, perOrderBudget: 110_000, dailyBudget: 150_000 });
    expect(r).toEqual({
      ok: false,
      gate: 'policy',
      limit: 'daily_budget',
      numbers: { spentToday: 100_100, notional: 100_100, total: 200_200, dailyBudget: 150_000, remaining: 49_900, krw: 1 },
      reason: 'Order refused by PolicyGate: ₩100,100 already committed today + ₩100,100 for this order = ₩200,200, over the daily budget of ₩150,000 (₩49,900 left).',
    });
    // A stored refusal (gate, limit, numbers) is worded the same way.
    expect(describeRefusal('policy', 'daily_budget', r.ok ? {} : r.numbers)).toBe(r.ok ? '' : r.reason);
  });

  it('a KRW per-order-budget refusal shows whole won', () => {
    const r = PolicyGate.check({ currency: 'KRW', side: 'buy', qty: 12, price: 10_010, spentToday: 0, perOrderBudget: 110_000, dailyBudget: 1_000_000 });
    expect(r.ok ? null : r.reason).toBe('Order refused by PolicyGate: 12 × ₩10,010 = ₩120,120 exceeds the per-order budget of ₩110,000 (at most 10 shares fit).');
  });

  it('US wording is unchanged, with or without the currency named, and its numbers carry no currency figure', () => {
    const input = { side: 'buy' as const, qty: 7, price: 10.01, spentToday: 940, perOrderBudget: 75, dailyBudget: 1000 };
    const named = PolicyGate.check({ ...input, currency: 'USD' });
    expect(named).toEqual(PolicyGate.check(input));
    expect(named).toMatchObject({
      numbers: { spentToday: 940, notional: 70.07, total: 1010.07, dailyBudget: 1000, remaining: 60 },
      reason: 'Order refused by PolicyGate: $940.00 already committed today + $70.07 for this order = $1,010.07, over the daily budget of $1,000.00 ($60.00 left).',
    });
    expect(named.ok ? {} : named.numbers).not.toHaveProperty('krw');
    expect(currencyFigure('USD')).toEqual({});
    expect(currencyFigure('KRW')).toEqual({ krw: 1 });
  });

  it('won() prints as src/lib/money.ts formats KRW', () => {
    for (const n of [0, 1, 999, 1000, 49_900, 1_234_567, 10_000_000_000, -52_500, 1000.4, 1000.5, -0.4]) {
      const whole = Math.sign(n) * Math.round(Math.abs(n));
      expect(won(n), String(n)).toBe(formatMoney(money(whole, 'KRW')));
    }
  });
});
