import { BOLLINGER_SQUEEZE, type BollingerSqueezeWhy } from './bollinger-squeeze.js';
import { DONCHIAN_FAMILY, type DonchianWhy } from './donchian.js';
import { DOWN_CLOSES, type DownClosesWhy } from './down-closes.js';
import { GAP_DOWN_REVERSAL, type GapDownReversalWhy } from './gap-down-reversal.js';
import { HIGH_BREAKOUT, type HighBreakoutWhy } from './high-breakout.js';
import { IBS_LOW, type IbsLowWhy } from './ibs-low.js';
import { MA_CROSS, type MaCrossWhy } from './ma-cross.js';
import { MOMENTUM, type MomentumWhy } from './momentum.js';
import { NR_BREAKOUT, type NrBreakoutWhy } from './nr-breakout.js';
import { RSI_OVERSOLD, type RsiOversoldWhy } from './rsi-oversold.js';
import { TURN_OF_MONTH, type TurnOfMonthWhy } from './turn-of-month.js';
import { TURTLE_SOUP_FAMILY, type TurtleSoupWhy } from './turtle-soup.js';
import type { FamilyId, PatternFamily } from './types.js';
import { VOLUME_SPIKE, type VolumeSpikeWhy } from './volume-spike.js';

/** The figures behind any family's signal, discriminated by `family`. */
export type PatternWhy =
  | MomentumWhy
  | DownClosesWhy
  | RsiOversoldWhy
  | IbsLowWhy
  | HighBreakoutWhy
  | VolumeSpikeWhy
  | MaCrossWhy
  | NrBreakoutWhy
  | TurnOfMonthWhy
  | BollingerSqueezeWhy
  | GapDownReversalWhy
  | DonchianWhy
  | TurtleSoupWhy;

/** A family whose params type is only known at run time (dispatch on an id from chat or the CLI). */
export type AnyPatternFamily = PatternFamily<object, PatternWhy>;

/** Every pattern family, by id, in FamilyId order (the Kobe strategies last). */
export const PATTERN_FAMILIES: Readonly<Record<FamilyId, AnyPatternFamily>> = Object.freeze({
  momentum: MOMENTUM as unknown as AnyPatternFamily,
  down_closes: DOWN_CLOSES as unknown as AnyPatternFamily,
  rsi_oversold: RSI_OVERSOLD as unknown as AnyPatternFamily,
  ibs_low: IBS_LOW as unknown as AnyPatternFamily,
  high_breakout: HIGH_BREAKOUT as unknown as AnyPatternFamily,
  volume_spike: VOLUME_SPIKE as unknown as AnyPatternFamily,
  ma_cross: MA_CROSS as unknown as AnyPatternFamily,
  nr_breakout: NR_BREAKOUT as unknown as AnyPatternFamily,
  turn_of_month: TURN_OF_MONTH as unknown as AnyPatternFamily,
  bollinger_squeeze: BOLLINGER_SQUEEZE as unknown as AnyPatternFamily,
  gap_down_reversal: GAP_DOWN_REVERSAL as unknown as AnyPatternFamily,
  donchian: DONCHIAN_FAMILY as unknown as AnyPatternFamily,
  turtle_soup: TURTLE_SOUP_FAMILY as unknown as AnyPatternFamily,
});

/** Every family id, in registry order. */
export const FAMILY_IDS = Object.keys(PATTERN_FAMILIES) as FamilyId[];

/** Looks a family up by an id typed by a user; throws a RangeError listing the valid ids. */
export function familyById(id: string): AnyPatternFamily {
  if (!Object.hasOwn(PATTERN_FAMILIES, id)) {
    throw new RangeError(`unknown pattern family '${id}'; valid: ${FAMILY_IDS.join(', ')}`);
  }
  return PATTERN_FAMILIES[id as FamilyId];
}
