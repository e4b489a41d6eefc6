/** Long-only strategies: registry, parameter parsing and signal generation. */
export {
  DONCHIAN,
  DONCHIAN_DEFAULTS,
  donchianLatestSignal,
  donchianParamsSchema,
  donchianSignalAt,
  donchianSignalIndices,
  donchianSignals,
  type DonchianParams,
} from './donchian.js';
export { fixedReasonNumbers, type ReasonNumbers } from './format.js';
export { describeParams, StrategyParamError } from './params.js';
export {
  type AnyStrategyDef,
  findLatestSignal,
  findSignals,
  STRATEGIES,
  strategyById,
  type StrategyParamsById,
  type StrategyRegistry,
} from './registry.js';
export {
  TURTLE_SOUP,
  TURTLE_SOUP_DEFAULTS,
  turtleSoupLatestSignal,
  turtleSoupParamsSchema,
  turtleSoupSignalAt,
  turtleSoupSignalIndices,
  turtleSoupSignals,
  type TurtleSoupParams,
} from './turtle-soup.js';
export type { StrategyDef } from './types.js';
