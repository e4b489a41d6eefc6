/**
 * The synthetic generator's PRNG now lives in src/engine/backtest/prng.ts (one
 * module for every seeded stream). This path only re-exports it because an
 * existing test imports it from here; src/ imports the engine module.
 */
export { Prng } from '../../../engine/backtest/prng.js';
