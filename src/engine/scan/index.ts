/** Daily scan: evaluate strategies on the last bar of each symbol, rank, size suggestions. */
export { rankSignals, scanLatest, type ScanOutcome, type ScanSkip } from './scan.js';
export { suggestSize, type SizingPolicy, type SuggestedSize } from './sizing.js';
export { levelsOnTick } from './levels.js';
