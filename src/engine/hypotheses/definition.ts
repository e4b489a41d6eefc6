/**
 * What a hypothesis is (DESIGN section 9): a pattern family, a small grid of
 * its parameters around a centre, the market it trades and the shared exit
 * rules. Two definitions are the same hypothesis exactly when their
 * canonical strings are equal (see canonical.ts); the trading layer stores
 * the SHA-256 of that string as the identity.
 */
import type { FamilyId } from '../patterns/types.js';
import type { Market } from '../market/markets.js';

/** Markets a hypothesis can trade: the markets of src/engine/market, under the name this module has always used. */
export type MarketId = Market;

export { MARKET_IDS } from '../market/markets.js';

/**
 * The shared exit rules every hypothesis trades with: a stop `stopAtr` ATRs
 * below the signal close, a time stop after `timeStopBars` bars in the trade
 * and an optional target `targetAtr` ATRs above the close.
 */
export interface HypothesisExits {
  /** ATR look-back in bars (Wilder). */
  atrPeriod: number;
  /** Stop distance in ATRs below the signal bar's close (> 0). */
  stopAtr: number;
  /** Exit at the close of this bar in the trade (bar 1 = entry bar). */
  timeStopBars: number;
  /** Target distance in ATRs above the close; null = no target. */
  targetAtr: number | null;
}

/**
 * One hypothesis as proposed. Grid values are decimal strings so the
 * canonical form does not depend on how a number was written (2 and 2.0
 * are the same value, "2"); `centre` is the grid point the generator built
 * the grid around.
 */
export interface HypothesisDefinition {
  family: FamilyId;
  market: MarketId;
  /** The family's parameters at the centre of the grid (a complete, valid params object). */
  centre: Readonly<Record<string, number | boolean | null>>;
  /**
   * Axis → the values tried on it, as decimal strings. Every family
   * parameter not named here keeps its centre value. The grid is the
   * Cartesian product of the axes (at most 12 points).
   */
  grid: Readonly<Record<string, readonly string[]>>;
  exits: Readonly<HypothesisExits>;
}
