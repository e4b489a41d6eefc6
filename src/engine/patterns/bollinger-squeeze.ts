import { z } from 'zod';
import type { BarSeries } from '../bars.js';
import { type BollingerBands, bollinger } from '../indicators/bollinger.js';
import type { IndicatorCache } from '../indicators/cache.js';
import { newColumn } from '../indicators/period.js';
import { rollingMinInto } from '../indicators/rolling-extreme.js';
import { cachedColumn } from './columns.js';
import { defineFamily } from './define.js';

/** Bollinger-squeeze-breakout parameters. */
export const bollingerSqueezeParamsSchema = z.strictObject({
  period: z.number().int().min(2).describe('integer >= 2: Bollinger SMA and standard-deviation period'),
  stdDevs: z.number().positive().describe('number > 0: band distance in (population) standard deviations'),
  squeezeLookback: z
    .number()
    .int()
    .min(2)
    .describe('integer >= 2: the band width before the signal bar must be the lowest of this many bars'),
});

/** Bollinger-squeeze-breakout parameters. */
export type BollingerSqueezeParams = z.output<typeof bollingerSqueezeParamsSchema>;

/** Figures behind a Bollinger squeeze breakout. */
export interface BollingerSqueezeWhy {
  readonly family: 'bollinger_squeeze';
  readonly close: number;
  /** Upper band at t: the close is above it. */
  readonly upper: number;
  /** Middle band (SMA(period)) at t. */
  readonly middle: number;
  /** Band width (upper - lower) / middle at t-1: the lowest of the `squeezeLookback` bars ending there. */
  readonly squeezeWidth: number;
  readonly period: number;
  readonly stdDevs: number;
  readonly squeezeLookback: number;
}

/** Upper band, middle band and band width of one (period, stdDevs), memoised on the cache. */
function bandColumns(s: BarSeries, p: BollingerSqueezeParams, cache: IndicatorCache) {
  const key = `bb:${p.period}:${p.stdDevs}`;
  // Computed at most once, whichever column is asked for first.
  let bands: BollingerBands | undefined;
  const get = () => (bands ??= bollinger(s.close, p.period, p.stdDevs));
  const upper = cachedColumn(cache, `${key}:upper`, () => get().upper);
  const middle = cachedColumn(cache, `${key}:middle`, () => get().middle);
  const width = cachedColumn(cache, `${key}:width`, () => {
    const b = get();
    const out = newColumn(s.close.length);
    for (let i = 0; i < out.length; i++) out[i] = (b.upper[i]! - b.lower[i]!) / b.middle[i]!;
    return out;
  });
  return { upper, middle, width };
}

/**
 * Bollinger squeeze breakout: close[t] > upper band[t], and the band width
 * at t-1 was the lowest (a tie counts) of the `squeezeLookback` bars ending
 * at t-1. The squeeze is read one bar back because the breakout bar itself
 * widens the bands. Prices are assumed positive (the width divides by the
 * middle band).
 */
export const BOLLINGER_SQUEEZE = defineFamily({
  id: 'bollinger_squeeze',
  title: 'Bollinger squeeze breakout',
  summary: 'Buy a close above the upper band right after the narrowest band width of the last squeezeLookback bars.',
  schema: bollingerSqueezeParamsSchema,
  defaults: Object.freeze({ period: 20, stdDevs: 2, squeezeLookback: 120 }),
  // The width is defined from bar period-1; the window t-squeezeLookback..t-1 must start there.
  firstValidIndex: (p) => p.period - 1 + p.squeezeLookback,
  prepare: (s, p, cache) => {
    const { upper, middle, width } = bandColumns(s, p, cache);
    // narrowest[t] = min(width[t-squeezeLookback..t-1]). The kernel wants finite
    // input, so it runs on the width past its NaN warm-up.
    const narrowest = cachedColumn(cache, `bbsqueeze:${p.period}:${p.stdDevs}:${p.squeezeLookback}`, () => {
      const len = s.close.length;
      const out = newColumn(len);
      const from = Math.min(p.period - 1, len);
      out.fill(Number.NaN, 0, from);
      rollingMinInto(width.subarray(from), p.squeezeLookback, 1, out.subarray(from), null);
      return out;
    });
    return { close: s.close, upper, middle, width, narrowest, p };
  },
  hit: (c, t) => c.close[t]! > c.upper[t]! && c.width[t - 1]! <= c.narrowest[t]!,
  figures: (c, t): BollingerSqueezeWhy => ({
    family: 'bollinger_squeeze',
    close: c.close[t]!,
    upper: c.upper[t]!,
    middle: c.middle[t]!,
    squeezeWidth: c.width[t - 1]!,
    period: c.p.period,
    stdDevs: c.p.stdDevs,
    squeezeLookback: c.p.squeezeLookback,
  }),
});
