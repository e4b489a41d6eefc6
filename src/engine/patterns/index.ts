/** Pattern families: pure, lookahead-free entry predicates with typed params and figures. */
export {
  BOLLINGER_SQUEEZE,
  type BollingerSqueezeParams,
  bollingerSqueezeParamsSchema,
  type BollingerSqueezeWhy,
} from './bollinger-squeeze.js';
export { cachedColumn } from './columns.js';
export { defineFamily, type FamilySpec } from './define.js';
export { DONCHIAN_FAMILY, type DonchianWhy } from './donchian.js';
export { DOWN_CLOSES, type DownClosesParams, type DownClosesWhy } from './down-closes.js';
export {
  GAP_DOWN_REVERSAL,
  type GapDownReversalParams,
  gapDownReversalParamsSchema,
  type GapDownReversalWhy,
} from './gap-down-reversal.js';
export { HIGH_BREAKOUT, type HighBreakoutParams, type HighBreakoutWhy } from './high-breakout.js';
export { IBS_LOW, type IbsLowParams, type IbsLowWhy } from './ibs-low.js';
export { MA_CROSS, type MaCrossParams, type MaCrossWhy } from './ma-cross.js';
export { MOMENTUM, type MomentumParams, type MomentumWhy } from './momentum.js';
export { NR_BREAKOUT, type NrBreakoutParams, type NrBreakoutWhy } from './nr-breakout.js';
export { type AnyPatternFamily, FAMILY_IDS, familyById, PATTERN_FAMILIES, type PatternWhy } from './registry.js';
export { RSI_OVERSOLD, type RsiOversoldParams, type RsiOversoldWhy } from './rsi-oversold.js';
export { TURN_OF_MONTH, type TurnOfMonthParams, type TurnOfMonthWhy } from './turn-of-month.js';
export type { FamilyId, PatternFamily } from './types.js';
export { TURTLE_SOUP_FAMILY, type TurtleSoupWhy } from './turtle-soup.js';
export { VOLUME_SPIKE, type VolumeSpikeParams, type VolumeSpikeWhy } from './volume-spike.js';
