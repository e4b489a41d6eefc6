import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { BarSeries } from '../src/engine/bars.js';
import { walkForwardSteps } from '../src/engine/backtest/index.js';
import { hypothesisWalkForwardSteps, INCUBATION_SIZING } from '../src/engine/hypotheses/evaluate.js';
import { FAMILY_GRID_SPECS } from '../src/engine/hypotheses/family-grids.js';
import { buildDefinition, gridPoints } from '../src/engine/hypotheses/grid.js';
import { hypothesisSignals } from '../src/engine/hypotheses/signals.js';
import { IndicatorCache } from '../src/engine/indicators/index.js';
import { familyById } from '../src/engine/patterns/registry.js';
import type { FamilyId } from '../src/engine/patterns/types.js';
import type { Signal } from '../src/engine/signal.js';
import { DEFAULT_END_DATE, DEFAULT_SESSIONS, syntheticUniverse } from './indicators.js';
import type { ScaleRow } from './lib/scale-child.js';
import { loadAverage } from './lib/system.js';
import { below, mark, ms, num, type Cell, type Table } from './lib/table.js';
import type { Benchmark } from './lib/types.js';

const TARGET_WALK_FORWARD = below(4000, 'ms');
/** Linear growth: time per symbol at most 1.5 × the smallest row's. */
const LINEAR_SLACK = 1.5;
const execFileAsync = promisify(execFile);

interface WalkForwardTiming {
  family: FamilyId;
  points: number;
  signalsMs: number;
  runsMs: number;
  windows: number;
  trades: number;
  sharpe: number | null;
}

/** One hypothesis's walk-forward (incubation's path), signals and window runs timed apart. */
function timeWalkForward(series: readonly BarSeries[], family: FamilyId): WalkForwardTiming {
  const spec = FAMILY_GRID_SPECS[family];
  const definition = buildDefinition(family, 'US', { ...spec.centres[0]! });
  const grid = gridPoints(definition);
  const t0 = performance.now();
  let tSignals = t0;
  const steps = hypothesisWalkForwardSteps({ series, definition, grid });
  let r = steps.next();
  while (!r.done) {
    if (r.value.done === series.length) tSignals = performance.now();
    r = steps.next();
  }
  const end = performance.now();
  return {
    family,
    points: grid.length,
    signalsMs: tSignals - t0,
    runsMs: end - tSignals,
    windows: r.value.windows.length,
    trades: r.value.trades.length,
    sharpe: r.value.metrics.sharpe,
  };
}

/** The same walk-forward through the general path (walkForwardSteps with a per-window selection), as incubation ran before. */
function timeGeneralPath(series: readonly BarSeries[], family: FamilyId): { ms: number; trades: number } {
  const spec = FAMILY_GRID_SPECS[family];
  const definition = buildDefinition(family, 'US', { ...spec.centres[0]! });
  const grid = gridPoints(definition);
  const fam = familyById(family);
  const t0 = performance.now();
  const signals: Signal[][][] = grid.map(() => []);
  for (const s of series) {
    const cache = new IndicatorCache(s);
    grid.forEach((p, g) => signals[g]!.push(hypothesisSignals(s, fam, p, definition.exits, { cache })));
  }
  const steps = walkForwardSteps({ series, objective: 'sharpe', backtest: { sizing: INCUBATION_SIZING } }, grid.length, (g, window, from, to) => {
    const out: Signal[] = [];
    for (const k of window.index) for (const sig of signals[g]![k]!) if (sig.date >= from && sig.date <= to) out.push(sig);
    return out;
  });
  let r = steps.next();
  while (!r.done) r = steps.next();
  return { ms: performance.now() - t0, trades: r.value.trades.length };
}

