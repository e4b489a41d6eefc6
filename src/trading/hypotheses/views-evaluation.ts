/**
 * Reads a stored evaluation back for chat and the CLI. The incubator
 * (incubate.ts) stores the HypothesisEvaluation with its `outcome` and a
 * `demo` flag; the `{ evaluation, outcome, trials }` that evaluateDefinition
 * returns is read too, so a view never breaks on an older or partial row:
 * whatever cannot be read is null, never invented.
 */
import type { Check } from '../../engine/hypotheses/checks.js';
import type { HypothesisEvaluation } from '../../engine/hypotheses/evaluation-types.js';
import { incubationVerdict, type IncubationFailure, type IncubationFigures } from '../../engine/hypotheses/incubation-verdict.js';
import type { IncubationDeflation } from '../../engine/hypotheses/trials.js';

/** A stored evaluation as the views show it. */
export interface EvaluationView {
  /** Out-of-sample figures (Sharpe annualised; drawdown and win rate as fractions). */
  figures: IncubationFigures;
  /** Every incubation rule with actual, limit and pass; recomputed from `figures` and `dsr` when the row kept no checks. */
  checks: Check<IncubationFailure>[];
  /** Deflated Sharpe ratio in [0, 1]; null when undefined or not stored. */
  dsr: number | null;
  /** The deflated Sharpe's inputs (SR₀, N, V, T…) when stored. */
  deflated: IncubationDeflation | null;
  /** PAPER or RETIRED by the checks. */
  verdict: 'PAPER' | 'RETIRED';
  /** Failed rules, in check order (empty for PAPER). */
  reasons: IncubationFailure[];
  /** Parameters chosen on the latest training window (what PAPER and LIVE trade); null when not stored. */
  chosenParams: Record<string, unknown> | null;
  /** Walk-forward windows evaluated; null when not stored. */
  windows: number | null;
  firstDate: string | null;
  lastDate: string | null;
  symbols: number | null;
  /** Stitched out-of-sample equity; null when not stored or shorter than two points. */
  equity: { dates: string[]; values: number[] } | null;
  /** True when any bar evaluated was synthetic (DEMO); null when the row does not say. */
  demo: boolean | null;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);
const num = (x: unknown): number | null => (typeof x === 'number' && !Number.isNaN(x) ? x : null);
const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

function readFigures(x: unknown): IncubationFigures | null {
  if (!isObj(x)) return null;
  const oosTrades = num(x.oosTrades);
  if (oosTrades === null) return null;
  return { oosTrades, sharpe: num(x.sharpe), maxDrawdown: num(x.maxDrawdown), profitFactor: num(x.profitFactor), winRate: num(x.winRate) };
}

function readChecks(x: unknown): Check<IncubationFailure>[] | null {
  if (!Array.isArray(x) || x.length === 0) return null;
  const out: Check<IncubationFailure>[] = [];
  for (const c of x) {
    if (!isObj(c) || typeof c.rule !== 'string' || typeof c.pass !== 'boolean' || num(c.limit) === null) return null;
    if (c.op !== '>=' && c.op !== '<=' && c.op !== '>' && c.op !== '<') return null;
    out.push({ rule: c.rule as IncubationFailure, actual: num(c.actual), op: c.op, limit: num(c.limit)!, pass: c.pass });
  }
  return out;
}

function readDeflated(x: unknown): IncubationDeflation | null {
  if (!isObj(x) || num(x.sr0) === null || num(x.trials) === null) return null;
  return {
    dsr: num(x.dsr),
    undefinedReason: (str(x.undefinedReason) as IncubationDeflation['undefinedReason']) ?? null,
    sr0: num(x.sr0)!,
    z: num(x.z),
    sharpe: num(x.sharpe),
    days: num(x.days) ?? 0,
    skewness: num(x.skewness),
    kurtosis: num(x.kurtosis),
    trials: num(x.trials)!,
    trialVariance: num(x.trialVariance) ?? 0,
  };
}

function readEquity(x: unknown): { dates: string[]; values: number[] } | null {
  if (!isObj(x) || !Array.isArray(x.dates) || !Array.isArray(x.values)) return null;
  const n = Math.min(x.dates.length, x.values.length);
  if (n < 2) return null;
  const dates = x.dates.slice(0, n);
  const values = x.values.slice(0, n);
  if (!dates.every((d) => typeof d === 'string') || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  return { dates: dates as string[], values: values as number[] };
}

/**
 * The evaluation of a stored hypothesis as the views show it, or null when
 * none is stored (still INCUBATING) or it has no out-of-sample figures.
 */
export function readStoredEvaluation(stored: unknown): EvaluationView | null {
  if (!isObj(stored)) return null;
  // `{ evaluation, outcome }` as evaluateDefinition returns it, or the evaluation itself.
  const ev: Partial<Record<keyof HypothesisEvaluation, unknown>> & Obj = isObj(stored.evaluation) ? stored.evaluation : stored;
  const outcome: Obj | null = isObj(stored.outcome) ? stored.outcome : isObj(ev.outcome) ? ev.outcome : null;
  const figures = readFigures(ev.figures) ?? readFigures(outcome?.figures);
  if (!figures) return null;
  const deflated = readDeflated(outcome?.deflated) ?? readDeflated(stored.deflated);
  const dsr = num(outcome?.dsr) ?? deflated?.dsr ?? null;
  // The verdict's own checks when stored; else the same pure rule applied to the stored figures.
  const checks = readChecks(outcome?.checks) ?? incubationVerdict(figures, dsr).checks;
  const reasons = checks.filter((c) => !c.pass).map((c) => c.rule);
  return {
    figures,
    checks,
    dsr,
    deflated,
    verdict: reasons.length === 0 ? 'PAPER' : 'RETIRED',
    reasons,
    chosenParams: isObj(ev.chosenParams) ? ev.chosenParams : null,
    windows: Array.isArray(ev.windows) ? ev.windows.length : null,
    firstDate: str(ev.firstDate),
    lastDate: str(ev.lastDate),
    symbols: num(ev.symbols),
    equity: readEquity(ev.equity),
    demo: typeof stored.demo === 'boolean' ? stored.demo : typeof ev.demo === 'boolean' ? ev.demo : null,
  };
}
