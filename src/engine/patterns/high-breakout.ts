import { z } from 'zod';
import { newColumn } from '../indicators/period.js';
import { rollingMaxInto } from '../indicators/rolling-extreme.js';
import { cachedColumn } from './columns.js';
import { defineFamily } from './define.js';

/** Highest-close breakout parameters. */
export const highBreakoutParamsSchema = z.strictObject({
  lookback: z.number().int().min(1).describe('integer >= 1: bars before the signal bar (252 = 52 weeks)'),
});

/** Highest-close breakout parameters. */
export type HighBreakoutParams = z.output<typeof highBreakoutParamsSchema>;

/** Figures behind a 52-week-high breakout. */
export interface HighBreakoutWhy {
  readonly family: 'high_breakout';
  readonly close: number;
  /** Highest close of the `lookback` bars before t. */
  readonly priorHighestClose: number;
  readonly lookback: number;
}

/**
 * 52-week-high breakout: the close beats the highest CLOSE of the prior
 * `lookback` bars (closes, unlike Donchian's highs, so an intraday spike
 * does not set the bar to beat).
 */
export const HIGH_BREAKOUT = defineFamily({
  id: 'high_breakout',
  title: '52-week-high breakout',
  summary: 'Buy a close above the highest close of the prior lookback bars.',
  schema: highBreakoutParamsSchema,
  defaults: Object.freeze({ lookback: 252 }),
  firstValidIndex: (p) => p.lookback,
  prepare: (s, p, cache) => ({
    close: s.close,
    // lag 1: the window is t-lookback..t-1, bar t excluded.
    prior: cachedColumn(cache, `maxclose:${p.lookback}`, () => {
      const out = newColumn(s.close.length);
      rollingMaxInto(s.close, p.lookback, 1, out, null);
      return out;
    }),
    p,
  }),
  hit: (c, t) => c.close[t]! > c.prior[t]!,
  figures: (c, t): HighBreakoutWhy => ({
    family: 'high_breakout',
    close: c.close[t]!,
    priorHighestClose: c.prior[t]!,
    lookback: c.p.lookback,
  }),
});
