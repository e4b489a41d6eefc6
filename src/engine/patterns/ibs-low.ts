import { z } from 'zod';
import { defineFamily } from './define.js';

/** IBS-low parameters. */
export const ibsLowParamsSchema = z.strictObject({
  maxIbs: z.number().gt(0).max(1).describe('number in (0, 1]: IBS must be below this'),
  smaPeriod: z.number().int().min(1).nullable().describe('integer >= 1 or null: trend filter SMA period (null: none)'),
});

/** IBS-low parameters. */
export type IbsLowParams = z.output<typeof ibsLowParamsSchema>;

/** Figures behind an IBS-low signal. */
export interface IbsLowWhy {
  readonly family: 'ibs_low';
  readonly close: number;
  readonly high: number;
  readonly low: number;
  readonly ibs: number;
  readonly maxIbs: number;
  /** The trend SMA, or null when the filter is off. */
  readonly sma: number | null;
  readonly smaPeriod: number | null;
}

/**
 * IBS low: the close sits in the bottom of its day's range, IBS < maxIbs
 * (a zero-range bar is 0.5, so it never counts as low), optionally only
 * above SMA(smaPeriod).
 */
export const IBS_LOW = defineFamily({
  id: 'ibs_low',
  title: 'IBS low',
  summary: 'Buy a close in the bottom maxIbs of its day\'s range, optionally above its SMA.',
  schema: ibsLowParamsSchema,
  defaults: Object.freeze({ maxIbs: 0.2, smaPeriod: 200 as number | null }),
  firstValidIndex: (p) => (p.smaPeriod === null ? 0 : p.smaPeriod - 1),
  prepare: (s, p, cache) => ({
    s,
    ibs: cache.ibs(),
    sma: p.smaPeriod === null ? null : cache.sma(p.smaPeriod),
    p,
  }),
  hit: (c, t) => c.ibs[t]! < c.p.maxIbs && (c.sma === null || c.s.close[t]! > c.sma[t]!),
  figures: (c, t): IbsLowWhy => ({
    family: 'ibs_low',
    close: c.s.close[t]!,
    high: c.s.high[t]!,
    low: c.s.low[t]!,
    ibs: c.ibs[t]!,
    maxIbs: c.p.maxIbs,
    sma: c.sma === null ? null : c.sma[t]!,
    smaPeriod: c.p.smaPeriod,
  }),
});
