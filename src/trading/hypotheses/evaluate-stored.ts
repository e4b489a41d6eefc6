import type { BarSeries } from '../../engine/bars.js';
import type { HypothesisDefinition } from '../../engine/hypotheses/definition.js';
import type { EvaluationProgress } from '../../engine/hypotheses/evaluate.js';
import { incubationRunSteps, type EvaluationRun } from '../../engine/hypotheses/incubation-run.js';
import { checkCancel, yieldToEventLoop } from '../backtest/data.js';

export type { EvaluationRun } from '../../engine/hypotheses/incubation-run.js';

/** Hooks of one evaluation: progress, and a cancel poll between steps. */
export interface EvaluationHooks {
  onProgress?(p: EvaluationProgress): void;
  /** Polled between steps; true stops the run with BacktestCancelledError. */
  shouldCancel?(): boolean | Promise<boolean>;
  /** Engine steps between event-loop yields (default 8): keeps the process answering while it runs. */
  stepsPerYield?: number;
}

/**
 * Runs evaluations: in this thread ({@link evaluateDefinition}) or, in the
 * running app, on worker threads (src/adapters/compute), so a long
 * walk-forward never holds up approvals and both cores are used.
 */
export interface HypothesisEvaluator {
  evaluate(definition: HypothesisDefinition, series: readonly BarSeries[], priorDailySharpes: readonly number[], hooks?: EvaluationHooks): Promise<EvaluationRun>;
}

/**
 * The walk-forward evaluation of one definition over a market's universe and
 * its incubation verdict (DESIGN section 9), in this thread. The deflated
 * Sharpe counts as trials every finished evaluation of the market
 * (`priorDailySharpes`) plus this one. Yields to the event loop between
 * engine steps and polls for cancellation.
 *
 * @param priorDailySharpes daily Sharpes of the market's other hypotheses whose evaluation finished
 * @throws RangeError when the definition's grid is invalid or the universe too short for one window
 * @throws BacktestCancelledError when cancelled
 */
export async function evaluateDefinition(
  definition: HypothesisDefinition,
  series: readonly BarSeries[],
  priorDailySharpes: readonly number[],
  hooks: EvaluationHooks = {},
): Promise<EvaluationRun> {
  const steps = incubationRunSteps(definition, series, priorDailySharpes);
  const every = Math.max(1, hooks.stepsPerYield ?? 8);
  let n = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    hooks.onProgress?.(r.value);
    if (++n % every === 0) {
      await yieldToEventLoop();
      await checkCancel(hooks);
    }
  }
}

/** {@link evaluateDefinition} as a {@link HypothesisEvaluator}: the CLI's dry run and the tests use it. */
export const inProcessEvaluator: HypothesisEvaluator = { evaluate: evaluateDefinition };