async function scaleRow(symbols: number, sessions: number, endDate: string): Promise<ScaleRow> {
  const child = fileURLToPath(new URL('./lib/scale-child.ts', import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', child, String(symbols), String(sessions), endDate], {
    maxBuffer: 1 << 20,
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ScaleRow;
}

export const hypothesesBenchmark: Benchmark = {
  name: 'hypotheses',
  summary:
    'Incubation speed: the walk-forward of one hypothesis (every grid point on each 252-bar training window, the best on the next 63 bars) over the ~900-symbol × 2,520-bar synthetic universe, for a busy family (rsi_oversold) and quieter ones; then how the scan compute and one full-universe backtest grow with the universe (900, 3,000, 9,000 synthetic symbols, each row in its own process: time and peak memory).',
  options: {
    '--families=rsi_oversold,down_closes,ma_cross': 'families timed (first centre of each in FAMILY_GRID_SPECS)',
    '--general': 'also time rsi_oversold through the general walk-forward path (walkForwardSteps per window, as before; ~30–90 s)',
    '--scale=900,3000,9000': 'universe sizes of the growth table (0 skips it)',
    '--sessions=2520': 'bars per symbol',
    '--end-date=2025-12-31': 'last synthetic session',
  },
  async run(ctx) {
    const o = ctx.options;
    const q = o.quick;
    const sessions = o.number('sessions', q ? 800 : DEFAULT_SESSIONS);
    const endDate = o.get('end-date') ?? DEFAULT_END_DATE;
    const families = (o.get('families') ?? 'rsi_oversold,down_closes,ma_cross').split(',').map((f) => f.trim()) as FamilyId[];
    for (const f of families) if (!(f in FAMILY_GRID_SPECS)) throw new Error(`--families: unknown family "${f}"; use ids of FAMILY_GRID_SPECS (${Object.keys(FAMILY_GRID_SPECS).join(', ')})`);
    const scale = o.get('scale') === '0' ? [] : o.list('scale', q ? [60, 200] : [900, 3000, 9000]);
    const loadStart = loadAverage();

    ctx.progress('generating the synthetic universe…');
    const { series, bars } = syntheticUniverse({ endDate, sessions, ...(q ? { symbols: 60 } : {}) });
    // Warm-up: one small walk-forward so the JIT is not timed.
    timeWalkForward(series.slice(0, 40), families[0]!);

    const wf: WalkForwardTiming[] = [];
    for (const f of families) {
      ctx.progress(`walk-forward of ${f}…`);
      wf.push(timeWalkForward(series, f));
    }
    const general = o.flag('general', false) ? (ctx.progress('general path (slow)…'), timeGeneralPath(series, 'rsi_oversold')) : null;
    const loadMid = loadAverage();

    const rows: Cell[][] = wf.map((w) => {
      const total = w.signalsMs + w.runsMs;
      return [
        `${w.family}, first centre, ${w.points}-point grid`,
        ms(w.signalsMs),
        ms(w.runsMs),
        ms(total),
        TARGET_WALK_FORWARD.label,
        mark(total, TARGET_WALK_FORWARD),
        `${w.windows} windows × ${w.points + 1} runs + ${w.points} latest; ${num(w.trades)} OOS trades, Sharpe ${w.sharpe === null ? 'n/a' : w.sharpe.toFixed(2)}`,
      ];
    });
    if (general) {
      rows.push([`rsi_oversold through the general path (walkForwardSteps + runPortfolio per window, as before)`, '', '', ms(general.ms), '', '', `${num(general.trades)} OOS trades (same result, not re-checked here: the unit tests do)`]);
    }
    const wfTable: Table = {
      title: `Walk-forward of one hypothesis — ${num(series.length)} symbols × ${num(sessions)} bars = ${num(bars)} bars, one core`,
      columns: ['hypothesis', 'signals', 'window runs', 'total', 'target', 'ok', 'result'],
      rows,
      notes: [
        `hypothesisWalkForwardSteps (src/engine/hypotheses/evaluate.ts), as incubation runs it: train 252 / test 63 / step 63 bars, Sharpe objective, 1 % risk sizing, 100,000 initial cash; "window runs" includes preparing the universe and each grid point's signals once (prepareUniverse / prepareSignals) and the latest-window choice. Timed once each, after a warm-up on 40 symbols.`,
        `The target (issue 14: ≤ 4 s for a 12-point grid, 36 windows, 900 symbols) is checked on the total.`,
        `Load average (1/5/15 min) at start ${loadStart}, after these runs ${loadMid}.`,
      ],
    };
    if (scale.length === 0) return wfTable;

    const scaleRows: ScaleRow[] = [];
    for (const n of scale) {
      ctx.progress(`growth: ${num(n)} symbols in a child process…`);
      scaleRows.push(await scaleRow(n, sessions, endDate));
    }
    const first = scaleRows[0]!;
    const perSym = (msTotal: number, r: ScaleRow) => (msTotal * 1000) / r.symbols;
    const linear = (msTotal: number, r: ScaleRow, msFirst: number) => (perSym(msTotal, r) <= LINEAR_SLACK * perSym(msFirst, first) ? '✓' : '✗');
    const growthRows: Cell[][] = scaleRows.map((r, i) => {
      const prev = scaleRows[i - 1];
      const bt = r.signalsMs + r.portfolioMs;
      const btFirst = first.signalsMs + first.portfolioMs;
      return [
        num(r.symbols),
        num(r.bars),
        ms(r.scanMs),
        `${num(perSym(r.scanMs, r), 1)} µs`,
        linear(r.scanMs, r, first.scanMs),
        `${ms(bt)} (${ms(r.signalsMs)} + ${ms(r.portfolioMs)})`,
        `${num(perSym(bt, r), 0)} µs`,
        linear(bt, r, btFirst),
        `${num(r.peakRssMiB, 0)} MiB`,
        prev ? `${num(((r.peakRssMiB - prev.peakRssMiB) * 1000) / (r.symbols - prev.symbols), 1)} MiB` : '',
        `${num(r.trades)} trades, ${num(r.scanSignals)} scan signals`,
      ];
    });
    const growthTable: Table = {
      title: `How cost grows with the universe — synthetic symbols × ${num(sessions)} bars, one process per row`,
      columns: ['symbols', 'bars', 'scan compute', 'per symbol', 'linear', 'one backtest (signals + portfolio)', 'per symbol', 'linear', 'peak RSS', 'added per 1,000 symbols', 'result'],
      rows: growthRows,
      notes: [
        `Each row runs in its own \`node --import tsx\` process (bench/lib/scale-child.ts), so its peak resident memory (process.resourceUsage().maxRSS, bars included) is its own; "added per 1,000 symbols" is the growth of that peak from the row above (linear growth keeps it flat). Symbols past the bundled universe's are its entries again with a numeric suffix (a symbol seeds its own series).`,
        `Scan compute = scanLatest (donchian + turtle_soup on every symbol's last bar), after a warm-up on 30 symbols. One backtest = both strategies' signals (one IndicatorCache per symbol, reasons dropped) + runPortfolio with 1 % risk sizing, as the backtest section runs it.`,
        `"linear" = time per symbol at most ${LINEAR_SLACK} × the ${num(first.symbols)}-symbol row's. Load average at the end: ${loadAverage()}.`,
      ],
    };
    return [wfTable, growthTable];
  },
};
