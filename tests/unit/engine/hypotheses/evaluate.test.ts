import { describe, expect, it } from 'vitest';
import { type Bar, type BarSeries, toSeries } from '../../../../src/engine/bars.js';
import { mulberry32 } from '../../../../src/engine/backtest/prng.js';
import { scoreRun, walkForward, windowOf } from '../../../../src/engine/backtest/walk-forward.js';
import { runPortfolio } from '../../../../src/engine/backtest/portfolio.js';
import type { HypothesisDefinition, HypothesisExits } from '../../../../src/engine/hypotheses/definition.js';
import {
  dailyFigures,
  evaluateHypothesis,
  evaluateHypothesisSteps,
  hypothesisWalkForwardSteps,
  INCUBATION_SIZING,
} from '../../../../src/engine/hypotheses/evaluate.js';
import type { HypothesisEvaluation } from '../../../../src/engine/hypotheses/evaluation-types.js';
import { hypothesisSignals } from '../../../../src/engine/hypotheses/signals.js';
import { incubate, trialStats } from '../../../../src/engine/hypotheses/trials.js';
import { type AnyPatternFamily, DOWN_CLOSES, RSI_OVERSOLD } from '../../../../src/engine/patterns/index.js';

const date = (d: number) => new Date(Date.UTC(2015, 0, 1 + d)).toISOString().slice(0, 10);

/**
 * One symbol's bars from a seeded PRNG: a ±1.5 % uniform daily walk with a
 * small drift. With `planted`, every third lower close in a row is followed
 * by three days of +0.8 % ± 1 %: an edge the down-closes family can find.
 */
function walk(rand: () => number, symbol: string, start: number, n: number, planted: boolean, skipEvery = 0): BarSeries {
  const rows: Bar[] = [];
  let prev = 40 + 60 * rand();
  let down = 0;
  let boost = 0;
  for (let i = 0; i < n; i++) {
    if (skipEvery > 0 && i % skipEvery === skipEvery - 1) continue; // gaps: a symbol missing some days
    const r = boost > 0 ? 0.008 + 0.02 * (rand() - 0.5) : 0.0003 + 0.03 * (rand() - 0.5);
    if (boost > 0) boost--;
    const open = prev * (1 + 0.004 * (rand() - 0.5));
    const close = prev * (1 + r);
    const high = Math.max(open, close) * (1 + 0.004 * rand());
    const low = Math.min(open, close) * (1 - 0.004 * rand());
    down = close < prev ? down + 1 : 0;
    if (planted && down >= 3) {
      boost = 3;
      down = 0;
    }
    rows.push({ date: date(start + i), open, high, low, close, volume: 1e5 });
    prev = close;
  }
  return toSeries(symbol, rows);
}

function universe(seed: number, symbols: number, bars: number, planted: boolean): BarSeries[] {
  const rand = mulberry32(seed);
  return Array.from({ length: symbols }, (_, k) => walk(rand, `S${String(k).padStart(2, '0')}`, 0, bars, planted));
}

const EXITS: HypothesisExits = { atrPeriod: 14, stopAtr: 2, timeStopBars: 3, targetAtr: null };

function definition(family: 'down_closes' | 'rsi_oversold', centre: Record<string, number>, grid: Record<string, string[]>): HypothesisDefinition {
  return { family, market: 'US', centre, grid, exits: EXITS };
}

