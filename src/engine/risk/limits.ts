import { DEFAULT_MAX_SPREAD_PCT, DEFAULT_MAX_ORDER_PCT_ADV, DEFAULT_MIN_DOLLAR_ADV } from './liquidity-gate.js';
import { DEFAULT_DAILY_BUDGET, DEFAULT_PER_ORDER_BUDGET } from './policy-gate.js';
import { DEFAULT_MAX_OPEN_POSITIONS, DEFAULT_MAX_POSITION_PCT } from './position-caps.js';
import { DEFAULT_MAX_DRIFT_PCT } from './drift-band.js';

/** Every risk limit the execution job applies (config: see the EXEC_* variables in the wiring notes). */
export interface ExecutionLimits {
  perOrderBudget: number;
  dailyBudget: number;
  minPrice?: number;
  maxPrice?: number;
  minDollarAdv: number;
  maxSpreadPct: number;
  maxOrderPctAdv: number;
  maxOpenPositions: number;
  maxPositionPct: number;
  maxDriftPct: number;
  /** Buy limit = ask × (1 + limitBuffer) on the market's tick (US: up to the cent; KRX: down to the ETF tick, market/entry-limit.ts). Default 0.001. */
  limitBuffer: number;
  /** When true (default) the pick's quantity is cut to what fits the per-order budget instead of being refused. */
  sizeToPerOrderBudget: boolean;
}

export const DEFAULT_EXECUTION_LIMITS: ExecutionLimits = Object.freeze({
  perOrderBudget: DEFAULT_PER_ORDER_BUDGET,
  dailyBudget: DEFAULT_DAILY_BUDGET,
  minDollarAdv: DEFAULT_MIN_DOLLAR_ADV,
  maxSpreadPct: DEFAULT_MAX_SPREAD_PCT,
  maxOrderPctAdv: DEFAULT_MAX_ORDER_PCT_ADV,
  maxOpenPositions: DEFAULT_MAX_OPEN_POSITIONS,
  maxPositionPct: DEFAULT_MAX_POSITION_PCT,
  maxDriftPct: DEFAULT_MAX_DRIFT_PCT,
  limitBuffer: 0.001,
  sizeToPerOrderBudget: true,
});
