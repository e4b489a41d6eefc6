import type { BarSeries } from '../../engine/bars.js';
import type { HypothesisDefinition } from '../../engine/hypotheses/definition.js';
import { evaluateHypothesisSteps, type EvaluationProgress } from '../../engine/hypotheses/evaluate.js';
import type { HypothesisEvaluation } from '../../engine/hypotheses/evaluation-types.js';
import { gridPoints } from '../../engine/hypotheses/grid.js';
import { incubate, trialStats, type IncubationOutcome, type TrialStats } from '../../engine/hypotheses/trials.js';
import { checkCancel, yieldToEventLoop } from '../backtest/data.js';

/** Hooks of one evaluation: progress, and a cancel poll between steps. */
export interface EvaluationHooks {
  onProgress?(p: EvaluationProgress): void;
  /** Polled between steps; true stops the run with BacktestCancelledError. */
  shouldCancel?(): boolean | Promise<boolean>;
  /** Engine steps between event-loop yields (default 8): keeps the process answering while it runs. */
  stepsPerYield?: number;
}

/** One evaluation with its verdict and the trials it was deflated over. */
export interface EvaluationRun {
  evaluation: HypothesisEvaluation;
  outcome: IncubationOutcome;
  trials: TrialStats;
}

/**
 * The walk-forward evaluation of one definition over a market's universe and
 * its incubation verdict (DESIGN section 9). The deflated Sharpe counts as
 * trials every finished evaluation of the market (`priorDailySharpes`) plus
 * this one. Yields to the event loop between engine steps and polls for
 * cancellation, so a long evaluation neither freezes its process nor
 * outlives a cancel.
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
  const grid = gridPoints(definition);
  const steps = evaluateHypothesisSteps({ series, definition, grid });
  const every = Math.max(1, hooks.stepsPerYield ?? 8);
  let n = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) {
      const own = r.value.daily.sharpe;
      const trials = trialStats(own === null ? [...priorDailySharpes] : [...priorDailySharpes, own]);
      return { evaluation: r.value, outcome: incubate(r.value, trials), trials };
    }
    hooks.onProgress?.(r.value);
    if (++n % every === 0) {
      await yieldToEventLoop();
      await checkCancel(hooks);
    }
  }
}
