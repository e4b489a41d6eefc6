/**
 * One incubation evaluation as a single generator: the definition's grid,
 * the walk-forward, then the verdict deflated over the market's finished
 * evaluations plus this one. Shared by the in-process path
 * (src/trading/hypotheses/evaluate-stored.ts) and the worker threads
 * (src/adapters/compute), so both give the same answer.
 */
import type { BarSeries } from '../bars.js';
import type { HypothesisDefinition } from './definition.js';
import { evaluateHypothesisSteps, type EvaluationProgress } from './evaluate.js';
import type { HypothesisEvaluation } from './evaluation-types.js';
import { gridPoints } from './grid.js';
import { incubate, trialStats, type IncubationOutcome, type TrialStats } from './trials.js';

/** One evaluation with its verdict and the trials it was deflated over. */
export interface EvaluationRun {
  evaluation: HypothesisEvaluation;
  outcome: IncubationOutcome;
  trials: TrialStats;
}

/**
 * @param priorDailySharpes daily Sharpes of the market's other hypotheses whose evaluation finished
 * @throws RangeError when the definition's grid is invalid or the universe too short for one window
 */
export function* incubationRunSteps(
  definition: HypothesisDefinition,
  series: readonly BarSeries[],
  priorDailySharpes: readonly number[],
): Generator<EvaluationProgress, EvaluationRun> {
  const evaluation = yield* evaluateHypothesisSteps({ series, definition, grid: gridPoints(definition) });
  return verdictOver(evaluation, priorDailySharpes);
}

/**
 * The verdict of a finished evaluation, deflated over `priorDailySharpes`
 * (the market's other finished evaluations) plus its own daily Sharpe.
 * Cheap: the incubator calls it again when evaluations finished while this
 * one ran, so N counts them too.
 */
export function verdictOver(evaluation: HypothesisEvaluation, priorDailySharpes: readonly number[]): EvaluationRun {
  const own = evaluation.daily.sharpe;
  const trials = trialStats(own === null ? [...priorDailySharpes] : [...priorDailySharpes, own]);
  return { evaluation, outcome: incubate(evaluation, trials), trials };
}
