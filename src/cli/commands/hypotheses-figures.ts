/**
 * The few figures `courtside hypotheses list` shows per hypothesis, read
 * from what the store holds: the stored walk-forward evaluation and, for
 * what it lacks, the incubation transition's figures.
 *
 * The incubator (src/trading/hypotheses/incubate.ts) stores the engine's
 * HypothesisEvaluation plus `outcome` (with `dsr`) and `demo`, and its
 * transition figures carry `figures`, `dsr` and `demo` too. A few other
 * plausible places (a whole EvaluationRun's `evaluation.figures`,
 * `outcome.deflated.dsr`) are looked at as well, first found wins, so a
 * change of that shape degrades to "–" or still finds the figure rather
 * than breaking the listing.
 */

/** One hypothesis's headline figures; null = not evaluated yet, or not recorded. */
export interface KeyFigures {
  /** Out-of-sample trades of the walk-forward. */
  oosTrades: number | null;
  /** Annualised Sharpe of the out-of-sample daily equity. */
  sharpe: number | null;
  /** Deflated Sharpe ratio in [0, 1]. */
  dsr: number | null;
  /** True when the evaluation ran on synthetic (DEMO) bars; null when not recorded. */
  demo: boolean | null;
}

/** Events whose transition figures carry the incubation verdict. */
const INCUBATION_EVENTS = new Set(['incubation_passed', 'incubation_failed']);

function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** The first finite number at one of `paths` in `value`, or null. */
function firstNumber(value: unknown, paths: readonly (readonly string[])[]): number | null {
  for (const p of paths) {
    const v = at(value, p);
    if (typeof v === 'number' && !Number.isNaN(v)) return v;
  }
  return null;
}

const TRADES_PATHS = [['figures', 'oosTrades'], ['evaluation', 'figures', 'oosTrades'], ['outcome', 'figures', 'oosTrades']] as const;
const SHARPE_PATHS = [['figures', 'sharpe'], ['evaluation', 'figures', 'sharpe'], ['outcome', 'figures', 'sharpe']] as const;
const DSR_PATHS = [['dsr'], ['outcome', 'dsr'], ['deflated', 'dsr'], ['outcome', 'deflated', 'dsr'], ['verdict', 'dsr']] as const;

/**
 * Key figures from a stored evaluation and (when it lacks any) the figures
 * of the hypothesis's incubation transitions, newest first.
 *
 * @param transitionFigures `figures` of the hypothesis's transitions whose event is an incubation verdict, newest first
 */
export function keyFigures(evaluation: unknown, transitionFigures: readonly unknown[] = []): KeyFigures {
  const sources = [evaluation, ...transitionFigures];
  const pick = (paths: readonly (readonly string[])[]) => {
    for (const s of sources) {
      const n = firstNumber(s, paths);
      if (n !== null) return n;
    }
    return null;
  };
  const demo = sources.map((s) => at(s, ['demo'])).find((v) => typeof v === 'boolean');
  return { oosTrades: pick(TRADES_PATHS), sharpe: pick(SHARPE_PATHS), dsr: pick(DSR_PATHS), demo: typeof demo === 'boolean' ? demo : null };
}

/** True when a transition row's event is an incubation verdict (its figures may hold the DSR). */
export function isIncubationEvent(event: string): boolean {
  return INCUBATION_EVENTS.has(event);
}
