/** Markets and their rules: identity, symbols, ticks, daily limits, fees. */
export * from './errors.js';
export * from './markets.js';
export * from './symbols.js';
export * from './ticks.js';
export * from './price-limits.js';
export * from './fee-rates.js';
export * from './fees.js';
export { isoDate } from './dates.js';
