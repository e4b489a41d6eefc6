/** Daily scan: evaluate strategies on the last bar of each symbol, rank, size suggestions. */
export { rankSignals, scanLatest, strategyLookback, type ScanCalendar, type ScanGap, type ScanMarketRules, type ScanOutcome, type ScanSkip } from './scan.js';
export { suggestSize, type SizingPolicy, type SuggestedSize } from './sizing.js';
export { levelsOnTick } from './levels.js';
export { proposesPick, type FixedSourceSizing, type KellySourceSizing, type PickSource, type RefusedSourceSizing, type SourceSizing } from './pick-sources.js';
export { sizeFixedSource, sizeKellySource, type KellySourceContext } from './source-sizing.js';
export { compareSources, mergePickSources, type MergedPick, type SizedSignal } from './merge.js';
export { scanHypotheses, type HypothesisScanProblem, type ScanHypothesis } from './hypotheses.js';
