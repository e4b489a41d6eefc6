/**
 * A KR approve refused by a gate (issue 15): the chat reply names the figures in whole won, drops the
 * currency marker, says the KR budgets and the Seoul trading day, and has no "$"; a US refusal of
 * the same figures keeps its dollar wording.
 */
import { describe, expect, it } from 'vitest';
import { fillConfirmation } from '../../../../src/bot/views/fill-view.js';
import type { ExecutionOutcome } from '../../../../src/trading/execution/execute.js';

type Refused = Extract<ExecutionOutcome, { kind: 'refused' }>;

function refused(symbol: string, numbers: Record<string, number>): Refused {
  return { kind: 'refused', approvalId: 'a', pickId: 'p1', symbol, gate: 'policy', reason: { code: 'gate', gate: 'policy', limit: 'daily_budget', numbers }, numbers } as Refused;
}

describe('a refused KR approve', () => {
  it('reads in whole won with the KR next step; no "$", no krw marker', () => {
    const n = { spentToday: 990_000, notional: 70_000, total: 1_060_000, dailyBudget: 1_000_000, remaining: 10_000, krw: 1 };
    const text = fillConfirmation(refused('069500', n)).text.text;
    expect(text).toContain('Numbers: spent today ₩990,000 · notional ₩70,000 · total ₩1,060,000 · daily budget ₩1,000,000 · remaining ₩10,000');
    expect(text).toContain('next KRX trading day (Seoul)');
    expect(text).not.toContain('$');
    expect(text).not.toMatch(/\bkrw\b/);
    const { krw: _krw, ...usNumbers } = n;
    const us = fillConfirmation(refused('ABC', usNumbers)).text.text;
    expect(us).toContain('spent today $990,000.00');
    expect(us).toContain('next New York trading day');
  });

  it('a KR per-order budget refusal names EXEC_PER_ORDER_BUDGET_KR', () => {
    const n = { qty: 10, price: 36_500, notional: 365_000, perOrderBudget: 100_000, maxQty: 2, krw: 1 };
    const r = { ...refused('069500', n), reason: { code: 'gate', gate: 'policy', limit: 'per_order_budget', numbers: n } } as Refused;
    const text = fillConfirmation(r).text.text;
    expect(text).toContain('EXEC_PER_ORDER_BUDGET_KR');
    expect(text).toContain('price ₩36,500');
    expect(text).not.toContain('$');
  });

  it('a KR liquidity refusal labels traded value, not dollar volume; a VaR refusal shows its bootstrap as counts and dates', () => {
    const liq = { dollarAdv: 900_000_000, minDollarAdv: 1_000_000_000, krw: 1 };
    const l = { kind: 'refused', approvalId: 'a', pickId: 'p1', symbol: '069500', gate: 'liquidity', reason: { code: 'gate', gate: 'liquidity', limit: 'min_dollar_adv', numbers: liq }, numbers: liq } as Refused;
    const lt = fillConfirmation(l).text.text;
    expect(lt).toContain('Numbers: avg daily traded value ₩900,000,000 · min avg daily traded value ₩1,000,000,000');
    expect(lt).not.toContain('$');
    const v = { qty: 10, price: 36_500, candidateValue: 365_000, varBefore: 12_000, varAfter: 61_234, equity: 10_000_000, varPct: 0.61234, varBeforePct: 0.12, varLimitPct: 0.5, limitUsd: 50_000, paths: 5000, seed: 42, days: 120, firstDate: 20260622, lastDate: 20261207, krw: 1 };
    const r = { kind: 'refused', approvalId: 'a', pickId: 'p1', symbol: '069500', gate: 'var', reason: { code: 'gate', gate: 'var', limit: 'max_var', numbers: v }, numbers: v } as Refused;
    const vt = fillConfirmation(r).text.text;
    expect(vt).toContain('VaR limit ₩50,000');
    expect(vt).toContain('paths 5000 · seed 42 · days 120 · from 2026-06-22 · to 2026-12-07');
    expect(vt).not.toContain('$');
    expect(vt).not.toMatch(/usd/i);
  });
});
