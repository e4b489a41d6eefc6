/** Living hypotheses: the lifecycle state machine, the per-market caps and the rules' verdicts (DESIGN section 9). */
export * from './states.js';
export * from './lifecycle.js';
export * from './rules.js';
export * from './checks.js';
export * from './incubation-verdict.js';
export * from './paper-review.js';
export * from './live-review.js';
