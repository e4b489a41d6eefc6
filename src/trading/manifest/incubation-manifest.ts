import type { BarSeries } from '../../engine/bars.js';
import type { EvaluationRun } from '../../engine/hypotheses/incubation-run.js';
import { hashDataset } from './dataset-hash.js';
import { flattenFigures, manifestId, type KeyFigure, type RunManifest } from './manifest.js';

/** What an incubation's manifest records besides its bars. */
export interface IncubationManifestInput {
  market: string;
  /** The hypothesis definition evaluated (JSON-safe). */
  definition: unknown;
  /** Daily Sharpes of the market's finished evaluations given to the evaluation. */
  priorDailySharpes: readonly number[];
  /** The ones the verdict deflated over (more, when others finished meanwhile). */
  deflationTrials: readonly number[];
  /** The result's figures: out-of-sample figures, DSR, windows, dates, chosen parameters. */
  result: { figures: unknown; dsr: number | null; windows: number; firstDate: string; lastDate: string; params: Record<string, unknown>; verdict: string };
}

/**
 * The result a manifest records of a finished (deflated) evaluation: the
 * incubator and the replay both derive it here, so they compare like with like.
 */
export function incubationResultOf(run: Pick<EvaluationRun, 'evaluation' | 'outcome'>): IncubationManifestInput['result'] {
  const { evaluation: e, outcome: o } = run;
  return { figures: o.figures, dsr: o.dsr, windows: e.windows.length, firstDate: e.firstDate, lastDate: e.lastDate, params: e.chosenParams, verdict: o.to };
}

/**
 * The manifest of one hypothesis incubation (its walk-forward evaluation and
 * verdict): the universe's content hash, the code version, the definition
 * and the trials it was deflated over, no seed (the evaluation draws no
 * random numbers), and the verdict's key figures.
 */
export function incubationManifest(series: readonly BarSeries[], input: IncubationManifestInput, code: string): RunManifest {
  const dataset = hashDataset(series, null);
  const params = JSON.parse(
    JSON.stringify({ market: input.market, definition: input.definition, priorDailySharpes: input.priorDailySharpes, deflationTrials: input.deflationTrials }),
  ) as Record<string, unknown>;
  const content = { kind: 'incubation' as const, datasetHash: dataset.hash, codeVersion: code, params, seed: null };
  return { id: manifestId(content), ...content, symbols: dataset.symbols, figures: incubationFigures(input.result) };
}

/**
 * The key figures of an incubation a replay compares, in the order it reports
 * the first difference: the out-of-sample figures, the DSR, the windows and
 * dates evaluated, the verdict, then the chosen parameters.
 */
export function incubationFigures(r: IncubationManifestInput['result']): KeyFigure[] {
  const figures: KeyFigure[] = [];
  flattenFigures('figures', r.figures, figures);
  figures.push(['dsr', r.dsr], ['windows', r.windows], ['firstDate', r.firstDate], ['lastDate', r.lastDate], ['verdict', r.verdict]);
  flattenFigures('params', r.params, figures);
  // Through JSON once, as the stored copy is: a fresh -0 or a dropped undefined compares like the stored one.
  return JSON.parse(JSON.stringify(figures)) as KeyFigure[];
}
