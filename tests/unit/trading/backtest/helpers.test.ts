import { describe, expect, it } from 'vitest';
import { monthlyReturns, monthlyReturnsChart, backtestEquityChart, thinIndices } from '../../../../src/bot/charts/backtest-charts.js';
import { walkForwardGrid, WALK_FORWARD_GRIDS } from '../../../../src/trading/backtest/grid.js';
import { keyOfJobId, jobIdBase, cancelFlagKey, backtestKeys } from '../../../../src/jobs/handlers/backtest-job.js';
import { ackText, joinedText, overallFraction, progressBar, progressText } from '../../../../src/bot/views/backtest-messages.js';
import { buildRequest } from '../../../../src/trading/backtest/request.js';
import { DONCHIAN_DEFAULTS, TURTLE_SOUP_DEFAULTS } from '../../../../src/engine/strategies/index.js';
import { validateSpec } from '../../../../src/adapters/charts/validate.js';

describe('walk-forward grid', () => {
  it('is 3 lookbacks × 4 stop multiples = 12 points per strategy', () => {
    const g = walkForwardGrid('donchian', { ...DONCHIAN_DEFAULTS });
    expect(g.keys).toEqual(['lookback', 'stopAtrMult']);
    expect(g.points).toHaveLength(12);
    expect(g.points.map((p) => `${String(p.lookback)}/${String(p.stopAtrMult)}`)).toEqual(
      WALK_FORWARD_GRIDS.donchian.lookback!.flatMap((l) => WALK_FORWARD_GRIDS.donchian.stopAtrMult!.map((m) => `${l}/${m}`)),
    );
    expect(g.points.every((p) => p.smaPeriod === 200)).toBe(true);
    expect(walkForwardGrid('turtle_soup', { ...TURTLE_SOUP_DEFAULTS }).points).toHaveLength(12);
  });

  it('holds a grid key fixed when the user changed it, and drops invalid combinations', () => {
    const fixed = walkForwardGrid('donchian', { ...DONCHIAN_DEFAULTS, lookback: 30 });
    expect(fixed.keys).toEqual(['stopAtrMult']);
    expect(fixed.points.map((p) => p.lookback)).toEqual([30, 30, 30, 30]);
    const ts = walkForwardGrid('turtle_soup', { ...TURTLE_SOUP_DEFAULTS, minBarsSinceLow: 15 });
    expect(ts.points).toHaveLength(8);
    expect(ts.dropped).toHaveLength(4);
    expect(ts.dropped[0]).toMatch(/lookback=10/);
  });
});

describe('charts', () => {
  it('monthly returns compound back to the total', () => {
    const dates = ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-29', '2024-03-01'];
    const equity = [100, 110, 99, 121, 133.1];
    const m = monthlyReturns(dates, equity);
    expect(m.map((x) => x.month)).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(m[0]!.ret).toBeCloseTo(0.1, 12);
    expect(m[1]!.ret).toBeCloseTo(0.1, 12);
    expect(m.reduce((a, x) => a * (1 + x.ret), 1)).toBeCloseTo(1.331, 12);
  });

  it('thins long curves but keeps the extremes', () => {
    const values = Array.from({ length: 5000 }, (_, i) => 100 + Math.sin(i / 50) * 10 + (i === 3333 ? -60 : 0));
    const keep = thinIndices(values, 600);
    expect(keep.length).toBeLessThanOrEqual(602);
    expect(keep[0]).toBe(0);
    expect(keep[keep.length - 1]).toBe(4999);
    expect(keep).toContain(3333);
    expect(thinIndices([1, 2, 3], 600)).toEqual([0, 1, 2]);
  });

  it('builds valid specs with the DEMO watermark', () => {
    const dates = Array.from({ length: 900 }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    const curves = { dates, equity: dates.map((_, i) => 100_000 + i * 10), benchmark: { symbol: 'SPY', equity: dates.map((_, i) => 100_000 + i * 20) } };
    const eq = backtestEquityChart(curves, { title: 't', demo: true });
    expect(validateSpec(eq)).toBeTruthy();
    expect(eq.watermark).toBe('DEMO');
    expect(eq.series.map((s) => s.name)).toEqual(['Equity', 'SPY buy & hold']);
    expect(eq.lowerPanel?.label).toBe('Drawdown %');
    const mo = monthlyReturnsChart(curves, { title: 't', demo: false });
    expect(validateSpec(mo)).toBeTruthy();
    expect(mo.watermark).toBeUndefined();
    expect(mo.labels[0]).toBe('2020-01');
  });
});

describe('job ids, keys and messages', () => {
  it('derives job ids from the request key', () => {
    const key = 'a'.repeat(20);
    expect(jobIdBase(key)).toBe(`bt-${key}`);
    expect(keyOfJobId(`bt-${key}-3`)).toBe(key);
    expect(keyOfJobId('tg-123')).toBeNull();
    expect(cancelFlagKey('cs', 'bt-x-1')).toBe('cs:backtest:cancel:bt-x-1');
    expect(backtestKeys('cs', key).inflight).toBe(`cs:backtest:inflight:${key}`);
  });

  it('acks name the strategy and the symbol count', () => {
    const r = buildRequest({ strategies: ['donchian'], symbols: ['SPY', 'GL', 'RVLV'] });
    expect(ackText(r)).toBe('⏳ Backtesting donchian on 3 symbols…');
    expect(ackText(buildRequest({ strategies: ['donchian', 'turtle_soup'], from: '2020-01-01' }))).toBe(
      '⏳ Backtesting donchian + turtle_soup on the default universe (2020-01-01 → end)…',
    );
    expect(joinedText(r)).toMatch(/joined/);
    expect(progressText(r, { phase: 'signals', done: 1, total: 3 })).toMatch(/signals 1\/3/);
  });

  it('progress is monotone across phases', () => {
    const seq = [
      overallFraction({ phase: 'data', done: 5, total: 10 }),
      overallFraction({ phase: 'signals', done: 1, total: 10 }),
      overallFraction({ phase: 'signals', done: 10, total: 10 }),
      overallFraction({ phase: 'portfolio', done: 1, total: 1 }),
      overallFraction({ phase: 'monte_carlo', done: 1, total: 1 }),
    ];
    expect([...seq].sort((a, b) => a - b)).toEqual(seq);
    expect(progressBar(0.5)).toBe('[█████░░░░░] 50%');
  });
});
