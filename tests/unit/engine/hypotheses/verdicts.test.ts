import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  incubationVerdict,
  type IncubationFailure,
  type IncubationFigures,
} from '../../../../src/engine/hypotheses/incubation-verdict.js';
import { liveReview, type LiveFigures } from '../../../../src/engine/hypotheses/live-review.js';
import { paperReview, type PaperFigures } from '../../../../src/engine/hypotheses/paper-review.js';

const EPS = 1e-9;

describe('incubationVerdict', () => {
  // Every figure exactly at its limit: inside.
  const edge: IncubationFigures = { oosTrades: 30, sharpe: 1.0, maxDrawdown: 0.15, profitFactor: 1.5, winRate: 0.4 };

  it('passes to PAPER with every figure exactly at its limit', () => {
    const v = incubationVerdict(edge, 0.95);
    expect(v.to).toBe('PAPER');
    expect(v.checks.every((c) => c.pass)).toBe(true);
    expect(v.figures).toEqual(edge);
    expect(v.dsr).toBe(0.95);
  });

  it.each<[IncubationFailure, Partial<IncubationFigures>, number]>([
    ['too_few_trades', { oosTrades: 29 }, 0.95],
    ['sharpe_too_low', { sharpe: 1.0 - EPS }, 0.95],
    ['drawdown_too_deep', { maxDrawdown: 0.15 + EPS }, 0.95],
    ['profit_factor_too_low', { profitFactor: 1.5 - EPS }, 0.95],
    ['win_rate_too_low', { winRate: 0.4 - EPS }, 0.95],
    ['deflated_sharpe_too_low', {}, 0.95 - EPS],
  ])('retires with %s just outside its limit', (reason, change, dsr) => {
    const v = incubationVerdict({ ...edge, ...change }, dsr);
    expect(v).toMatchObject({ to: 'RETIRED', reasons: [reason] });
    const failed = v.checks.find((c) => !c.pass)!;
    expect(failed.rule).toBe(reason);
  });

  it('lists every failed reason, and a missing figure fails', () => {
    const v = incubationVerdict({ oosTrades: 0, sharpe: null, maxDrawdown: 0.4, profitFactor: null, winRate: 0 }, null);
    expect(v).toMatchObject({
      to: 'RETIRED',
      reasons: [
        'too_few_trades',
        'sharpe_too_low',
        'drawdown_too_deep',
        'profit_factor_too_low',
        'win_rate_too_low',
        'deflated_sharpe_too_low',
      ],
    });
  });

  it('passes an infinite profit factor (no losing trade)', () => {
    expect(incubationVerdict({ ...edge, profitFactor: Infinity }, 0.99).to).toBe('PAPER');
  });
});

