/**
 * The states of a living hypothesis (DESIGN section 9) and the per-market caps.
 */

/** INCUBATING = queued for one walk-forward evaluation; PAPER = shadow book only; LIVE = makes picks; RETIRED = final. */
export type HypothesisState = 'INCUBATING' | 'PAPER' | 'LIVE' | 'RETIRED';

export const HYPOTHESIS_STATES: readonly HypothesisState[] = Object.freeze([
  'INCUBATING',
  'PAPER',
  'LIVE',
  'RETIRED',
]);

/**
 * How many hypotheses one market may hold in each capped state. A full cap
 * means the generator waits (and says so); nothing is evicted silently.
 */
export const STATE_CAPS_PER_MARKET: Readonly<Record<Exclude<HypothesisState, 'RETIRED'>, number>> = Object.freeze({
  INCUBATING: 50,
  PAPER: 10,
  LIVE: 3,
});

/** Room left under a state's cap in one market, given how many it holds now (never negative). */
export function capRoom(state: Exclude<HypothesisState, 'RETIRED'>, countInMarket: number): number {
  return Math.max(0, STATE_CAPS_PER_MARKET[state] - countInMarket);
}
