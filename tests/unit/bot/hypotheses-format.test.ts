/**
 * How /hypotheses and /hypothesis word their numbers: every number shown recomputes from the
 * numbers shown (a check's ✅/❌ agrees with the shown actual and limit; the counts add up to the
 * total; the equity's percentage follows from its two ends), and the empty state says so.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, type CheckOp } from '../../../src/engine/hypotheses/checks.js';
import { incubationVerdict, type IncubationFailure } from '../../../src/engine/hypotheses/incubation-verdict.js';
import { STATE_CAPS_PER_MARKET } from '../../../src/engine/hypotheses/states.js';
import { checkActual, checkLine, limitText, RULE_FIGURES, type FigureUnit } from '../../../src/bot/views/hypotheses-format.js';
import { countsLine, equityLine, hypothesesOverviewText, hypothesisDetailText, hypothesisUnknownText } from '../../../src/bot/views/hypotheses-view.js';
import { hypothesisEquityChart, lifecycleChart } from '../../../src/bot/views/hypotheses-charts.js';
import type { HypothesesOverview, HypothesisDetail, MarketOverview } from '../../../src/trading/hypotheses/views.js';

const OPS: Record<string, CheckOp> = { '≥': '>=', '≤': '<=', '>': '>', '<': '<' };

/** A number as a check line shows it, back in the figure's own scale. */
function parseShown(text: string, unit: FigureUnit): number {
  if (text === '∞') return Infinity;
  const n = Number(text.replace('%', ''));
  return unit === 'percent' ? n / 100 : n;
}

/** The comparison a check line states, recomputed from its own text. */
function lineHolds(line: string, unit: FigureUnit): { pass: boolean; holds: boolean } {
  const m = /^(✅|❌) .+? (\S+) (≥|≤|>|<) (\S+)$/.exec(line);
  if (!m) throw new Error(`not a check line: ${line}`);
  const a = parseShown(m[2]!, unit);
  const b = parseShown(m[4]!, unit);
  const op = OPS[m[3]!]!;
  const holds = op === '>=' ? a >= b : op === '<=' ? a <= b : op === '>' ? a > b : a < b;
  return { pass: m[1] === '✅', holds };
}

describe('check lines', () => {
  it('the shown actual compares with the shown limit exactly as the check did, for any value near the limit (property)', () => {
    const units: FigureUnit[] = ['ratio', 'percent', 'probability'];
    fc.assert(
      fc.property(
        fc.constantFrom(...units),
        fc.constantFrom<CheckOp>('>=', '<=', '>', '<'),
        // Limits as rules set them, with up to 4 decimals (the rules' own are 30, 1.0, 15 %, 1.5, 40 %, 0.95)…
        fc.integer({ min: 1, max: 50_000 }).map((n) => n / 10_000),
        // …and actuals on it or off it by as little as a display can tell apart.
        fc.oneof(fc.constant(0), fc.double({ min: 1e-9, max: 1e-3, noNaN: true }), fc.double({ min: -1e-3, max: -1e-9, noNaN: true })),
        (unit, op, limit, delta) => {
          const c = check<IncubationFailure>('sharpe_too_low', limit + delta, op, limit);
          const shown = checkActual(c, unit);
          const line = `${c.pass ? '✅' : '❌'} x ${shown} ${Object.keys(OPS).find((k) => OPS[k] === op)} ${limitText(limit, unit)}`;
          const r = lineHolds(line, unit);
          return r.holds === r.pass;
        },
      ),
      { numRuns: 500, seed: 14 },
    );
  });

  it('shows more decimals only when rounding would flip the verdict: 15.01 % fails "≤ 15.0 %", 12.5 % stays 12.5 %', () => {
    expect(checkActual(check('drawdown_too_deep', 0.1501, '<=', 0.15), 'percent')).toBe('15.01%');
    expect(checkActual(check('drawdown_too_deep', 0.125, '<=', 0.15), 'percent')).toBe('12.5%');
    expect(checkActual(check('deflated_sharpe_too_low', 0.9499, '>=', 0.95), 'probability')).toBe('0.9499');
    expect(checkActual(check('profit_factor_too_low', Infinity, '>=', 1.5), 'ratio')).toBe('∞');
    expect(checkActual(check('sharpe_too_low', null, '>=', 1), 'ratio')).toBe('—');
  });

  it('every line of a real verdict recomputes from its own text', () => {
    const v = incubationVerdict({ oosTrades: 29, sharpe: 1.004, maxDrawdown: 0.15004, profitFactor: Infinity, winRate: 0.39996 }, 0.95);
    for (const c of v.checks) {
      const line = checkLine(c);
      const r = lineHolds(line, RULE_FIGURES[c.rule].unit);
      expect(r.pass).toBe(c.pass);
      expect(r.holds, line).toBe(c.pass);
    }
    expect(v.checks.map((c) => c.pass)).toEqual([false, true, false, true, false, true]);
  });
});

