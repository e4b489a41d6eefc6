/** Time-based work: slot definitions, the pure planner and the runner (see README of issue #6 in the report). */
export * from '../../engine/schedule/slots.js';
export * from '../../engine/schedule/plan.js';
export * from '../../trading/schedule/runs-repo.js';
export * from './runner.js';
