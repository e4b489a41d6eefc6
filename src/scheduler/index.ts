/** Time-based work: slot definitions, the pure planner and the runner (see README of issue #6 in the report). */
export * from './slots.js';
export * from './plan.js';
export * from './runs-repo.js';
export * from './runner.js';
