import { DONCHIAN as DONCHIAN_STRATEGY, DONCHIAN_DEFAULTS, donchianParamsSchema } from '../strategies/donchian.js';
import { defineFamily } from './define.js';
import { strategyMask, strategySignal } from './kobe.js';

/** Figures behind a Donchian Breakout signal: the strategy's own levels. */
export interface DonchianWhy {
  readonly family: 'donchian';
  readonly close: number;
  /** Highest high of the `lookback` bars before t: the channel the close cleared. */
  readonly channelHigh: number;
  /** The trend filter SMA(smaPeriod) at t. */
  readonly sma: number;
  /** Wilder ATR(atrPeriod) at t. */
  readonly atr: number;
  /** The strategy's stop: close - stopAtrMult × ATR. */
  readonly stop: number;
  /** The strategy's target (close + targetR × R), or null. */
  readonly target: number | null;
  /** The strategy's score: breakout distance in ATRs. */
  readonly score: number;
  readonly lookback: number;
  readonly smaPeriod: number;
}

/**
 * The Kobe Donchian Breakout as a pattern family: it fires on exactly the
 * bars the strategy signals on (the strategy's own signalIndices, wrapped),
 * with the strategy's parameters and levels. Its exit parameters only set
 * the `why` levels; a hypothesis trades with its own shared exits.
 */
export const DONCHIAN_FAMILY = defineFamily({
  id: 'donchian',
  title: DONCHIAN_STRATEGY.title,
  summary: DONCHIAN_STRATEGY.summary,
  schema: donchianParamsSchema,
  defaults: DONCHIAN_DEFAULTS,
  firstValidIndex: (p) => DONCHIAN_STRATEGY.firstValidIndex(p),
  prepare: (s, p, cache) => ({ s, p, cache, mask: strategyMask(DONCHIAN_STRATEGY, s, p, cache) }),
  hit: (c, t) => c.mask[t] === 1,
  figures: (c, t): DonchianWhy => {
    const sig = strategySignal(DONCHIAN_STRATEGY, c.s, t, c.p, c.cache);
    return {
      family: 'donchian',
      close: sig.close,
      channelHigh: c.cache.donchianUpper(c.p.lookback)[t]!,
      sma: c.cache.sma(c.p.smaPeriod)[t]!,
      atr: sig.atr,
      stop: sig.stop,
      target: sig.target,
      score: sig.score,
      lookback: c.p.lookback,
      smaPeriod: c.p.smaPeriod,
    };
  },
});
