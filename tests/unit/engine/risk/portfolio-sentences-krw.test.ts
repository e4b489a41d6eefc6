/**
 * The portfolio gates' refusals of a KR entry (issue 15): the value-at-risk and correlation
 * sentences word their amounts in whole won when the numbers carry `krw: 1` (as the gates add for a
 * KR candidate), with no "$"; without it they are the dollar sentences they always were.
 */
import { describe, expect, it } from 'vitest';
import { describeRefusal } from '../../../../src/engine/risk/refusal-sentences.js';
import { correlationResult } from '../../../../src/engine/risk/correlation-refusal.js';

const VAR = { qty: 10, price: 36_500, candidateValue: 365_000, varBefore: 12_000, varAfter: 61_234, equity: 10_000_000, varPct: 0.61234, varBeforePct: 0.12, varLimitPct: 0.5, limitUsd: 50_000, paths: 5000, seed: 4242, days: 120, firstDate: 20260622, lastDate: 20261207 };

describe('portfolio refusals in won', () => {
  it('max_var of a KR entry: every amount in whole won, the percentages as before', () => {
    const s = describeRefusal('var', 'max_var', { ...VAR, krw: 1 });
    expect(s).toBe(
      "Order refused by the value-at-risk limit: with this order (10 sh × ₩36,500 = ₩365,000) the book's one-day 99 % VaR would be ₩61,234 (₩12,000 without it), " +
        '0.61% of equity ₩10,000,000, above the 0.5% limit (₩50,000); bootstrap of 5000 paths, seed 4242, joint daily returns of 120 sessions 2026-06-22 to 2026-12-07.',
    );
    expect(s).not.toContain('$');
    // Without the figure: dollars, as for every US refusal.
    expect(describeRefusal('var', 'max_var', VAR)).toContain('$36,500.00');
  });

  it('the correlation refusal of a KR candidate carries krw: 1 and reads in won; a US one is unchanged', () => {
    const verdict = { breaches: true, riskBefore: 150_000, candidateRisk: 60_000, riskAfter: 210_000, riskAfterPct: 2.1, cluster: [{ symbol: '102110', rho: 0.93 }], unmeasured: [] };
    const limit = { corrLimit: 0.7, maxClusterRiskPct: 2, equity: 10_000_000 };
    const kr = correlationResult(verdict as never, limit as never, 'KRW');
    expect(kr.ok).toBe(false);
    if (kr.ok) return;
    expect(kr.numbers.krw).toBe(1);
    expect(kr.reason).toContain('their open risk ₩150,000 + this order\'s ₩60,000 = ₩210,000, 2.1% of equity ₩10,000,000');
    expect(kr.reason).not.toContain('$');
    const us = correlationResult(verdict as never, limit as never);
    if (us.ok) throw new Error('expected a refusal');
    expect(us.numbers.krw).toBeUndefined();
    expect(us.reason).toContain('$150,000.00');
  });
});