describe('hypothesis walk-forward fast path', () => {
  it('trades exactly what walkForward does when it recomputes signals on each window history', () => {
    const family = RSI_OVERSOLD as unknown as AnyPatternFamily;
    const grid = [
      RSI_OVERSOLD.resolveParams({ rsiPeriod: 2, maxRsi: 10, smaPeriod: 20 }),
      RSI_OVERSOLD.resolveParams({ rsiPeriod: 2, maxRsi: 25, smaPeriod: 50 }),
      RSI_OVERSOLD.resolveParams({ rsiPeriod: 3, maxRsi: 20, smaPeriod: 10 }),
    ];
    const exits: HypothesisExits = { atrPeriod: 10, stopAtr: 1.5, timeStopBars: 4, targetAtr: 2 };
    for (const seed of [1, 7, 42]) {
      const rand = mulberry32(seed);
      // Staggered starts, an early end and gaps: windows then hold different subsets of the universe.
      const series = [
        walk(rand, 'AAA', 0, 420, seed % 2 === 0),
        walk(rand, 'BBB', 90, 330, false),
        walk(rand, 'CCC', 0, 250, true),
        walk(rand, 'DDD', 30, 390, false, 7),
        walk(rand, 'EEE', 200, 220, true),
      ];
      const def = { ...definition('rsi_oversold', grid[0]!, {}), exits };
      const opts = { series, definition: def, grid, trainBars: 120, testBars: 40, stepBars: 50, initialCash: 50_000 };
      const steps = hypothesisWalkForwardSteps(opts);
      let r = steps.next();
      while (!r.done) r = steps.next();
      const fast = r.value;
      const ref = walkForward({
        series,
        grid,
        signalFn: (s, p: object) => hypothesisSignals(s, family, p, exits),
        objective: 'sharpe',
        trainBars: 120,
        testBars: 40,
        stepBars: 50,
        backtest: { sizing: INCUBATION_SIZING, initialCash: 50_000 },
      });
      expect(ref.trades.length).toBeGreaterThan(10);
      expect(fast.trades).toEqual(ref.trades);
      expect(fast.dates).toEqual(ref.dates);
      expect(Array.from(fast.equity)).toEqual(Array.from(ref.equity));
      expect(fast.windows.map((w) => [w.chosenIndex, w.trainScores])).toEqual(ref.windows.map((w) => [w.chosenIndex, w.trainScores]));
      // and the summary is that result, as plain data
      const ev = evaluateHypothesis(opts);
      expect(ev.equity).toEqual({ dates: ref.dates, values: Array.from(ref.equity) });
      expect(ev.figures.oosTrades).toBe(ref.trades.length);
      expect(ev.figures.sharpe).toBe(ref.metrics.sharpe);
      expect(ev.windows.map((w) => [w.testStart, w.chosenIndex, w.testTrades])).toEqual(ref.windows.map((w) => [w.testStart, w.chosenIndex, w.testTrades.length]));
      // PAPER and LIVE trade the choice of the LATEST training window: the last trainBars sessions of the data.
      const cal = [...new Set(series.flatMap((s) => s.dates))].sort();
      const from = cal[cal.length - 120]!;
      const to = cal[cal.length - 1]!;
      const scores = grid.map((p) => {
        const window = windowOf(series, from, to);
        const signals = window.series.flatMap((w, i) => hypothesisSignals(series[window.index[i]!]!, family, p, exits).filter((x) => x.date >= from && x.date <= to));
        return scoreRun('sharpe', runPortfolio({ series: window.series, signals: [signals], startDate: from, endDate: to, sizing: INCUBATION_SIZING, initialCash: 50_000 }));
      });
      const best = scores.indexOf(Math.max(...scores));
      expect(ev.latestWindow).toEqual({ trainStart: from, trainEnd: to, chosenIndex: best, trainScores: scores.map((x) => (Number.isFinite(x) ? x : null)) });
      expect(ev.chosenIndex).toBe(best);
      expect(ev.chosenParams).toEqual(grid[best]);
      expect(ev.symbols).toBe(5);
      expect(JSON.parse(JSON.stringify(ev))).toEqual(ev);
    }
  });

  it('reports progress up to its total: a step per symbol, per grid point finished, per training run and window, per latest-window run', () => {
    const series = universe(3, 4, 400, false);
    const grid = [DOWN_CLOSES.resolveParams({ downCloses: 2, smaPeriod: 20 })];
    const steps = evaluateHypothesisSteps({ series, definition: definition('down_closes', grid[0]!, {}), grid, trainBars: 200, testBars: 50, stepBars: 50 });
    const seen: [number, number][] = [];
    let r = steps.next();
    while (!r.done) {
      seen.push([r.value.done, r.value.total]);
      r = steps.next();
    }
    // 4 symbols + ceil((400 − 200) / 50) = 4 windows
    expect(seen.every(([, total]) => total === 8)).toBe(true);
    expect([...new Set(seen.map(([done]) => done))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seen.every(([done], k) => k === 0 || done >= seen[k - 1]![0])).toBe(true);
    // Small steps, so a paused thread waits little: 4 symbols, 1 grid point finished, 4 × (1 training run + the window), 1 latest-window run.
    expect(seen).toHaveLength(4 + 1 + 4 * 2 + 1);
    expect(r.value.windows).toHaveLength(4);
  });

  it('daily figures: T returns, their Sharpe (sample sd) and moments', () => {
    const d = dailyFigures([100, 110, 99, 99, 108.9]);
    // returns 0.1, −0.1, 0, 0.1: mean 0.025, sample sd √(0.0275 / 3)
    expect(d.days).toBe(4);
    expect(d.sharpe).toBeCloseTo(0.025 / Math.sqrt(0.0275 / 3), 12);
    // deviations 0.075, −0.125, −0.025, 0.075: m₂ = 0.0275 / 4, m₃ = (2·0.075³ − 0.125³ − 0.025³) / 4, m₄ likewise
    const m2 = 0.0275 / 4;
    expect(d.skewness).toBeCloseTo((2 * 0.075 ** 3 - 0.125 ** 3 - 0.025 ** 3) / 4 / m2 ** 1.5, 10);
    expect(d.kurtosis).toBeCloseTo((2 * 0.075 ** 4 + 0.125 ** 4 + 0.025 ** 4) / 4 / m2 ** 2, 10);
    expect(dailyFigures([100, 100, 100])).toEqual({ days: 2, sharpe: null, skewness: null, kurtosis: null });
  });
});

describe('incubation of a planted edge and of random walks', () => {
  const dc = definition('down_closes', { downCloses: 3, smaPeriod: 50 }, { smaPeriod: ['20', '50'] });
  const grid = [DOWN_CLOSES.resolveParams({ downCloses: 3, smaPeriod: 20 }), DOWN_CLOSES.resolveParams({ downCloses: 3, smaPeriod: 50 })];

  it('a universe where three down closes are followed by a rally evaluates to PAPER', () => {
    const ev = evaluateHypothesis({ series: universe(11, 12, 700, true), definition: dc, grid });
    const out = incubate(ev, trialStats([ev.daily.sharpe!]));
    expect(out.deflated.sr0).toBe(0);
    expect(ev.figures.oosTrades).toBeGreaterThanOrEqual(30);
    expect(out.to).toBe('PAPER');
    expect(out.dsr).toBeGreaterThanOrEqual(0.95);
  });

  it('random walks with the same family evaluate to RETIRED, with reasons, deflated over every control evaluated', () => {
    const evs = [5, 6, 8].map((seed) => evaluateHypothesis({ series: universe(seed, 12, 700, false), definition: dc, grid }));
    const trials = trialStats(evs.map((ev) => ev.daily.sharpe!));
    for (const ev of evs) {
      const out = incubate(ev, trials);
      expect(out.deflated.sr0).toBeGreaterThan(0);
      expect(out.to).toBe('RETIRED');
      if (out.to === 'RETIRED') expect(out.reasons.length).toBeGreaterThan(0);
    }
  });
});

describe('trials and the deflated Sharpe ratio', () => {
  const base: HypothesisEvaluation = {
    figures: { oosTrades: 40, sharpe: 1.9, maxDrawdown: 0.08, profitFactor: 1.8, winRate: 0.5 },
    daily: { days: 250, sharpe: 0.12, skewness: -0.5, kurtosis: 4 },
    chosenIndex: 0,
    chosenParams: {},
    latestWindow: { trainStart: '2020-01-02', trainEnd: '2020-12-31', chosenIndex: 0, trainScores: [1] },
    windows: [],
    equity: { dates: [], values: [] },
    firstDate: '2020-01-01',
    lastDate: '2021-01-01',
    symbols: 1,
  };

  it('trialStats: N and the sample variance, 0 below two trials; refuses non-finite Sharpes', () => {
    expect(trialStats([])).toEqual({ n: 0, variance: 0 });
    expect(trialStats([0.3])).toEqual({ n: 1, variance: 0 });
    const s = trialStats([0.1, 0.2, 0.6]);
    expect(s.n).toBe(3);
    expect(s.variance).toBeCloseTo((0.04 + 0.01 + 0.09) / 2, 15);
    expect(() => trialStats([0.1, Number.NaN])).toThrow(/finite/);
  });

  it('SR₀ is 0 with fewer than two trials, so DSR = Φ(SR·√(T−1)/√(1 − γ₃·SR + (γ₄−1)/4·SR²))', () => {
    const out = incubate(base, { n: 1, variance: 0.5 });
    expect(out.deflated.sr0).toBe(0);
    const z = (0.12 * Math.sqrt(249)) / Math.sqrt(1 + 0.5 * 0.12 + 0.75 * 0.0144);
    expect(out.deflated.z).toBeCloseTo(z, 12);
    expect(out.to).toBe('PAPER');
  });

  it('matches the formula recomputed by hand for N = 10, V = 0.001', () => {
    // Φ⁻¹(1 − 1/10) and Φ⁻¹(1 − 1/(10e)), and Φ of the final z, from Python's statistics.NormalDist.
    const q1 = 1.2815515655446008;
    const q2 = 1.7892417645816279;
    const gamma = 0.5772156649015329;
    const sr0 = Math.sqrt(0.001) * ((1 - gamma) * q1 + gamma * q2);
    const z = ((0.12 - sr0) * Math.sqrt(250 - 1)) / Math.sqrt(1 - -0.5 * 0.12 + ((4 - 1) / 4) * 0.12 * 0.12);
    const out = incubate(base, { n: 10, variance: 0.001 });
    expect(out.deflated.sr0).toBeCloseTo(sr0, 12);
    expect(out.deflated.z).toBeCloseTo(z, 10);
    expect(out.deflated.dsr).toBeCloseTo(0.8578240160850863, 9);
    expect(out.dsr).toBe(out.deflated.dsr);
    // 0.858 < 0.95: the deflation alone retires it
    expect(out.to).toBe('RETIRED');
    if (out.to === 'RETIRED') expect(out.reasons).toEqual(['deflated_sharpe_too_low']);
  });

  it('DSR is null (and fails) without a daily Sharpe', () => {
    const out = incubate({ ...base, daily: { days: 300, sharpe: null, skewness: null, kurtosis: null } }, { n: 3, variance: 0.01 });
    expect(out.deflated).toMatchObject({ dsr: null, undefinedReason: 'not_finite', z: null });
    expect(out.deflated.sr0).toBeGreaterThan(0);
    expect(out.to).toBe('RETIRED');
  });
});
