/**
 * The numbers of DESIGN section 10, copied here on purpose: the engine reads
 * no files or environment. Fractions of equity unless the name says PCT.
 */

/** Below this many wins or losses there is no estimate. */
export const MIN_WINS = 5;
export const MIN_LOSSES = 5;
/** Risk without an estimate: 0.25 % of equity. */
export const NO_ESTIMATE_RISK = 0.0025;
/** f at or below this is no edge (guards a float "edge" of 1e-17). */
export const MIN_EDGE = 1e-9;
/** The shrink n / (n + SHRINK_TRADES). */
export const SHRINK_TRADES = 30;
/** Risk per trade never above 1 % of equity. */
export const MAX_RISK = 0.01;
/** Default EXEC_MAX_POSITION_PCT (a percentage): the risk gates' own, so the two never differ. */
export { DEFAULT_MAX_POSITION_PCT } from '../risk/position-caps.js';
/** One LIVE hypothesis's open positions ≤ 40 % of equity. */
export const HYPOTHESIS_MAX_OPEN = 0.4;
/** Cash after a buy ≥ 10 % of equity. */
export const CASH_RESERVE = 0.1;
/** New risk per session ≤ 2 % of equity. */
export const SESSION_MAX_NEW_RISK = 0.02;