function market(counts: [number, number, number, number], lastRun: MarketOverview['lastRun'] = null): MarketOverview {
  const states = ['INCUBATING', 'PAPER', 'LIVE', 'RETIRED'] as const;
  return {
    market: 'US',
    counts: states.map((state, i) => ({ state, count: counts[i]!, cap: state === 'RETIRED' ? null : STATE_CAPS_PER_MARKET[state] })),
    total: counts.reduce((a, b) => a + b, 0),
    top: {
      INCUBATING: counts[0] ? [{ id: 'h00000001', market: 'US', family: 'momentum', familyTitle: 'N-day momentum', state: 'INCUBATING', version: 1, key: { kind: 'waiting', since: '2026-12-04' } }] : [],
      PAPER: counts[1] ? [{ id: 'h00000002', market: 'US', family: 'ibs_low', familyTitle: 'IBS low', state: 'PAPER', version: 2, key: { kind: 'sharpe', source: 'oos', value: 1.8349 } }] : [],
      LIVE: [],
      RETIRED: counts[3] ? [{ id: 'h00000003', market: 'US', family: 'ma_cross', familyTitle: null, state: 'RETIRED', version: 2, key: { kind: 'retired', reason: 'too_few_trades', session: '2026-12-05' } }] : [],
    },
    lastRun,
  };
}

describe('/hypotheses text', () => {
  it('counts per state with caps add up to the total shown, and match the chart labels', () => {
    const m = market([12, 3, 0, 7], { session: '2026-12-04', proposed: 10, waiting: null, at: new Date('2026-12-04T21:30:00Z') });
    const line = countsLine(m);
    expect(line).toBe('INCUBATING 12/50 · PAPER 3/10 · LIVE 0/3 · RETIRED 7 = 22 hypotheses');
    const nums = [...line.matchAll(/([A-Z]+) (\d+)(?:\/\d+)?/g)].map((x) => Number(x[2]));
    expect(nums.reduce((a, b) => a + b, 0)).toBe(Number(/= (\d+)/.exec(line)![1]));
    const o: HypothesesOverview = { markets: [m], topPerState: 3, nextRun: { at: new Date('2026-12-07T21:45:00Z'), sessionDate: '2026-12-07', slot: 'hypotheses' } };
    const text = hypothesesOverviewText(o).text;
    expect(text).toContain(line);
    expect(text).toMatch(/PAPER \(top 1 of 3, best Sharpe first\):\n {2}h00000002 · IBS low · Sharpe 1.83 \(OOS\)/);
    expect(text).toMatch(/INCUBATING \(top 1 of 12, oldest first\):\n {2}h00000001 · N-day momentum · waiting since 2026-12-04/);
    // A family no longer registered is named by its id, never by a made-up title.
    expect(text).toMatch(/h00000003 · ma_cross · retired 2026-12-05: too few trades/);
    expect(text).not.toMatch(/LIVE \(/);
    expect(text).toMatch(/Generator: last ran for 2026-12-04, proposed 10; next run 2026-12-07 16:45 ET \(session [^)]*\)/);
    const chart = lifecycleChart(o)!;
    expect(chart.values).toEqual([12, 3, 0, 7]);
    expect(chart.labels).toEqual(['US INCUBATING 12/50', 'US PAPER 3/10', 'US LIVE 0/3', 'US RETIRED 7']);
  });

  it('a full INCUBATING cap says the generator waits and why', () => {
    const m = market([50, 0, 0, 0], { session: '2026-12-04', proposed: 0, waiting: { reason: 'incubating_cap_full', cap: 50, count: 50 }, at: new Date() });
    expect(hypothesesOverviewText({ markets: [m], topPerState: 3, nextRun: null }).text).toMatch(/proposed 0 \(waiting: INCUBATING is full \(50\/50\)\); next run not scheduled \(SCHEDULE_HYPOTHESES empty or the scheduler off\)/);
  });

  it('empty: says none yet and when the generator runs; no chart', () => {
    const o: HypothesesOverview = { markets: [], topPerState: 3, nextRun: { at: new Date('2026-12-14T21:45:00Z'), sessionDate: '2026-12-14', slot: 'hypotheses' } };
    const text = hypothesesOverviewText(o).text;
    expect(text).toMatch(/None yet\. The generator proposes up to 10 per market once per session; its next run 2026-12-14 16:45 ET \(session [^)]*\)\./);
    expect(lifecycleChart(o)).toBeNull();
  });
});