describe('paperReview', () => {
  const edge: PaperFigures = { closedTrades: 20, sharpe: 0.75, maxDrawdown: 0.1, profitFactor: 1.3 };

  it('is a promotion candidate at every limit exactly, asked at once the first time', () => {
    const r = paperReview(edge, 30, null);
    expect(r).toMatchObject({ verdict: 'PROMOTION_CANDIDATE', qualifies: true, ask: true, nextAskAtSession: 30 });
  });

  it.each<[string, Partial<PaperFigures>, number]>([
    ['too_few_sessions', {}, 29],
    ['too_few_trades', { closedTrades: 19 }, 30],
    ['sharpe_too_low', { sharpe: 0.75 - EPS }, 30],
    ['drawdown_too_deep', { maxDrawdown: 0.1 + EPS }, 30],
    ['profit_factor_too_low', { profitFactor: 1.3 - EPS }, 30],
  ])('does not qualify with %s just outside, and stays', (rule, change, sessions) => {
    const r = paperReview({ ...edge, ...change }, sessions, null);
    expect(r).toMatchObject({ verdict: 'STAY', qualifies: false });
    expect(r.checks.filter((c) => !c.pass).map((c) => c.rule)).toEqual([rule]);
  });

  it('after a Keep asks again only 10 sessions later', () => {
    expect(paperReview(edge, 39, 30)).toMatchObject({ verdict: 'PROMOTION_CANDIDATE', ask: false, nextAskAtSession: 40 });
    expect(paperReview(edge, 40, 30)).toMatchObject({ verdict: 'PROMOTION_CANDIDATE', ask: true, nextAskAtSession: 40 });
  });

  it('retires a non-qualifying one from session 90, not before', () => {
    const weak = { ...edge, sharpe: 0.2 };
    expect(paperReview(weak, 89, null).verdict).toBe('STAY');
    expect(paperReview(weak, 90, null)).toMatchObject({ verdict: 'RETIRE', reason: 'not_qualified_within_sessions' });
  });

  it('never retires a qualifying one by the 90-session rule', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: 5000 }),
        fc.option(fc.integer({ min: 30, max: 5000 }), { nil: null }),
        fc.integer({ min: 20, max: 500 }),
        fc.double({ min: 0.75, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        fc.double({ min: 1.3, max: 10, noNaN: true }),
        (sessions, asked, trades, sharpe, dd, pf) => {
          const r = paperReview({ closedTrades: trades, sharpe, maxDrawdown: dd, profitFactor: pf }, sessions, asked);
          expect(r.verdict).toBe('PROMOTION_CANDIDATE');
        },
      ),
    );
  });

  it('retires at paper DD above 15 % at any session, not at 15 % exactly', () => {
    expect(paperReview({ ...edge, maxDrawdown: 0.15 + EPS }, 5, null)).toMatchObject({
      verdict: 'RETIRE',
      reason: 'paper_drawdown_over_limit',
    });
    expect(paperReview({ ...edge, maxDrawdown: 0.15 }, 5, null).verdict).toBe('STAY');
    expect(paperReview({ ...edge, maxDrawdown: null, sharpe: null }, 5, null).verdict).toBe('STAY');
  });
});

describe('liveReview', () => {
  // Each figure exactly at the edge of keeping.
  const edge: LiveFigures = { rollingSharpe: 0.5, rollingTrades: 10, drawdown: 10, allocationCap: 100, lossStreak: 4 };

  it('keeps at every limit exactly', () => {
    expect(liveReview(edge)).toMatchObject({ verdict: 'KEEP', sharpeRuleApplies: true });
  });

  it.each<[string, Partial<LiveFigures>]>([
    ['rolling_sharpe_too_low', { rollingSharpe: 0.5 - EPS }],
    ['drawdown_over_cap_share', { drawdown: 10 + 1e-6 }],
    ['loss_streak', { lossStreak: 5 }],
  ])('demotes with %s just outside', (reason, change) => {
    expect(liveReview({ ...edge, ...change })).toMatchObject({ verdict: 'DEMOTE', reasons: [reason] });
  });

  it('ignores a low rolling Sharpe with fewer than 10 trades, or no Sharpe', () => {
    expect(liveReview({ ...edge, rollingSharpe: -3, rollingTrades: 9 })).toMatchObject({
      verdict: 'KEEP',
      sharpeRuleApplies: false,
    });
    expect(liveReview({ ...edge, rollingSharpe: null })).toMatchObject({ verdict: 'KEEP', sharpeRuleApplies: false });
  });

  it('demotes on any drawdown when the cap is 0, and lists every reason', () => {
    expect(liveReview({ ...edge, allocationCap: 0, drawdown: 1 })).toMatchObject({
      verdict: 'DEMOTE',
      reasons: ['drawdown_over_cap_share'],
    });
    expect(liveReview({ rollingSharpe: 0, rollingTrades: 12, drawdown: 50, allocationCap: 100, lossStreak: 7 })).toMatchObject({
      verdict: 'DEMOTE',
      reasons: ['rolling_sharpe_too_low', 'drawdown_over_cap_share', 'loss_streak'],
    });
  });
});
