import { TURTLE_SOUP as TURTLE_SOUP_STRATEGY, TURTLE_SOUP_DEFAULTS, turtleSoupParamsSchema } from '../strategies/turtle-soup.js';
import { defineFamily } from './define.js';
import { strategyMask, strategySignal } from './kobe.js';

/** Figures behind a Turtle Soup signal: the strategy's own levels. */
export interface TurtleSoupWhy {
  readonly family: 'turtle_soup';
  readonly close: number;
  /** Low of bar t: it undercut `priorLow`. */
  readonly low: number;
  /** Lowest low of the `lookback` bars before t: swept by the low, reclaimed by the close. */
  readonly priorLow: number;
  /** Bars since the most recent bar that set `priorLow` (>= minBarsSinceLow). */
  readonly barsSinceLow: number;
  /** Internal bar strength of bar t (checked against maxIbs when that is set). */
  readonly ibs: number;
  /** The trend filter SMA(smaPeriod) at t. */
  readonly sma: number;
  /** Wilder ATR(atrPeriod) at t. */
  readonly atr: number;
  /** The strategy's stop: close - stopAtrMult × ATR. */
  readonly stop: number;
  /** The strategy's target (close + targetR × R), or null. */
  readonly target: number | null;
  /** The strategy's score: reclaim distance above the prior low in ATRs. */
  readonly score: number;
  readonly lookback: number;
  readonly minBarsSinceLow: number;
}

/**
 * The Kobe Turtle Soup as a pattern family: it fires on exactly the bars the
 * strategy signals on (the strategy's own signalIndices, wrapped), with the
 * strategy's parameters and levels. Its exit parameters only set the `why`
 * levels; a hypothesis trades with its own shared exits.
 */
export const TURTLE_SOUP_FAMILY = defineFamily({
  id: 'turtle_soup',
  title: TURTLE_SOUP_STRATEGY.title,
  summary: TURTLE_SOUP_STRATEGY.summary,
  schema: turtleSoupParamsSchema,
  defaults: TURTLE_SOUP_DEFAULTS,
  firstValidIndex: (p) => TURTLE_SOUP_STRATEGY.firstValidIndex(p),
  prepare: (s, p, cache) => ({ s, p, cache, mask: strategyMask(TURTLE_SOUP_STRATEGY, s, p, cache) }),
  hit: (c, t) => c.mask[t] === 1,
  figures: (c, t): TurtleSoupWhy => {
    const sig = strategySignal(TURTLE_SOUP_STRATEGY, c.s, t, c.p, c.cache);
    const { lower, lowerIndex } = c.cache.donchianLower(c.p.lookback);
    return {
      family: 'turtle_soup',
      close: sig.close,
      low: c.s.low[t]!,
      priorLow: lower[t]!,
      barsSinceLow: t - lowerIndex[t]!,
      ibs: c.cache.ibs()[t]!,
      sma: c.cache.sma(c.p.smaPeriod)[t]!,
      atr: sig.atr,
      stop: sig.stop,
      target: sig.target,
      score: sig.score,
      lookback: c.p.lookback,
      minBarsSinceLow: c.p.minBarsSinceLow,
    };
  },
});
