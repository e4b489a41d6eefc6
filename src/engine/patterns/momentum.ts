import { z } from 'zod';
import { roc } from '../indicators/roc.js';
import { cachedColumn } from './columns.js';
import { defineFamily } from './define.js';

/** N-day momentum parameters. */
export const momentumParamsSchema = z.strictObject({
  lookback: z.number().int().min(1).describe('integer >= 1: bars the change is measured over'),
  minChangePct: z.number().positive().describe('number > 0: minimum change in percent'),
});

/** N-day momentum parameters. */
export type MomentumParams = z.output<typeof momentumParamsSchema>;

/** Figures behind an N-day momentum signal. */
export interface MomentumWhy {
  readonly family: 'momentum';
  readonly close: number;
  /** Close `lookback` bars before t. */
  readonly pastClose: number;
  readonly changePct: number;
  /** The change one bar earlier (below the threshold, or NaN in warm-up). */
  readonly prevChangePct: number;
  readonly minChangePct: number;
}

/**
 * N-day momentum: fires on the bar the `lookback`-bar rate of change first
 * reaches `minChangePct` (it was below, or undefined, one bar earlier), so a
 * long run of strength yields one signal rather than one per bar.
 */
export const MOMENTUM = defineFamily({
  id: 'momentum',
  title: 'N-day momentum',
  summary: 'Buy the close at which the lookback-bar change first reaches minChangePct percent.',
  schema: momentumParamsSchema,
  defaults: Object.freeze({ lookback: 20, minChangePct: 10 }),
  firstValidIndex: (p) => p.lookback,
  prepare: (s, p, cache) => ({
    close: s.close,
    roc: cachedColumn(cache, `roc:${p.lookback}`, () => roc(s.close, p.lookback)),
    p,
  }),
  // `!(prev >= x)` is true for a NaN prev (the first valid bar can fire).
  hit: (c, t) => c.roc[t]! >= c.p.minChangePct && !(c.roc[t - 1]! >= c.p.minChangePct),
  figures: (c, t): MomentumWhy => ({
    family: 'momentum',
    close: c.close[t]!,
    pastClose: c.close[t - c.p.lookback]!,
    changePct: c.roc[t]!,
    prevChangePct: c.roc[t - 1]!,
    minChangePct: c.p.minChangePct,
  }),
});
