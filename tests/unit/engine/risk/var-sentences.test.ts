import { describe, expect, it } from 'vitest';
import { describeRefusal } from '../../../../src/engine/risk/refusal-sentences.js';
import { dateFromNumber, dateToNumber } from '../../../../src/engine/risk/var-sentences.js';

const N = { qty: 150, price: 50.05, candidateValue: 7507.5, varBefore: 120.5, varAfter: 1234.56, equity: 100000, varPct: 1.23456, varBeforePct: 0.1205, varLimitPct: 0.5, limitUsd: 500, paths: 5000, seed: 4242, days: 120, firstDate: 20260622, lastDate: 20261207 };

describe('value-at-risk refusal sentences', () => {
  it('max_var: the order, VaR after and before, its % of equity, the limit in % and dollars, and the bootstrap (paths, seed, window)', () => {
    expect(describeRefusal('var', 'max_var', N)).toBe(
      "Order refused by the value-at-risk limit: with this order (150 sh × $50.05 = $7,507.50) the book's one-day 99 % VaR would be $1,234.56 ($120.50 without it), " +
        '1.23% of equity $100,000.00, above the 0.5% limit ($500.00); bootstrap of 5000 paths, seed 4242, joint daily returns of 120 sessions 2026-06-22 to 2026-12-07.',
    );
  });

  it('book_over_limit: says the book is already over and no new risk is taken', () => {
    const s = describeRefusal('var', 'book_over_limit', { ...N, varBefore: 800, varBeforePct: 0.8, varAfter: 900, varPct: 0.9 });
    expect(s).toBe(
      "Order refused by the value-at-risk limit: the open book's one-day 99 % VaR is already $800.00, 0.8% of equity $100,000.00, above the 0.5% limit ($500.00), " +
        'so no new risk is taken (with this order, 150 sh × $50.05 = $7,507.50, it would be $900.00, 0.9%); bootstrap of 5000 paths, seed 4242, joint daily returns of 120 sessions 2026-06-22 to 2026-12-07.',
    );
  });

  it('a refusal recorded without a figure the sentence needs gets the short form naming the gate', () => {
    const { seed: _seed, ...partial } = N;
    expect(describeRefusal('var', 'max_var', partial)).toBe('Order refused by the value-at-risk limit (max_var).');
  });

  it('dates travel as yyyymmdd numbers and come back', () => {
    expect(dateToNumber('2026-01-05')).toBe(20260105);
    expect(dateFromNumber(20260105)).toBe('2026-01-05');
    expect(dateToNumber(null)).toBe(0);
  });
});