describe('/hypothesis text', () => {
  const base: HypothesisDetail = {
    id: 'h0badcafe',
    hash: 'x',
    manifest: null,
    market: 'US',
    family: 'momentum',
    familyTitle: 'N-day momentum',
    centre: { lookback: 10, minChangePct: 5 },
    grid: { lookback: ['5', '10', '15'] },
    exits: { atrPeriod: 14, stopAtr: 2, timeStopBars: 20, targetAtr: null },
    fixedParams: null,
    state: 'INCUBATING',
    version: 1,
    proposedSession: '2026-12-04',
    stateSince: new Date('2026-12-04T21:30:00Z'),
    stateSinceSession: '2026-12-04',
    retiredReason: null,
    evaluation: null,
    transitions: [{ from: null, to: 'INCUBATING', event: 'proposed', actor: 'generator', at: new Date('2026-12-04T21:30:00Z'), figures: { session: '2026-12-04' } }],
    equity: null,
  };

  it('before evaluation: the definition, state and version, the proposal, and no figures invented', () => {
    const text = hypothesisDetailText(base).text;
    expect(text).toMatch(/h0badcafe · N-day momentum · US/);
    expect(text).toMatch(/State INCUBATING \(version 1\)/);
    expect(text).toMatch(/Grid: lookback 5\/10\/15 · minChangePct 5/);
    expect(text).toMatch(/Exits: stop 2 × ATR\(14\) · time stop 20 bars · no target/);
    expect(text).toMatch(/Walk-forward: not run yet/);
    expect(text).toMatch(/Transitions \(1\):\n {2}Dec 4 16:30 ET · — → INCUBATING · proposed by generator \(session 2026-12-04\)/);
    expect(text).not.toMatch(/✅|❌|DSR/);
  });

  it('after evaluation: each check recomputes, the DSR and its inputs, and the equity percentage from its two ends', () => {
    const figures = { oosTrades: 41, sharpe: 1.2345, maxDrawdown: 0.0812, profitFactor: 1.62, winRate: 0.4634 };
    const v = incubationVerdict(figures, 0.9712);
    const detail: HypothesisDetail = {
      ...base,
      state: 'PAPER',
      version: 2,
      fixedParams: { lookback: 15, minChangePct: 5 },
      evaluation: {
        figures,
        checks: v.checks,
        dsr: 0.9712,
        deflated: { dsr: 0.9712, undefinedReason: null, sr0: 0.0312, z: 1.9, sharpe: 0.0778, days: 700, skewness: 0.1, kurtosis: 3.4, trials: 12, trialVariance: 0.0009 },
        verdict: 'PAPER',
        reasons: [],
        chosenParams: { lookback: 15, minChangePct: 5 },
        windows: 36,
        firstDate: '2023-01-03',
        lastDate: '2026-12-04',
        symbols: 900,
        equity: { dates: ['2024-01-02', '2024-06-03', '2026-12-04'], values: [100000, 104500.4, 112345.6] },
        demo: false,
      },
      equity: { dates: ['2024-01-02', '2024-06-03', '2026-12-04'], values: [100000, 104500.4, 112345.6] },
    };
    const text = hypothesisDetailText(detail).text;
    expect(text).toMatch(/Fixed parameters: lookback 15 · minChangePct 5/);
    expect(text).toMatch(/Walk-forward 2023-01-03 → 2026-12-04 \(36 windows, 900 symbols\): verdict PAPER/);
    expect(hypothesisEquityChart(detail)?.watermark).toBeUndefined();
    const demo = { ...detail, evaluation: { ...detail.evaluation!, demo: true } };
    expect(hypothesisDetailText(demo).text).toMatch(/Walk-forward on DEMO \(synthetic\) bars/);
    expect(hypothesisEquityChart(demo)?.watermark).toBe('DEMO');
    const checkLines = text.split('\n').filter((l) => /^(✅|❌) /.test(l));
    expect(checkLines).toHaveLength(6);
    for (const [i, l] of checkLines.entries()) {
      const r = lineHolds(l, RULE_FIGURES[v.checks[i]!.rule].unit);
      expect(r.holds, l).toBe(r.pass);
    }
    expect(text).toMatch(/DSR 0\.971 · daily SR 0\.0778 vs SR₀ 0\.0312 · T 700 days · N 12 trials/);
    const eq = /OOS equity (\S+) → (\S+): ([\d,]+) → ([\d,]+) \(([+-][\d.]+)%\)/.exec(text)!;
    const first = Number(eq[3]!.replaceAll(',', ''));
    const last = Number(eq[4]!.replaceAll(',', ''));
    expect(Math.abs(((last - first) / first) * 100 - Number(eq[5]))).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(equityLine({ dates: ['a', 'b'], values: [1000, 900.4] })).toBe('OOS equity a → b: 1,000 → 900 (-10.0%)');
  });

  it('an unknown id says so and how to list ids', () => {
    expect(hypothesisUnknownText('hdeadbeef')).toMatch(/No hypothesis has the id "hdeadbeef"\. Send \/hypotheses to list them/);
  });
});
