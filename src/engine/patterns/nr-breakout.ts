import { z } from 'zod';
import { newColumn } from '../indicators/period.js';
import { rollingMinInto } from '../indicators/rolling-extreme.js';
import { cachedColumn } from './columns.js';
import { defineFamily } from './define.js';

/** NR7 breakout parameters. */
export const nrBreakoutParamsSchema = z.strictObject({
  nrBars: z.number().int().min(2).describe('integer >= 2: the setup bar has the narrowest range of this many bars (7 = NR7)'),
});

/** NR7 breakout parameters. */
export type NrBreakoutParams = z.output<typeof nrBreakoutParamsSchema>;

/** Figures behind an NR7 breakout. */
export interface NrBreakoutWhy {
  readonly family: 'nr_breakout';
  readonly close: number;
  /** High of the narrow-range setup bar t-1. */
  readonly setupHigh: number;
  /** High - low of the setup bar. */
  readonly setupRange: number;
  readonly nrBars: number;
}

/**
 * NR7 breakout: bar t-1 had the narrowest high-low range of the `nrBars`
 * bars ending at t-1 (a tie counts), and bar t closes above its high.
 */
export const NR_BREAKOUT = defineFamily({
  id: 'nr_breakout',
  title: 'NR7 breakout',
  summary: 'Buy a close above the high of a bar whose range was the narrowest of its last nrBars bars.',
  schema: nrBreakoutParamsSchema,
  defaults: Object.freeze({ nrBars: 7 }),
  // The window t-nrBars..t-1 must start at bar 0 or later.
  firstValidIndex: (p) => p.nrBars,
  prepare: (s, p, cache) => {
    const range = cachedColumn(cache, 'range', () => {
      const out = newColumn(s.close.length);
      for (let i = 0; i < out.length; i++) out[i] = s.high[i]! - s.low[i]!;
      return out;
    });
    // lag 1: narrowest[t] = min(range[t-nrBars..t-1]), the window ending at the setup bar.
    const narrowest = cachedColumn(cache, `minrange:${p.nrBars}`, () => {
      const out = newColumn(s.close.length);
      rollingMinInto(range, p.nrBars, 1, out, null);
      return out;
    });
    return { s, range, narrowest, p };
  },
  hit: (c, t) => c.s.close[t]! > c.s.high[t - 1]! && c.range[t - 1]! <= c.narrowest[t]!,
  figures: (c, t): NrBreakoutWhy => ({
    family: 'nr_breakout',
    close: c.s.close[t]!,
    setupHigh: c.s.high[t - 1]!,
    setupRange: c.range[t - 1]!,
    nrBars: c.p.nrBars,
  }),
});
