/**
 * What `courtside hypotheses` prints: the listing's table and JSON, and the
 * dry-run evaluation's report. JSON goes through figuresJson so a loss-free
 * profit factor prints as "Infinity" rather than JSON's silent null.
 */
import type { HypothesisDefinition } from '../../engine/hypotheses/definition.js';
import type { IncubationFailure } from '../../engine/hypotheses/incubation-verdict.js';
import { figuresJson } from '../../trading/hypotheses/figures-json.js';
import type { StoredHypothesis } from '../../trading/hypotheses/store.js';
import type { DryRunReport } from './hypotheses-evaluate.js';
import type { KeyFigures } from './hypotheses-figures.js';

/** One listed hypothesis: every stored field, plus the headline figures read from them. */
export type ListedHypothesis = StoredHypothesis & { keyFigures: KeyFigures };

/** `hypotheses list --json`: { hypotheses: [...] }, one line. */
export function listJson(items: readonly ListedHypothesis[]): string {
  return `${figuresJson({ hypotheses: items })}\n`;
}

const num = (v: number | null, digits: number) => (v === null ? '–' : v === Infinity ? '∞' : v.toFixed(digits));
const pct = (v: number | null, digits = 1) => (v === null ? '–' : `${(v * 100).toFixed(digits)} %`);

/** Left-aligned columns, two spaces apart. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Says what filters were asked for ("" when none). */
function filterText(filter: { market?: string; state?: string }): string {
  const parts = [filter.market ? `--market ${filter.market}` : '', filter.state ? `--state ${filter.state}` : ''].filter(Boolean);
  return parts.length ? ` matching ${parts.join(' ')}` : '';
}

/**
 * The listing as a table. An empty store says how hypotheses appear; an
 * empty filtered list says how many are stored in all.
 */
export function listText(items: readonly ListedHypothesis[], filter: { market?: string; state?: string }, storedInAll: number): string {
  if (items.length === 0) {
    if (storedInAll > 0) return `No hypotheses${filterText(filter)} (${storedInAll} stored in all; \`courtside hypotheses list\` shows every one).\n`;
    return [
      'No hypotheses stored yet.',
      'They appear on their own: while the robot runs (`courtside start`), the generator proposes up to 10 per',
      "market after each session's close (INCUBATING), and incubation's walk-forward moves each to PAPER or RETIRED.",
      '',
    ].join('\n');
  }
  const rows = items.map((h) => [
    h.id,
    h.market,
    h.family,
    h.state,
    h.stateSinceSession,
    h.keyFigures.oosTrades === null ? '–' : String(h.keyFigures.oosTrades),
    num(h.keyFigures.sharpe, 2),
    `${num(h.keyFigures.dsr, 3)}${h.keyFigures.demo ? ' DEMO' : ''}`,
    h.retiredReason ?? '',
  ]);
  const head = ['ID', 'MARKET', 'FAMILY', 'STATE', 'SINCE', 'OOS TRADES', 'SHARPE', 'DSR', 'RETIRED REASON'];
  const n = items.length;
  return `${table(head, rows)}\n${n} ${n === 1 ? 'hypothesis' : 'hypotheses'}${filterText(filter)}. SINCE = the session it entered its state; SHARPE is annualised, out of sample; DEMO = evaluated on synthetic bars. \`courtside hypotheses evaluate ID\` re-runs one's walk-forward (dry run).\n`;
}

/** How each incubation check's figure is named and printed. */
const CHECKS: Record<IncubationFailure, { label: string; fmt: (v: number | null) => string }> = {
  too_few_trades: { label: 'OOS trades', fmt: (v) => num(v, 0) },
  sharpe_too_low: { label: 'Sharpe (annualised)', fmt: (v) => num(v, 2) },
  drawdown_too_deep: { label: 'Max drawdown', fmt: (v) => pct(v) },
  profit_factor_too_low: { label: 'Profit factor', fmt: (v) => num(v, 2) },
  win_rate_too_low: { label: 'Win rate', fmt: (v) => pct(v) },
  deflated_sharpe_too_low: { label: 'Deflated Sharpe', fmt: (v) => num(v, 3) },
};

/** "lookback 9|10|11 · minChangePct 5" for the grid, with the centre's other values. */
function gridText(def: HypothesisDefinition): string {
  const axes = Object.keys(def.grid).sort();
  const fixed = Object.keys(def.centre).filter((k) => !axes.includes(k)).sort();
  return [...axes.map((a) => `${a} ${def.grid[a]!.join('|')}`), ...fixed.map((k) => `${k} ${String(def.centre[k])}`)].join(' · ');
}

