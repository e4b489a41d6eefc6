import { z } from 'zod';
import type { BarSeries } from '../../engine/bars.js';
import { rangeSeries } from '../../engine/backtest/index.js';
import type { HypothesisDefinition } from '../../engine/hypotheses/definition.js';
import { verdictOver } from '../../engine/hypotheses/incubation-run.js';
import { BacktestInputError } from '../backtest/request.js';
import { evaluateDefinition } from '../hypotheses/evaluate-stored.js';
import { incubationFigures, incubationResultOf } from './incubation-manifest.js';
import { firstFigureDifference, shortHash, type KeyFigure, type RunManifest } from './manifest.js';
import { compareDataset, unloadable, type ReplayPorts, type ReplayReport } from './replay-backtest.js';

/** The parameters an incubation manifest records (see incubationManifest), as parsed back for a replay. */
const IncubationParams = z.object({
  market: z.string(),
  // The definition is stored verbatim, as the hypotheses table stores it; the evaluator refuses an invalid grid (RangeError).
  definition: z.object({ family: z.string() }).passthrough(),
  priorDailySharpes: z.array(z.number()),
  deflationTrials: z.array(z.number()),
});

/**
 * Replays an incubation manifest (a hypothesis's walk-forward evaluation and
 * verdict): loads the stored symbols from the bars store, cuts each to its
 * stored first..last dates (bars stored since are not a change), re-hashes
 * them, re-runs the same evaluator the incubator runs (evaluateDefinition,
 * then verdictOver with the stored trials; the evaluation draws no random
 * numbers, so there is no seed) and compares every key figure with the
 * stored ones, then the dataset hash.
 *
 * A dry run by construction: it reads the manifest's own parameters and the
 * bars, never the hypothesis, and writes nothing, so no state, evaluation,
 * transition or audit row changes.
 *
 * @throws RangeError when the manifest is not an incubation's, or its parameters are malformed
 */
export async function replayIncubation(manifest: RunManifest, ports: ReplayPorts): Promise<ReplayReport> {
  if (manifest.kind !== 'incubation') throw new RangeError(`manifest ${shortHash(manifest.id)} is of kind "${manifest.kind}", not an incubation's`);
  const parsed = IncubationParams.safeParse(manifest.params);
  if (!parsed.success) throw new RangeError(`manifest ${shortHash(manifest.id)} cannot be replayed: its stored parameters are malformed (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const params = parsed.data;
  const head = { id: manifest.id, short: shortHash(manifest.id), kind: manifest.kind };
  const code = { changed: ports.codeVersion !== manifest.codeVersion, stored: manifest.codeVersion, now: ports.codeVersion };

  let series: BarSeries[];
  try {
    series = await loadStoredUniverse(manifest, ports);
  } catch (err) {
    if (!(err instanceof BacktestInputError)) throw err;
    return unloadable(manifest, head, code, err);
  }

  const { data, why, nowHash } = compareDataset(manifest, series, null, code.changed);
  let figures: KeyFigure[];
  try {
    const run = await evaluateDefinition(params.definition as unknown as HypothesisDefinition, series, params.priorDailySharpes);
    // The incubator deflates over the trials finished when its verdict was decided (the stored deflationTrials), not those it started with.
    figures = incubationFigures(incubationResultOf(verdictOver(run.evaluation, params.deflationTrials)));
  } catch (err) {
    // The engine refuses a universe too short for one window or an invalid grid with a RangeError.
    if (!(err instanceof RangeError)) throw err;
    return { manifest: head, data, code, result: { identical: false, figure: null, why, error: err.message } };
  }
  const diff = firstFigureDifference(manifest.figures, figures) ?? (data.changed ? { name: 'dataset.hash', stored: manifest.datasetHash, now: nowHash } : null);
  return { manifest: head, data, code, result: diff ? { identical: false, figure: diff, why } : { identical: true, figures: figures.length } };
}

/**
 * The universe the incubation evaluated: its symbols from the bars store,
 * each cut to the stored date range, in symbol order (the order the
 * incubator's universe gives them). A symbol with no bars left is dropped
 * here and named by the dataset comparison as missing.
 *
 * @throws BacktestInputError when there is no bars store to read
 */
async function loadStoredUniverse(manifest: RunManifest, ports: ReplayPorts): Promise<BarSeries[]> {
  const store = ports.data.barsStore;
  if (!store) throw new BacktestInputError('this database has no bars store; incubations evaluate the bars stored there');
  const symbols = manifest.symbols.map((d) => d.symbol);
  const { series: loaded } = await store.load(symbols);
  const out: BarSeries[] = [];
  for (const d of manifest.symbols) {
    const s = loaded.get(d.symbol);
    const cut = s ? rangeSeries(s, d.first, d.last) : null;
    if (cut && cut.dates.length > 0) out.push(cut);
  }
  return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}
