/** Living hypotheses: the lifecycle state machine, the per-market caps and the rules' verdicts (DESIGN section 9). */
export * from './states.js';
export * from './lifecycle.js';
export * from './rules.js';
export * from './checks.js';
export * from './incubation-verdict.js';
export * from './paper-review.js';
export * from './live-review.js';
export * from './shadow-book.js';
export * from './shadow-figures.js';
export * from './signals.js';
export * from './evaluation-types.js';
export * from './evaluate.js';
export * from './trials.js';
export * from './canonical.js';
export * from './family-grids.js';
export * from './grid.js';
export * from './generator.js';