function paramsText(params: Record<string, unknown>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join(' ');
}

const signedPct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} %`;

/** `hypotheses evaluate ID --json`: the whole report, one line. */
export function evaluateJson(r: DryRunReport): string {
  return `${figuresJson(r)}\n`;
}

/** The dry run's report: figures, the verdict with every check, the DSR inputs, the chosen params and the windows. */
export function evaluateText(r: DryRunReport): string {
  const h = r.hypothesis;
  const e = r.evaluation;
  const f = e.figures;
  const d = r.outcome.deflated;
  const ex = h.definition.exits;
  const out: string[] = [];
  out.push(`Hypothesis ${h.id} · ${h.market} · ${h.family} · ${h.state} since ${h.stateSinceSession} (version ${h.version})`);
  out.push('DRY RUN: evaluated now on the stored bars. Nothing was stored or changed (state, figures, transitions, audit).');
  if (r.demo) {
    out.push(`DEMO DATA: ${r.data.demoSymbols} of ${r.data.symbols} symbols are synthetic (DEMO) bars: these figures are not evidence about real markets.`);
  }
  out.push(`Grid: ${gridText(h.definition)} (${r.gridPoints} points)`);
  out.push(`Exits: stop ${ex.stopAtr} ATR(${ex.atrPeriod}) below the close · time stop ${ex.timeStopBars} bars · target ${ex.targetAtr === null ? 'none' : `${ex.targetAtr} ATR`}`);
  out.push(`Data: ${r.data.symbols} symbols, ${r.data.firstDate} → ${r.data.lastDate}${r.demo ? ' (DEMO)' : ''}; 1 % of equity at risk per trade`);
  out.push('');
  out.push(
    `Out of sample: ${f.oosTrades} trades · Sharpe ${num(f.sharpe, 2)} · max drawdown ${pct(f.maxDrawdown)} · profit factor ${num(f.profitFactor, 2)} · win rate ${pct(f.winRate)}`,
  );
  const verdict = r.outcome.to === 'PAPER' ? 'PAPER (every check passes)' : `RETIRED (${r.outcome.reasons.map((x) => CHECKS[x].label).join(', ')} failed)`;
  out.push(`Verdict: → ${verdict}`);
  for (const c of r.outcome.checks) {
    const k = CHECKS[c.rule];
    out.push(`  ${c.pass ? 'pass' : 'FAIL'}  ${k.label.padEnd(19)} ${k.fmt(c.actual).padStart(9)} ${c.op} ${k.fmt(c.limit)}`);
  }
  out.push('');
  const dsr = d.dsr === null ? `undefined (${d.undefinedReason ?? 'no daily Sharpe'})` : `${d.dsr.toFixed(3)} (z ${num(d.z, 3)})`;
  out.push(`Deflated Sharpe: DSR ${dsr}`);
  out.push(
    `  SR (daily) ${num(d.sharpe, 4)} · SR₀ ${d.sr0.toFixed(4)} · T ${d.days} days · skewness ${num(d.skewness, 3)} · kurtosis ${num(d.kurtosis, 3)} · N ${d.trials} trials · V ${d.trialVariance.toPrecision(4)}`,
  );
  out.push(`  N = ${r.priorDailySharpes.length} other finished ${h.market} evaluations${e.daily.sharpe === null ? '' : ' + this one'}`);
  out.push('');
  const lw = e.latestWindow;
  out.push(`Chosen params (latest training window ${lw.trainStart} → ${lw.trainEnd}, grid point ${e.chosenIndex + 1} of ${r.gridPoints}): ${paramsText(e.chosenParams)}`);
  out.push(`  training Sharpe of each grid point: ${lw.trainScores.map((v, i) => `${i + 1}: ${num(v, 2)}`).join(' · ')}`);
  out.push(`Windows (${e.windows.length}):`);
  for (const w of e.windows) {
    out.push(`  train ${w.trainStart} → ${w.trainEnd} · test ${w.testStart} → ${w.testEnd} · point ${w.chosenIndex + 1} · ${w.testTrades} trades · ${signedPct(w.testReturn)}`);
  }
  return `${out.join('\n')}\n`;
}
