/**
 * Messages between the evaluation pool (main thread) and its worker threads.
 * Plain structured-clone data only.
 */
import type { BarSeries } from '../../engine/bars.js';
import type { HypothesisDefinition } from '../../engine/hypotheses/definition.js';
import type { EvaluationRun } from '../../engine/hypotheses/incubation-run.js';

/** Main → thread: evaluate one definition. `series` rides along only when the thread lacks `universeKey`. */
export interface RunMessage {
  type: 'run';
  taskId: number;
  universeKey: string;
  series: readonly BarSeries[] | null;
  definition: HypothesisDefinition;
  priorDailySharpes: readonly number[];
}

/** Thread → main. */
export type ThreadMessage =
  | { type: 'progress'; taskId: number; done: number; total: number }
  | { type: 'done'; taskId: number; run: EvaluationRun }
  /** `missingUniverse`: the thread had no series for the key (it was replaced): send them again. */
  | { type: 'error'; taskId: number; name: string; message: string; missingUniverse?: boolean };
